using Microsoft.JSInterop;
using Parley.Client;

namespace Parley.ConsoleApp.Services;

/// <summary>
/// Keeps the count of escalations waiting for a person, live: the tenant socket (<c>/ws</c>) reports
/// every conversation change, and each one re-reads the count from the handoff queue (one small
/// request), so the badge is right however the escalation happened. A rise rings and notifies.
/// </summary>
public sealed class EscalationWatch(ConsoleSession session, IJSRuntime js) : IAsyncDisposable
{
    private CancellationTokenSource? _stop;
    private Task? _loop;

    public long Waiting { get; private set; }

    /// <summary>Raised after the count was read again; pages that list conversations refresh on it.</summary>
    public event Action? Changed;

    public void Start()
    {
        if (_loop is not null || !session.IsSignedIn)
        {
            return;
        }

        _stop = new CancellationTokenSource();
        _loop = RunAsync(_stop.Token);
    }

    public async Task StopAsync()
    {
        if (_stop is null)
        {
            return;
        }

        await _stop.CancelAsync();
        try
        {
            await (_loop ?? Task.CompletedTask);
        }
        catch (OperationCanceledException)
        {
            // Stopped on purpose.
        }

        _stop.Dispose();
        (_stop, _loop) = (null, null);
    }

    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && session.IsSignedIn)
        {
            try
            {
                // Counting first also renews an expired access token (a 401 refreshes), which the
                // socket's upgrade, carrying the token in its query, cannot do by itself.
                await RecountAsync(notify: false, stop);
                await using var socket = await TenantSocket.ConnectAsync(session.Client, stop);
                await RecountAsync(notify: false, stop);
                await foreach (var e in socket.ReadEventsAsync(stop))
                {
                    if (e.Type == "conversation_update")
                    {
                        await RecountAsync(notify: true, stop);
                    }
                }
            }
            catch (ParleyApiException)
            {
                // The server is restarting or the login ended; try again shortly.
            }

            await Task.Delay(TimeSpan.FromSeconds(2), stop);
        }
    }

    private async Task RecountAsync(bool notify, CancellationToken stop)
    {
        try
        {
            var page = await session.Client.Handoff.QueueAsync(new ListQuery { Size = 1, Filters = new Dictionary<string, string> { ["claimed"] = "false" } }, stop);
            var before = Waiting;
            Waiting = page.Total;
            if (notify && Waiting > before)
            {
                await js.InvokeVoidAsync("parleyConsole.notify", "New escalation", "A customer is waiting for a person.");
            }
        }
        catch (ParleyApiException)
        {
            // Shown on the next successful read.
        }

        Changed?.Invoke();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
