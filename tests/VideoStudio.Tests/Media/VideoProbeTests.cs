using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core.Media;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Media;

/// <summary>Every upload is read by Debian's ffprobe (test.sh installs it) before it may become a slot's video.</summary>
[Collection(MediaCollection.Name)]
public class VideoProbeTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    /// <summary>Starts like an MP4 (the magic bytes pass) but is nothing ffprobe can read.</summary>
    private static byte[] Damaged => [.. Videos.Mp4.AsSpan(0, 64), .. new byte[20_000]];

    [Fact]
    public async Task A_file_that_starts_like_a_video_but_cannot_be_read_is_refused_and_the_old_video_stays()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        await tenant.UploadAsync(page, id, "long", Videos.Mp4, "keep.mp4");
        var tus = new Tus(tenant.Client, page);
        var url = await tus.StartAsync(id, "long", Damaged.Length, "broken.mp4");

        var single = await tenant.UploadAsync(page, id, "long", Damaged, "broken.mp4");
        var resumable = await tus.PatchAsync(url, 0, Damaged);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, single.StatusCode);
        Assert.Contains(VideoProbe.UnreadableMessage, (await single.FragmentAsync()).Body!.TextContent);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, resumable.StatusCode);
        Assert.Equal(VideoProbe.UnreadableMessage, await resumable.Content.ReadAsStringAsync());
        Assert.Equal("keep.mp4", await _app.WithDbAsync(db => db.VideoAssets.Where(a => a.ContentId == id && a.ReplacedAt == null).Select(a => a.OriginalFileName).SingleAsync()));
        Assert.Equal(1, await _app.WithDbAsync(db => db.VideoAssets.CountAsync(a => a.ContentId == id)));
        _app.AssertNoStagedFilesLeft();
    }

    [Fact]
    public async Task An_upload_is_stored_with_its_length_picture_codecs_and_a_poster_the_card_and_the_list_show()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync(title: "Probed");
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        var tus = new Tus(tenant.Client, page);
        var url = await tus.StartAsync(id, "short", Videos.WebM.Length, "tall.webm");

        Assert.Equal(HttpStatusCode.NoContent, (await tus.PatchAsync(url, 0, Videos.WebM)).StatusCode);

        var asset = await _app.WithDbAsync(db => db.VideoAssets.SingleAsync(a => a.ContentId == id));
        Assert.Equal((360, 640, "vp9"), (asset.Width, asset.Height, asset.VideoCodec));
        Assert.Equal(2.0, asset.DurationSeconds!.Value, 1);
        Assert.Matches("^[0-9a-f]{32}\\.poster\\.jpg$", asset.PosterKey);
        var card = (await tenant.Client.GetDocumentAsync($"/content/{id}")).QuerySelector("#video-card-short")!;
        Assert.Equal($"/media/{asset.PosterKey}", card.QuerySelector("video")!.GetAttribute("poster"));
        Assert.Equal("0:02", card.QuerySelector(".duration")!.TextContent);
        Assert.Equal(MediaStore.FormatBytes(Videos.WebM.Length), card.QuerySelector(".file-size")!.TextContent);
        var list = await tenant.Client.GetDocumentAsync("/content");
        Assert.Equal($"/media/{asset.PosterKey}", list.QuerySelector("#" + new VideoStudio.Web.Pages.Content.SlotStatus(id, Core.VideoSlot.Short, true, null).DomId + " img")!.GetAttribute("src"));
    }

    [Fact]
    public async Task A_poster_is_a_small_jpeg_served_to_members_with_immutable_caching()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        await tenant.UploadAsync(page, id, "long", Videos.Mp4, "wide.mp4");
        var poster = await _app.WithDbAsync(db => db.VideoAssets.Where(a => a.ContentId == id).Select(a => a.PosterKey).SingleAsync());

        var response = await tenant.Client.GetAsync($"/media/{poster}");
        var stranger = await (await _app.CreateTenantAsync()).Client.GetAsync($"/media/{poster}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("immutable", response.Headers.CacheControl!.ToString());
        Assert.NotNull(response.Headers.ETag);
        Assert.InRange((await response.Content.ReadAsByteArrayAsync()).Length, 1, 200_000);
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
    }

    [Fact]
    public async Task Without_ffprobe_an_upload_is_still_accepted_by_its_first_bytes_and_the_log_says_what_is_missing()
    {
        var logged = _app.Logs.Lines.Count();
        await using var withoutFfmpeg = _app.WithWebHostBuilder(b => b.UseSetting("Studio:Media:FFprobePath", "/nonexistent/ffprobe"));
        var client = withoutFfmpeg.CreateBrowserlessClient();
        var member = await _app.Seed.MemberAsync();
        await client.SignInAsync(member.Email, member.Password);
        var id = await _app.Seed.ContentAsync(member.BusinessId);
        var page = await client.GetDocumentAsync($"/content/{id}");

        var response = await client.HtmxPostAsync(page, Videos.UploadUrl(id, "long"), Videos.Multipart(Videos.Mp4, "plain.mp4"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var asset = await _app.WithDbAsync(db => db.VideoAssets.SingleAsync(a => a.ContentId == id));
        Assert.Null(asset.PosterKey);
        Assert.Null(asset.Width);
        Assert.Single(_app.Logs.Lines.Skip(logged), l => l.Contains("ffprobe/ffmpeg not found"));
    }
}
