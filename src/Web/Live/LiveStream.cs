using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace VideoStudio.Web.Live;

/// <summary>
/// A server-sent event stream of ready-made events: each event is formatted once (<see cref="Event"/>) and the same bytes are
/// written to every stream that may see it, instead of each stream formatting (and buffering) its own copy.
/// </summary>
public sealed class LiveStream(IAsyncEnumerable<ReadOnlyMemory<byte>> events) : IResult
{
    /// <summary>One event in the wire format: its name, then each line of <paramref name="data"/>.</summary>
    public static byte[] Event(string name, string data)
    {
        var text = new StringBuilder(data.Length + name.Length + 32).Append("event: ").Append(name).Append('\n');
        foreach (var line in data.ReplaceLineEndings("\n").Split('\n'))
        {
            text.Append("data: ").Append(line).Append('\n');
        }
        return Encoding.UTF8.GetBytes(text.Append('\n').ToString());
    }

    public async Task ExecuteAsync(HttpContext http)
    {
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache,no-store";
        response.Headers.Pragma = "no-cache";
        // Compression would hold events back until its buffer fills.
        response.Headers.ContentEncoding = "identity";
        http.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
        // The headers go out at once: the page knows it is connected before anything changes.
        await response.StartAsync(http.RequestAborted);
        await foreach (var item in events)
        {
            await response.BodyWriter.WriteAsync(item, http.RequestAborted);
        }
    }
}
