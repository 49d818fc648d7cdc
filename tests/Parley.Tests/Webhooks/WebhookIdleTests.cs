using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Webhooks;

/// <summary>
/// With nothing to deliver and nothing in flight, the webhook worker waits for a wake-up or its poll
/// interval (docs/configuration.md) before it reads the outbox again. It used to cancel its own wait
/// at once and read the outbox in a loop, which took CPU from every chat turn.
/// </summary>
public sealed class WebhookIdleTests
{
    private sealed class IdleApp : ParleyApp
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Parley:Webhooks:PollIntervalMilliseconds", "600000")];
    }

    [Fact]
    public async Task An_idle_worker_does_not_read_the_outbox_again_before_its_poll_interval()
    {
        await using var app = new IdleApp();
        await app.InitializeAsync();
        using var reads = new OutboxReads(app.DataDir);
        using var client = app.Authorized(app.Admin.AccessToken);

        // Work that stores no webhook delivery, long enough for a looping worker to read the outbox many times.
        for (var i = 0; i < 20; i++)
        {
            var response = await client.GetAsync("/api/v1/auth/me");
            Assert.Equal(200, (int)response.StatusCode);
        }

        await Task.Delay(500);

        // At most the read that may have been under way when counting began.
        Assert.InRange(reads.Count, 0, 1);
    }

    /// <summary>Counts the outbox reads (EF commands on webhook_deliveries) against one app's database.</summary>
    private sealed class OutboxReads : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly string _dataDir;
        private readonly IDisposable _all;
        private readonly List<IDisposable> _subscriptions = [];
        private int _count;

        public OutboxReads(string dataDir)
        {
            _dataDir = dataDir;
            _all = DiagnosticListener.AllListeners.Subscribe(this);
        }

        public int Count => Volatile.Read(ref _count);

        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == DbLoggerCategory.Name)
            {
                lock (_subscriptions)
                {
                    _subscriptions.Add(listener.Subscribe(this));
                }
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == RelationalEventId.CommandExecuted.Name && value.Value is CommandExecutedEventData data
                && data.Command.CommandText.Contains("FROM \"webhook_deliveries\"", StringComparison.Ordinal)
                && data.Command.Connection?.DataSource?.Contains(_dataDir, StringComparison.Ordinal) == true)
            {
                Interlocked.Increment(ref _count);
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            _all.Dispose();
            lock (_subscriptions)
            {
                _subscriptions.ForEach(s => s.Dispose());
            }
        }
    }
}
