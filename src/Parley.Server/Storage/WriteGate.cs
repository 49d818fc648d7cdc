using Microsoft.Extensions.Options;

namespace Parley.Server.Storage;

/// <summary>
/// SQLite has one writer at a time; many connections racing for the write lock spend their time in
/// SQLITE_BUSY retries and back-off sleeps. Hot write paths (chat turns) queue here instead, so
/// exactly one of them writes while the rest wait without spinning. A no-op on PostgreSQL.
/// </summary>
public sealed class WriteGate(IOptions<DatabaseOptions> database) : IDisposable
{
    private readonly SemaphoreSlim? _gate = database.Value.IsPostgres ? null : new SemaphoreSlim(1, 1);

    public async ValueTask<IDisposable?> EnterAsync(CancellationToken cancellationToken)
    {
        if (_gate is null)
        {
            return null;
        }

        await _gate.WaitAsync(cancellationToken);
        return new Exit(_gate);
    }

    public void Dispose() => _gate?.Dispose();

    private sealed class Exit(SemaphoreSlim gate) : IDisposable
    {
        private SemaphoreSlim? _gate = gate;

        public void Dispose() => Interlocked.Exchange(ref _gate, null)?.Release();
    }
}
