using System.Collections.Concurrent;

namespace Parley.Server.Conversations;

/// <summary>
/// One bot turn at a time per conversation: concurrent sends wait their turn, in arrival order
/// (SemaphoreSlim queues waiters FIFO). Entries live only while someone holds or waits.
/// Across instances the unique (conversation_id, sequence) index is the final guard.
/// </summary>
public sealed class ConversationLocks
{
    private sealed class Gate : IDisposable
    {
        public readonly SemaphoreSlim Semaphore = new(1, 1);
        public int Users;

        public void Dispose() => Semaphore.Dispose();
    }

    private readonly ConcurrentDictionary<Guid, Gate> _gates = new();

    public async Task<IDisposable> AcquireAsync(Guid conversationId, CancellationToken cancellationToken)
    {
        Gate gate;
        while (true)
        {
            gate = _gates.GetOrAdd(conversationId, _ => new Gate());
            lock (gate)
            {
                // A gate being removed has Users == -1; take a fresh one then.
                if (gate.Users >= 0)
                {
                    gate.Users++;
                    break;
                }
            }
        }

        try
        {
            await gate.Semaphore.WaitAsync(cancellationToken);
        }
        catch
        {
            Leave(conversationId, gate);
            throw;
        }

        return new Releaser(() =>
        {
            gate.Semaphore.Release();
            Leave(conversationId, gate);
        });
    }

    private void Leave(Guid conversationId, Gate gate)
    {
        lock (gate)
        {
            if (--gate.Users == 0)
            {
                gate.Users = -1;
                _gates.TryRemove(new KeyValuePair<Guid, Gate>(conversationId, gate));
                gate.Dispose();
            }
        }
    }

    private sealed class Releaser(Action release) : IDisposable
    {
        private Action? _release = release;

        public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
    }
}
