using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VideoStudio.Core.Media;

// What object storage costs the app, with the app's own classes against Azurite: how many bytes ffprobe and the poster
// frame read of a large upload through their read-only link (ranged reads), beside ffprobe on a local copy; and playback
// over HTTP three ways: through an app by the store's seekable stream (what /media did), through an app by one ranged GET
// per response, and by a redirect to a read-only link (what /media does). Every byte from Azurite passes a counting relay.
// Usage: Blob <connection string> <video file>

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
    Console.WriteLine($"  {what,-66} {ms,8:0} ms{(bytes is { } b ? $"  {b / 1024.0,10:0.0} KiB read" : "")}");

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

    // Playback as a browser meets it: /media/ answered by a small app on Kestrel, three ways.
    await using var app = await PlaybackApp.StartAsync(store);
    using var http = new HttpClient();
    Console.WriteLine("playback of the whole video, and of its first byte, through a Kestrel app on loopback:");
    foreach (var (way, what) in new[]
    {
        ("through", "app, the store's seekable stream (old /media)"),
        ("single", "app, one ranged GET of the blob per response"),
        ("redirect", "302 to a read-only link (/media now)"),
    })
    {
        var first = await Measure(async () =>
        {
            using var response = await http.GetAsync($"{app.Url}/{way}/{staged.StorageKey}", HttpCompletionOption.ResponseHeadersRead);
            await using var body = await response.Content.ReadAsStreamAsync();
            return body.ReadByte();
        });
        Row($"{what}: first byte", first.Ms, first.Bytes);
        var whole = await Measure(async () =>
        {
            using var response = await http.GetAsync($"{app.Url}/{way}/{staged.StorageKey}", HttpCompletionOption.ResponseHeadersRead);
            await using var body = await response.Content.ReadAsStreamAsync();
            await body.CopyToAsync(Stream.Null);
            return response.Content.Headers.ContentLength;
        });
        Row($"{what}: whole file", whole.Ms, whole.Bytes);
        var range = await Measure(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{app.Url}/{way}/{staged.StorageKey}");
            request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(size / 2, size / 2 + 1048575);
            using var response = await http.SendAsync(request);
            return (await response.Content.ReadAsByteArrayAsync()).Length;
        });
        Row($"{what}: 1 MiB Range", range.Ms, range.Bytes);
    }
}

/// <summary>
/// The read side of /media without the database: <c>through</c> is the store's <see cref="MediaStore.ServeAsync"/> (what
/// /media did for videos), <c>single</c> one ranged download per response relayed by the app (the alternative to a
/// redirect), <c>redirect</c> the store's playback link (what /media does for videos now).
/// </summary>
sealed class PlaybackApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PlaybackApp(WebApplication app) => _app = app;

    public string Url => _app.Urls.Single();

    public static async Task<PlaybackApp> StartAsync(BlobMediaStore store)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var response = new MediaResponse("video/mp4", DateTimeOffset.UtcNow, new Microsoft.Net.Http.Headers.EntityTagHeaderValue("\"bench\""));
        app.MapGet("/through/{key}", async (string key, CancellationToken ct) => await store.ServeAsync(key, response, ct));
        app.MapGet("/redirect/{key}", (string key) => Results.Redirect(store.PlaybackLinkFor(key, "inline", DateTimeOffset.UtcNow, null)!.Url.AbsoluteUri));
        app.MapGet("/single/{key}", async (string key, HttpContext http, CancellationToken ct) =>
        {
            var blob = new BlobClient(new Uri(store.PlaybackLinkFor(key, "inline", DateTimeOffset.UtcNow, null)!.Url.AbsoluteUri));
            var asked = http.Request.GetTypedHeaders().Range?.Ranges.SingleOrDefault();
            var range = asked is { From: { } from } ? new HttpRange(from, asked.To is { } to ? to - from + 1 : null) : default;
            var download = (await blob.DownloadStreamingAsync(new BlobDownloadOptions { Range = range }, ct)).Value;
            http.Response.StatusCode = asked is null ? 200 : 206;
            http.Response.ContentType = "video/mp4";
            http.Response.ContentLength = download.Details.ContentLength;
            await using var body = download.Content;
            await body.CopyToAsync(http.Response.Body, ct);
        });
        await app.StartAsync();
        return new PlaybackApp(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
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
