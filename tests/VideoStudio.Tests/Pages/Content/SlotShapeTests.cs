using System.Net;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core.Media;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Pages.Content;

/// <summary>A portrait video for the 16:9 slot (or a landscape one for 9:16) is asked about before it becomes current.</summary>
[Collection(MediaCollection.Name)]
public class SlotShapeTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task A_portrait_video_for_the_long_slot_is_asked_about_and_becomes_current_only_when_the_editor_says_use_anyway()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        var tus = new Tus(tenant.Client, page);
        var tall = Videos.WebM;
        var url = await tus.StartAsync(id, "long", tall.Length, "tall.webm");

        var asked = await tus.PatchAsync(url, 0, tall);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, asked.StatusCode);
        Assert.Equal("1", asked.Headers.GetValues("Shape-Misfit").Single());
        Assert.Contains("This video is portrait (360 × 640) but the Long Social Video is landscape (16:9)", await asked.Content.ReadAsStringAsync());
        Assert.Equal(tall.Length, Tus.Offset(await tus.HeadAsync(url)));
        Assert.Null(await _app.WithDbAsync(db => db.Content.Where(c => c.Id == id).Select(c => c.VideoLongUrl).SingleAsync()));

        var choice = tus.Request(HttpMethod.Patch, url, new ByteArrayContent([]));
        choice.Content!.Headers.ContentType = new(Tus.OffsetType);
        choice.Headers.Add("Upload-Offset", tall.Length.ToString());
        choice.Headers.Add("Shape-Choice", SlotShape.UseAnyway);
        var used = await tenant.Client.SendAsync(choice);

        Assert.Equal(HttpStatusCode.NoContent, used.StatusCode);
        var asset = await _app.WithDbAsync(db => db.VideoAssets.SingleAsync(a => a.ContentId == id));
        Assert.True(asset.ShapeAccepted);
        var card = (await tenant.Client.GetDocumentAsync($"/content/{id}")).QuerySelector("#video-card-long")!;
        Assert.Equal("video", card.GetAttribute("data-state"));
        Assert.Contains("This portrait video is shown in the 16:9 slot with bars", card.QuerySelector("#video-card-long-shape")!.TextContent);
        _app.AssertNoStagedFilesLeft();
    }

    [Fact]
    public async Task Cancelling_at_the_question_keeps_the_previous_video_and_leaves_nothing_behind()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        await tenant.UploadAsync(page, id, "short", Videos.WebM, "keep.webm", "video/webm");
        var tus = new Tus(tenant.Client, page);
        var url = await tus.StartAsync(id, "short", Videos.Mp4.Length, "wide.mp4");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await tus.PatchAsync(url, 0, Videos.Mp4)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await tus.DeleteAsync(url)).StatusCode);

        Assert.Equal("keep.webm", await _app.WithDbAsync(db => db.VideoAssets.Where(a => a.ContentId == id && a.ReplacedAt == null).Select(a => a.OriginalFileName).SingleAsync()));
        Assert.Equal(1, await _app.WithDbAsync(db => db.VideoAssets.CountAsync(a => a.ContentId == id)));
        _app.AssertNoStagedFilesLeft();
    }

    [Fact]
    public async Task A_plain_upload_of_a_misfit_is_refused_with_the_question_unless_the_form_said_use_anyway()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");

        var refused = await tenant.UploadAsync(page, id, "short", Videos.Mp4, "wide.mp4");
        var accepted = await tenant.Client.HtmxPostAsync(page, Videos.UploadUrl(id, "short"), new MultipartFormDataContent
        {
            { new StringContent(SlotShape.UseAnyway), "shape" },
            { Videos.Multipart(Videos.Mp4, "wide.mp4").Single(), "file", "wide.mp4" },
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("This video is landscape (640 × 360)", (await refused.FragmentAsync()).Body!.TextContent);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.True(await _app.WithDbAsync(db => db.VideoAssets.Where(a => a.ContentId == id).Select(a => a.ShapeAccepted).SingleAsync()));
        _app.AssertNoStagedFilesLeft();
    }
}
