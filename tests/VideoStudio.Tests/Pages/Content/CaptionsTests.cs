using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Pages.Content;

[Collection(MediaCollection.Name)]
public class CaptionsTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    public const string Srt = "1\r\n00:00:00,500 --> 00:00:02,000\r\nFresh bread every morning.\r\n\r\n2\r\n00:00:02,000 --> 00:00:03,900\r\nBaked overnight.\r\n";
    public const string Vtt = "WEBVTT\n\n00:00.500 --> 00:02.000 line:90%\nOur own captions.\n";

    private static MultipartFormDataContent Form(Guid assetId, byte[] file, string fileName)
    {
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return new MultipartFormDataContent { { new StringContent(assetId.ToString()), "assetId" }, { content, "file", fileName } };
    }

    private async Task<(Tenant Tenant, Guid Id, IHtmlDocument Page)> WithUploadAsync(string slot = "long")
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        var video = slot == "long" ? Videos.Mp4 : Videos.WebM;
        Assert.Equal(HttpStatusCode.OK, (await tenant.UploadAsync(page, id, slot, video, $"clip-{slot}.mp4")).StatusCode);
        return (tenant, id, page);
    }

    private Task<Core.Data.VideoAsset> CurrentAsync(Guid id) =>
        _app.WithDbAsync(db => db.VideoAssets.AsNoTracking().SingleAsync(a => a.ContentId == id && a.ReplacedAt == null && a.DeletedAt == null));

    private static Task<HttpResponseMessage> AttachAsync(Tenant tenant, IHtmlDocument page, Guid id, Guid assetId, string text, string fileName) =>
        AttachAsync(tenant, page, id, assetId, Encoding.UTF8.GetBytes(text), fileName);

    private static Task<HttpResponseMessage> AttachAsync(Tenant tenant, IHtmlDocument page, Guid id, Guid assetId, byte[] file, string fileName) =>
        tenant.Client.HtmxPostAsync(page, $"/content/{id}/captions", Form(assetId, file, fileName));

    [Fact]
    public async Task An_srt_file_attached_to_an_upload_becomes_the_cards_captions_track_as_webvtt()
    {
        var (tenant, id, page) = await WithUploadAsync();
        var asset = await CurrentAsync(id);

        var response = await AttachAsync(tenant, page, id, asset.Id, Srt, "bakery.srt");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("#video-card-long", response.Headers.GetValues("HX-Retarget").Single());
        Assert.Equal("history-changed", response.Headers.GetValues("HX-Trigger").Single());
        var card = (await response.FragmentAsync()).Body!.FirstElementChild!;
        var track = card.QuerySelector("video track[kind=captions]")!;
        Assert.Matches($"^/media/{asset.Id:N}\\.captions\\.[0-9a-f]{{8}}\\.vtt$", track.GetAttribute("src"));
        Assert.Contains("Captions shown with the video", card.QuerySelector("#video-card-long-captions")!.TextContent);
        Assert.Equal("Replace captions", card.QuerySelector("#video-card-long-captions-button")!.TextContent.Trim());

        var served = await tenant.Client.GetAsync(track.GetAttribute("src"));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("text/vtt", served.Content.Headers.ContentType!.MediaType);
        Assert.Contains("immutable", served.Headers.CacheControl!.ToString());
        Assert.Equal("WEBVTT\n\n1\n00:00:00.500 --> 00:00:02.000\nFresh bread every morning.\n\n2\n00:00:02.000 --> 00:00:03.900\nBaked overnight.\n\n",
            await served.Content.ReadAsStringAsync());
        var trail = await _app.WithDbAsync(db => db.VideoEvents.Where(e => e.ContentId == id && e.Kind == "captions").Select(e => e.Outcome).ToListAsync());
        Assert.Equal(["succeeded"], trail);
    }

    [Fact]
    public async Task A_webvtt_file_is_kept_as_written_and_replacing_it_gives_a_new_address_and_removes_the_old_file()
    {
        var (tenant, id, page) = await WithUploadAsync("short");
        var asset = await CurrentAsync(id);
        await AttachAsync(tenant, page, id, asset.Id, Srt, "first.srt");
        var first = (await CurrentAsync(id)).CaptionsKey!;

        var response = await AttachAsync(tenant, page, id, asset.Id, "\uFEFF" + Vtt.Replace("\n", "\r\n"), "second.vtt");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var second = (await CurrentAsync(id)).CaptionsKey!;
        Assert.NotEqual(first, second);
        Assert.Equal(Vtt, await tenant.Client.GetStringAsync($"/media/{second}"));
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Client.GetAsync($"/media/{first}")).StatusCode);
        Assert.False(File.Exists(Path.Combine(_app.MediaRoot, first)));
    }

    public static TheoryData<string, byte[], string> BadFiles => new()
    {
        { "an empty file", [], "This captions file is empty" },
        { "meeting notes", Encoding.UTF8.GetBytes("Notes from Monday.\n\nBuy more flour.\n"), "This file is not WebVTT or SRT captions" },
        { "a video", Videos.Mp4, "not UTF-8 text" },
        { "Latin-1 text", Encoding.Latin1.GetBytes("1\n00:00:01,000 --> 00:00:02,000\nCrème brûlée\n"), "not UTF-8 text" },
        { "an SRT cue with minutes past 59", Encoding.UTF8.GetBytes("1\n00:00:01,000 --> 00:00:02,000\nOne\n\n2\n00:75:00,000 --> 00:76:00,000\nTwo\n"), "Line 6 of the captions file, “00:75:00,000 --> 00:76:00,000”, is not a cue timing" },
        { "a WebVTT cue that ends before it starts", Encoding.UTF8.GetBytes("WEBVTT\n\n00:05.000 --> 00:01.000\nBackwards\n"), "Line 3 of the captions file" },
        { "a WebVTT header without cues", Encoding.UTF8.GetBytes("WEBVTT\n\nNOTE nothing here yet\n"), "has no captions in it" },
        { "a file over the limit", Encoding.UTF8.GetBytes("WEBVTT\n\n" + new string('x', 1 << 20)), "larger than the limit of 1 MB" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task A_bad_captions_file_is_refused_in_the_dialog_and_the_previous_captions_stay(string what, byte[] file, string message)
    {
        var (tenant, id, page) = await WithUploadAsync();
        var asset = await CurrentAsync(id);
        await AttachAsync(tenant, page, id, asset.Id, Srt, "good.srt");
        var before = (await CurrentAsync(id)).CaptionsKey!;

        var response = await AttachAsync(tenant, page, id, asset.Id, file, what + ".srt");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("#captions-dialog-error", response.Headers.GetValues("HX-Retarget").Single());
        Assert.Contains(message, (await response.FragmentAsync()).Body!.TextContent);
        Assert.Equal(before, (await CurrentAsync(id)).CaptionsKey);
        Assert.Equal(HttpStatusCode.OK, (await tenant.Client.GetAsync($"/media/{before}")).StatusCode);
        Assert.Single(Directory.GetFiles(_app.MediaRoot, $"{asset.Id:N}.captions.*"));
        _app.AssertNoStagedFilesLeft();
    }

    [Fact]
    public async Task Captions_stay_with_their_version_through_a_replacement_and_a_restore_and_history_shows_them()
    {
        var (tenant, id, page) = await WithUploadAsync();
        var first = await CurrentAsync(id);
        await AttachAsync(tenant, page, id, first.Id, Srt, "first.srt");
        var captions = (await CurrentAsync(id)).CaptionsKey!;

        var replaced = await tenant.UploadAsync(page, id, "long", Videos.Mp4, "second.mp4");
        var withoutCaptions = (await replaced.FragmentAsync()).Body!.FirstElementChild!;
        var history = await tenant.Client.GetDocumentAsync($"/content/{id}?handler=History&slot=long");
        var restored = await tenant.Client.HtmxPostAsync(page, $"/content/{id}?handler=Restore&slot=long&assetId={first.Id}");

        Assert.Null(withoutCaptions.QuerySelector("track"));
        Assert.Contains("No captions", withoutCaptions.QuerySelector("#video-card-long-captions")!.TextContent);
        Assert.Equal($"/media/{captions}", history.QuerySelector($"#version-{first.Id:N} video track")!.GetAttribute("src"));
        Assert.Equal("with captions", history.QuerySelector($"#version-{first.Id:N}-captions")!.TextContent);
        Assert.Contains("Captions attached to “clip-long.mp4”", history.QuerySelector(".history-trail")!.TextContent);
        var card = (await restored.FragmentAsync()).Body!.FirstElementChild!;
        Assert.Equal($"/media/{captions}", card.QuerySelector("video track")!.GetAttribute("src"));
    }

    [Fact]
    public async Task Captions_can_be_attached_to_an_earlier_version_from_history_without_touching_the_current_one()
    {
        var (tenant, id, page) = await WithUploadAsync();
        var first = await CurrentAsync(id);
        await tenant.UploadAsync(page, id, "long", Videos.Mp4, "second.mp4");
        var history = await tenant.Client.GetDocumentAsync($"/content/{id}?handler=History&slot=long");
        var opener = history.QuerySelector($"#version-{first.Id:N}-captions-button")!;
        Assert.Equal(first.Id.ToString(), opener.GetAttribute("data-asset"));

        var response = await AttachAsync(tenant, page, id, first.Id, Srt, "earlier.srt");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(await _app.WithDbAsync(db => db.VideoAssets.Where(a => a.Id == first.Id).Select(a => a.CaptionsKey).SingleAsync()));
        Assert.Null((await CurrentAsync(id)).CaptionsKey);
    }

    [Fact]
    public async Task Captions_for_a_version_of_another_business_or_another_item_are_not_found_and_a_forged_post_is_refused()
    {
        var (owner, id, _) = await WithUploadAsync();
        var asset = await CurrentAsync(id);
        var stranger = await _app.CreateTenantAsync();
        var strangersItem = await stranger.CreateContentAsync();
        var strangersPage = await stranger.Client.GetDocumentAsync($"/content/{strangersItem}");
        var sameBusinessOtherItem = await owner.CreateContentAsync("Another item");
        var ownersPage = await owner.Client.GetDocumentAsync($"/content/{sameBusinessOtherItem}");

        var foreign = await AttachAsync(stranger, strangersPage, id, asset.Id, Srt, "x.srt");
        var crossed = await AttachAsync(owner, ownersPage, sameBusinessOtherItem, asset.Id, Srt, "x.srt");
        var forged = await owner.Client.PostAsync($"/content/{id}/captions", Form(asset.Id, Encoding.UTF8.GetBytes(Srt), "x.srt"));

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, crossed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Null((await CurrentAsync(id)).CaptionsKey);
    }

    [Fact]
    public async Task Without_javascript_the_card_links_to_a_captions_page_whose_plain_form_attaches_them()
    {
        var (tenant, id, _) = await WithUploadAsync();
        var details = await tenant.Client.GetDocumentAsync($"/content/{id}");
        var page = await tenant.Client.GetDocumentAsync(details.QuerySelector("#video-card-long-captions-button")!.GetAttribute("href")!);
        var form = page.QuerySelector<IHtmlFormElement>("#captions-dialog form")!;

        var refused = await tenant.Client.PostAsync(form.Action, AsBrowserSends(form, Encoding.UTF8.GetBytes("not captions"), "notes.srt"));
        var again = await refused.ParseAsync();
        var response = await tenant.Client.PostAsync(form.Action, AsBrowserSends(again.QuerySelector<IHtmlFormElement>("#captions-dialog form")!, Encoding.UTF8.GetBytes(Srt), "bakery.srt"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("This file is not WebVTT or SRT captions", again.QuerySelector("#captions-dialog-error")!.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.EndsWith($"/content/{id}#create-video", response.Headers.Location!.OriginalString);
        Assert.NotNull((await CurrentAsync(id)).CaptionsKey);
    }

    /// <summary>Sends the page's form as a browser does: every field in document order, the chosen file in place of its input.</summary>
    private static MultipartFormDataContent AsBrowserSends(IHtmlFormElement form, byte[] file, string fileName)
    {
        var body = new MultipartFormDataContent();
        foreach (var input in form.QuerySelectorAll<IHtmlInputElement>("input"))
        {
            if (input.Type == "file")
            {
                body.Add(new ByteArrayContent(file), input.Name!, fileName);
            }
            else
            {
                body.Add(new StringContent(input.Value), input.Name!);
            }
        }
        return body;
    }
}
