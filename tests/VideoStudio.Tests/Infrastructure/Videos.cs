using System.Net.Http.Headers;
using AngleSharp.Html.Dom;

namespace VideoStudio.Tests.Infrastructure;

public static class Videos
{
    public static byte[] Mp4 => File.ReadAllBytes(Fixtures.SampleMp4);
    public static byte[] WebM => File.ReadAllBytes(Fixtures.SampleWebM);

    public static string UploadUrl(Guid contentId, string slot) => $"/content/{contentId}/upload/{slot}";

    public static MultipartFormDataContent Multipart(byte[] bytes, string fileName, string contentType = "video/mp4")
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { file, "file", fileName } };
    }

    /// <summary>Uploads as the modal does: an htmx multipart POST with the page's antiforgery header.</summary>
    public static Task<HttpResponseMessage> UploadAsync(this Tenant tenant, IHtmlDocument page, Guid contentId, string slot, byte[] bytes, string fileName, string contentType = "video/mp4") =>
        tenant.Client.HtmxPostAsync(page, UploadUrl(contentId, slot), Multipart(bytes, fileName, contentType));
}
