using System.Net;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Pages.Content;

[Collection(MediaCollection.Name)]
public class DeleteTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task Delete_empties_the_slot_and_keeps_the_asset_as_history()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        await tenant.UploadAsync(page, id, "long", Videos.Mp4, "gone.mp4");

        var response = await tenant.Client.HtmxPostAsync(page, $"/content/{id}?handler=Delete&slot=long");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The confirmation is outside the card, so the answer tells htmx which element it replaces.
        Assert.Equal("#video-card-long", response.Headers.GetValues("HX-Retarget").Single());
        var card = (await response.FragmentAsync()).Body!.FirstElementChild!;
        Assert.Equal("video-card-long", card.Id);
        Assert.NotEqual("video", card.GetAttribute("data-state"));
        Assert.Null(card.QuerySelector("video"));
        Assert.Contains("Upload Video", card.TextContent);
        Assert.Null(await _app.WithDbAsync(db => db.Content.Where(c => c.Id == id).Select(c => c.VideoLongUrl).SingleAsync()));
        var asset = await _app.WithDbAsync(db => db.VideoAssets.SingleAsync(a => a.ContentId == id));
        Assert.NotNull(asset.DeletedAt);
        Assert.Equal(["started", "succeeded", "succeeded"], await _app.WithDbAsync(db => db.VideoEvents.Where(e => e.ContentId == id).OrderBy(e => e.Id).Select(e => e.Outcome).ToListAsync()));
        Assert.Equal("delete", await _app.WithDbAsync(db => db.VideoEvents.Where(e => e.ContentId == id).OrderBy(e => e.Id).Select(e => e.Kind).LastAsync()));
    }

    [Fact]
    public async Task Deleting_needs_the_antiforgery_token_and_membership()
    {
        var a = await _app.CreateTenantAsync();
        var b = await _app.CreateTenantAsync();
        var id = await a.CreateContentAsync();
        var page = await a.Client.GetDocumentAsync($"/content/{id}");
        await a.UploadAsync(page, id, "short", Videos.WebM, "stays.webm", "video/webm");
        var pageOfB = await b.Client.GetDocumentAsync($"/content/{await b.CreateContentAsync()}");

        var forged = await a.Client.PostAsync($"/content/{id}?handler=Delete&slot=short", new FormUrlEncodedContent([]));
        var foreign = await b.Client.HtmxPostAsync(pageOfB, $"/content/{id}?handler=Delete&slot=short");

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.NotNull(await _app.WithDbAsync(db => db.Content.Where(c => c.Id == id).Select(c => c.VideoShortUrl).SingleAsync()));
    }
}
