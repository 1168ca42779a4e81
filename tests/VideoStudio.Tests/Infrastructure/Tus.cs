using System.Net.Http.Headers;
using AngleSharp.Html.Dom;

namespace VideoStudio.Tests.Infrastructure;

/// <summary>A tus 1.0 client as the upload dialog speaks it: the page's antiforgery token in a header on every request.</summary>
public sealed class Tus(HttpClient client, IHtmlDocument page)
{
    public const string OffsetType = "application/offset+octet-stream";

    public HttpRequestMessage Request(HttpMethod method, string url, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Add("Tus-Resumable", "1.0.0");
        request.Headers.Add("RequestVerificationToken", page.AntiforgeryHeader());
        return request;
    }

    public Task<HttpResponseMessage> CreateAsync(Guid contentId, string slot, long length, string fileName = "clip.mp4")
    {
        var request = Request(HttpMethod.Post, $"/content/{contentId}/uploads/{slot}");
        request.Headers.Add("Upload-Length", length.ToString());
        request.Headers.Add("Upload-Metadata", "filename " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(fileName)));
        return client.SendAsync(request);
    }

    /// <summary>Creates an upload and returns its URL.</summary>
    public async Task<string> StartAsync(Guid contentId, string slot, long length, string fileName = "clip.mp4")
    {
        var created = await CreateAsync(contentId, slot, length, fileName);
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        return created.Headers.Location!.OriginalString;
    }

    public Task<HttpResponseMessage> PatchAsync(string url, long offset, ReadOnlyMemory<byte> bytes, string contentType = OffsetType, string? checksum = null) =>
        PatchAsync(url, offset, new ReadOnlyMemoryContent(bytes), contentType, checksum);

    public Task<HttpResponseMessage> PatchAsync(string url, long offset, HttpContent body, string contentType = OffsetType, string? checksum = null, CancellationToken ct = default)
    {
        body.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var request = Request(HttpMethod.Patch, url, body);
        request.Headers.Add("Upload-Offset", offset.ToString());
        if (checksum is not null)
        {
            request.Headers.Add("Upload-Checksum", checksum);
        }
        return client.SendAsync(request, ct);
    }

    public Task<HttpResponseMessage> HeadAsync(string url) => client.SendAsync(Request(HttpMethod.Head, url));

    public Task<HttpResponseMessage> DeleteAsync(string url) => client.SendAsync(Request(HttpMethod.Delete, url));

    public static long Offset(HttpResponseMessage response) => long.Parse(response.Headers.GetValues("Upload-Offset").Single());

    public static Guid IdOf(string url) => Guid.ParseExact(url[(url.LastIndexOf('/') + 1)..], "N");
}
