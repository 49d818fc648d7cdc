using System.Collections.Concurrent;

namespace Parley.Server.Realtime;

/// <summary>Counts open sockets per user so one account cannot hold more than its share (the Customer Care AI document: 10).</summary>
public sealed class SocketLimits
{
    private readonly ConcurrentDictionary<Guid, int> _open = new();

    public bool TryEnter(Guid userId, int limit)
    {
        while (true)
        {
            var current = _open.GetValueOrDefault(userId);
            if (current >= limit)
            {
                return false;
            }

            if (current == 0 ? _open.TryAdd(userId, 1) : _open.TryUpdate(userId, current + 1, current))
            {
                return true;
            }
        }
    }

    public void Leave(Guid userId)
    {
        while (_open.TryGetValue(userId, out var current))
        {
            if (current <= 1 ? _open.TryRemove(new KeyValuePair<Guid, int>(userId, current)) : _open.TryUpdate(userId, current - 1, current))
            {
                return;
            }
        }
    }

    public int Total => _open.Values.Sum();
}
