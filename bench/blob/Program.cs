using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VideoStudio.Core.Media;

// What object storage costs the app, with the app's own classes against Azurite: how many bytes ffprobe and the poster
// frame read of a large upload through their read-only link (ranged reads), beside ffprobe on a local copy; and reading a
// video through the store's stream (what /media does) beside a plain GET of a signed link (what a redirect would hand the
// browser). Every byte from Azurite passes a counting relay. Usage: Blob <connection string> <video file>

var (connectionString, path) = (args[0], args[1]);
var endpoint = new Uri(connectionString.Split(';').Single(p => p.StartsWith("BlobEndpoint=", StringComparison.Ordinal))["BlobEndpoint=".Length..]);
await using var relay = new CountingRelay(endpoint.Port);
var store = new BlobMediaStore(Options.Create(new BlobOptions
{
    ConnectionString = connectionString.Replace($"{endpoint.Host}:{endpoint.Port}", $"127.0.0.1:{relay.Port}"),
    Container = "bench-" + Guid.NewGuid().ToString("N")[..8],
}));
var probe = new VideoProbe(Options.Create(new ProbeOptions()), NullLogger<VideoProbe>.Instance);
var size = new FileInfo(path).Length;
Console.WriteLine($"file: {size / 1048576.0:0} MiB, index (moov) at the end; load average {File.ReadAllText("/proc/loadavg")[..14]}");

async Task<(double Ms, long Bytes, T Result)> Measure<T>(Func<Task<T>> work)
{
    var before = relay.Down;
    var clock = Stopwatch.StartNew();
    var result = await work();
    return (clock.Elapsed.TotalMilliseconds, relay.Down - before, result);
}

void Row(string what, double ms, long? bytes) =>
    Console.WriteLine($"  {what,-58} {ms,8:0} ms{(bytes is { } b ? $"  {b / 1024.0,10:0.0} KiB read" : "")}");

await using (var file = File.OpenRead(path))
{
    var (ms, _, staged) = await Measure(() => store.StageAsync(Guid.NewGuid(), file, long.MaxValue, CancellationToken.None));
    Row("stage (4 MiB blocks, one commit, SHA-256 on the way)", ms, null);
    var input = await store.ToolInputAsync(staged, CancellationToken.None);
    var probed = await Measure(() => probe.ProbeAsync(input, CancellationToken.None));
    Row("ffprobe through the read-only link (Range requests)", probed.Ms, probed.Bytes);
    var poster = await Measure(() => probe.PosterAsync(input, probed.Result!.DurationSeconds, CancellationToken.None));
    Row($"poster frame through the link ({poster.Result?.Length ?? 0} byte JPEG)", poster.Ms, poster.Bytes);
    var local = await Measure(() => probe.ProbeAsync(new ToolInput(path, "file"), CancellationToken.None));
    Row("ffprobe on a local file (what a temporary copy would allow)", local.Ms, null);
    var localPoster = await Measure(() => probe.PosterAsync(new ToolInput(path, "file"), probed.Result!.DurationSeconds, CancellationToken.None));
    Row("poster frame from the local file", localPoster.Ms, null);
    var copy = await Measure(async () =>
    {
        await using var source = (await store.OpenReadAsync(staged.StorageKey, CancellationToken.None))!;
        var target = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"));
        await using (var sink = File.Create(target))
        {
            await source.CopyToAsync(sink);
        }
        File.Delete(target);
        return true;
    });
    Row("a temporary local copy of the whole file (the alternative)", copy.Ms, copy.Bytes);

    using var http = new HttpClient();
    var link = new Uri(input.Location);
    var direct = await Measure(async () =>
    {
        await using var body = await http.GetStreamAsync(link);
        await body.CopyToAsync(Stream.Null);
        return true;
    });
    Row("whole video by a signed link (a redirect's cost: the store)", direct.Ms, direct.Bytes);
    var proxied = await Measure(async () =>
    {
        await using var body = (await store.OpenReadAsync(staged.StorageKey, CancellationToken.None))!;
        await body.CopyToAsync(Stream.Null);
        return true;
    });
    Row("whole video through the store's stream (/media's read side)", proxied.Ms, proxied.Bytes);
    var rangeDirect = await Measure(async () =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, link);
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(size / 2, size / 2 + 1048575);
        using var response = await http.SendAsync(request);
        return (await response.Content.ReadAsByteArrayAsync()).Length;
    });
    Row("1 MiB Range by the signed link", rangeDirect.Ms, rangeDirect.Bytes);
    var rangeProxied = await Measure(async () =>
    {
        await using var body = (await store.OpenReadAsync(staged.StorageKey, CancellationToken.None))!;
        body.Seek(size / 2, SeekOrigin.Begin);
        var buffer = new byte[1 << 20];
        return await body.ReadAtLeastAsync(buffer, buffer.Length);
    });
    Row("1 MiB Range through the store's stream", rangeProxied.Ms, rangeProxied.Bytes);
}

/// <summary>A loopback relay to Azurite that counts the bytes coming back.</summary>
sealed class CountingRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private long _down;

    public CountingRelay(int targetPort)
    {
        _listener.Start();
        _ = AcceptAsync(targetPort);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public long Down => Interlocked.Read(ref _down);

    private async Task AcceptAsync(int targetPort)
    {
        while (!_stop.IsCancellationRequested)
        {
            var inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            var outbound = new TcpClient();
            await outbound.ConnectAsync(IPAddress.Loopback, targetPort);
            _ = PumpAsync(inbound.GetStream(), outbound.GetStream(), count: false, inbound, outbound);
            _ = PumpAsync(outbound.GetStream(), inbound.GetStream(), count: true, inbound, outbound);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool count, TcpClient a, TcpClient b)
    {
        var buffer = new byte[81920];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer)) > 0)
            {
                if (count)
                {
                    Interlocked.Add(ref _down, read);
                }
                await to.WriteAsync(buffer.AsMemory(0, read));
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // One side closed.
        }
        finally
        {
            a.Close();
            b.Close();
        }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        return ValueTask.CompletedTask;
    }
}
