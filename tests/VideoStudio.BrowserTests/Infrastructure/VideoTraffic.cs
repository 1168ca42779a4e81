using System.Collections.Concurrent;
using System.Text.Json;

namespace VideoStudio.BrowserTests.Infrastructure;

/// <summary>
/// What the browser itself reports about /media/ requests, and those to a media store's own origin when one is given
/// (Chromium's network events over CDP): the bytes that crossed the network per URL, and how many responses came from the
/// network rather than the browser's cache. App URLs are kept as their path, the store's with their origin (no query).
/// </summary>
public sealed class VideoTraffic
{
    private readonly ConcurrentDictionary<string, string> _urls = new();
    private readonly ConcurrentDictionary<string, bool> _fromCache = new();
    private readonly ConcurrentBag<(string Url, long Bytes, bool FromCache)> _finished = [];

    private VideoTraffic()
    {
    }

    public static async Task<VideoTraffic> RecordAsync(IPage page, string? storeOrigin = null)
    {
        var traffic = new VideoTraffic();
        var session = await page.Context.NewCDPSessionAsync(page);
        session.Event("Network.requestWillBeSent").OnEvent += (_, e) =>
        {
            var url = new Uri(e!.Value.GetProperty("request").GetProperty("url").GetString()!);
            if (storeOrigin is not null && url.GetLeftPart(UriPartial.Authority) == storeOrigin)
            {
                traffic._urls[Id(e)] = url.GetLeftPart(UriPartial.Path);
            }
            else if (url.AbsolutePath.Contains("/media/"))
            {
                traffic._urls[Id(e)] = url.AbsolutePath;
            }
        };
        session.Event("Network.requestServedFromCache").OnEvent += (_, e) => traffic._fromCache[Id(e)] = true;
        session.Event("Network.responseReceived").OnEvent += (_, e) =>
        {
            var response = e!.Value.GetProperty("response");
            if (response.GetProperty("fromDiskCache").GetBoolean() || (response.TryGetProperty("fromMemoryCache", out var memory) && memory.GetBoolean()))
            {
                traffic._fromCache[Id(e)] = true;
            }
        };
        session.Event("Network.loadingFinished").OnEvent += (_, e) =>
        {
            if (traffic._urls.TryGetValue(Id(e), out var url))
            {
                traffic._finished.Add((url, (long)e!.Value.GetProperty("encodedDataLength").GetDouble(), traffic._fromCache.ContainsKey(Id(e))));
            }
        };
        await session.SendAsync("Network.enable");
        return traffic;
    }

    /// <summary>Forgets what was recorded so far, to measure one step on its own.</summary>
    public void Clear()
    {
        _finished.Clear();
    }

    public long BytesFromNetwork(string? prefix = null) => Matching(prefix).Where(f => !f.FromCache).Sum(f => f.Bytes);

    public int FetchesFromNetwork(string? prefix = null) => Matching(prefix).Count(f => !f.FromCache);

    public int ServedFromCache(string? prefix = null) => Matching(prefix).Count(f => f.FromCache);

    public override string ToString() => string.Join("; ", _finished.Select(f => $"{f.Url} {f.Bytes} B{(f.FromCache ? " (cache)" : "")}"));

    /// <summary>Requests whose URL starts with <paramref name="prefix"/> (a /media/ path, or a store's origin), or all.</summary>
    private IEnumerable<(string Url, long Bytes, bool FromCache)> Matching(string? prefix) => _finished.Where(f => prefix is null || f.Url.StartsWith(prefix, StringComparison.Ordinal));

    private static string Id(JsonElement? e) => e!.Value.GetProperty("requestId").GetString()!;
}
