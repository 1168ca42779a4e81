using System.Net.Http.Headers;
using AngleSharp.Html.Dom;

namespace VideoStudio.Tests.Infrastructure;

public static class Videos
{
    public static byte[] Mp4 => File.ReadAllBytes(Fixtures.SampleMp4);
    public static byte[] WebM => File.ReadAllBytes(Fixtures.SampleWebM);

    /// <summary>
    /// The sample MP4 followed by the header of a top-level "free" box that covers the rest of <paramref name="size"/> bytes:
    /// whatever fills that rest, the file is a playable video of that size.
    /// </summary>
    public static byte[] PaddedMp4Head(long size)
    {
        var sample = Mp4;
        var head = new byte[sample.Length + 8];
        sample.CopyTo(head, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(sample.Length), checked((uint)(size - sample.Length)));
        "free"u8.CopyTo(head.AsSpan(sample.Length + 4));
        return head;
    }

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
