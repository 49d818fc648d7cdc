using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;

// Usage: SocketHold <url-file> <count> <server-pid> [hold-seconds]
// Opens <count> WebSockets (64 at a time) to the URLs in <url-file> (one per line, used in turn),
// waits for each connection_established, holds them idle, and reports how many stayed open and
// the server's resident memory before and after.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: SocketHold <url-file> <count> <server-pid> [hold-seconds]");
    return 2;
}

var urls = File.ReadAllLines(args[0]).Where(l => l.Length > 0).Select(l => new Uri(l)).ToArray();
var count = int.Parse(args[1], CultureInfo.InvariantCulture);
var pid = int.Parse(args[2], CultureInfo.InvariantCulture);
var hold = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 10;

static long ResidentKiB(int pid)
{
    foreach (var line in File.ReadLines($"/proc/{pid}/status"))
    {
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
        {
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
    }

    return -1;
}

var before = ResidentKiB(pid);
var sockets = new List<ClientWebSocket>(count);
var failures = 0;
var watch = Stopwatch.StartNew();
using var gate = new SemaphoreSlim(64);
var tasks = Enumerable.Range(0, count).Select(async i =>
{
    await gate.WaitAsync();
    try
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await socket.ConnectAsync(urls[i % urls.Length], timeout.Token);
        var buffer = new byte[4096];
        var first = await socket.ReceiveAsync(buffer, timeout.Token);
        if (!Encoding.UTF8.GetString(buffer, 0, first.Count).Contains("connection_established", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("unexpected first event");
        }

        lock (sockets)
        {
            sockets.Add(socket);
        }
    }
    catch (Exception e) when (e is WebSocketException or OperationCanceledException or InvalidOperationException or IOException)
    {
        Interlocked.Increment(ref failures);
    }
    finally
    {
        gate.Release();
    }
}).ToList();
await Task.WhenAll(tasks);
var opened = watch.Elapsed;

await Task.Delay(TimeSpan.FromSeconds(hold));
GC.Collect();
var stillOpen = sockets.Count(s => s.State == WebSocketState.Open);
var after = ResidentKiB(pid);
Console.WriteLine($"requested {count}, opened {sockets.Count} in {opened.TotalSeconds:F1} s, failed {failures}, still open after {hold} s idle: {stillOpen}");
Console.WriteLine($"server resident memory: {before / 1024.0:F1} MiB before, {after / 1024.0:F1} MiB with the connections held, {(after - before) / (double)Math.Max(1, stillOpen):F1} KiB per connection");
foreach (var socket in sockets)
{
    socket.Abort();
    socket.Dispose();
}

return stillOpen == count ? 0 : 1;
