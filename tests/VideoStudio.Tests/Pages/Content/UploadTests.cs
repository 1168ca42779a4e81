using System.Net;
using System.Text;
using AngleSharp.Dom;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Pages.Content;

[Collection(MediaCollection.Name)]
public class UploadTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task Uploading_an_mp4_shows_it_on_the_card_and_keeps_a_fingerprinted_asset()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");

        var response = await tenant.UploadAsync(page, id, "long", Videos.Mp4, "launch.mp4");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var card = (await response.FragmentAsync()).Body!.FirstElementChild!;
        Assert.Equal("video-card-long", card.Id);
        Assert.Equal("video", card.GetAttribute("data-state"));
        var src = card.QuerySelector("video")!.GetAttribute("src")!;
        Assert.Matches("^/media/[0-9a-f]{32}\\.mp4$", src);
        Assert.Equal("metadata", card.QuerySelector("video")!.GetAttribute("preload"));
        Assert.Contains("Upload New", card.QuerySelector("#video-card-long-upload")!.TextContent);

        var asset = await _app.WithDbAsync(db => db.VideoAssets.SingleAsync(a => a.ContentId == id));
        Assert.Equal(VideoSource.Upload, asset.Source);
        Assert.Equal("launch.mp4", asset.OriginalFileName);
        Assert.Equal(Videos.Mp4.Length, asset.SizeBytes);
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Videos.Mp4)).ToLowerInvariant(), asset.Sha256);
        Assert.Equal(src, await _app.WithDbAsync(db => db.Content.Where(c => c.Id == id).Select(c => c.VideoLongUrl).SingleAsync()));
        var outcomes = await _app.WithDbAsync(db => db.VideoEvents.Where(e => e.ContentId == id).OrderBy(e => e.Id).Select(e => e.Outcome).ToListAsync());
        Assert.Equal(["started", "succeeded"], outcomes);
    }

    [Fact]
    public async Task Upload_new_keeps_the_previous_asset_as_history()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        await tenant.UploadAsync(page, id, "short", Videos.WebM, "first.webm", "video/webm");

        var second = await tenant.UploadAsync(page, id, "short", Videos.WebM, "second.webm", "video/webm");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var assets = await _app.WithDbAsync(db => db.VideoAssets.Where(a => a.ContentId == id).OrderBy(a => a.CreatedAt).ToListAsync());
        Assert.Equal(2, assets.Count);
        Assert.NotNull(assets[0].ReplacedAt);
        Assert.Null(assets[1].ReplacedAt);
        Assert.True(File.Exists(Path.Combine(_app.MediaRoot, assets[0].StorageKey)));
        Assert.EndsWith(assets[1].StorageKey, await _app.WithDbAsync(db => db.Content.Where(c => c.Id == id).Select(c => c.VideoShortUrl).SingleAsync()));
    }

    public static TheoryData<string, byte[], string, string> BadFiles => new()
    {
        { "a renamed text file", Encoding.UTF8.GetBytes("These are meeting notes, not a video.\n"), "notes.mp4", "not a video we can play" },
        { "an executable renamed .mp4", [0x4D, 0x5A, 0x90, 0x00, .. new byte[200]], "setup.mp4", "not a video we can play" },
        { "an HTML file named .webm", Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>"), "page.webm", "not a video we can play" },
        { "an SVG named .mov", Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"), "image.mov", "not a video we can play" },
        { "an empty file", [], "empty.mp4", "This file is empty" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task A_file_that_is_not_a_video_is_refused_in_the_modal_and_the_old_video_stays(string what, byte[] bytes, string name, string message)
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync(title: what);
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        await tenant.UploadAsync(page, id, "long", Videos.Mp4, "keep.mp4");
        var before = await _app.WithDbAsync(db => db.Content.Where(c => c.Id == id).Select(c => c.VideoLongUrl).SingleAsync());

        var response = await tenant.UploadAsync(page, id, "long", bytes, name);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("#upload-dialog-long-error", response.Headers.GetValues("HX-Retarget").Single());
        Assert.Contains(message, (await response.FragmentAsync()).Body!.TextContent);
        Assert.Equal(before, await _app.WithDbAsync(db => db.Content.Where(c => c.Id == id).Select(c => c.VideoLongUrl).SingleAsync()));
        Assert.Equal(1, await _app.WithDbAsync(db => db.VideoAssets.CountAsync(a => a.ContentId == id)));
        _app.AssertNoStagedFilesLeft();
    }

    [Fact]
    public async Task A_request_with_no_file_asks_for_one()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");

        var response = await tenant.Client.HtmxPostAsync(page, Videos.UploadUrl(id, "long"), new MultipartFormDataContent { { new StringContent("x"), "note" } });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("Choose a video file", (await response.FragmentAsync()).Body!.TextContent);
    }

    [Fact]
    public async Task Hostile_file_names_are_stored_as_plain_names()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");

        var response = await tenant.UploadAsync(page, id, "long", Videos.Mp4, "../../etc/\u0007passwd\u202E<b>.mp4");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var asset = await _app.WithDbAsync(db => db.VideoAssets.SingleAsync(a => a.ContentId == id));
        Assert.Equal("passwd<b>.mp4", asset.OriginalFileName);
        Assert.Matches("^[0-9a-f]{32}\\.mp4$", asset.StorageKey);
    }

    [Fact]
    public async Task Uploading_to_content_of_another_business_is_not_found_and_stores_nothing()
    {
        var a = await _app.CreateTenantAsync();
        var b = await _app.CreateTenantAsync();
        var ofA = await a.CreateContentAsync();
        var ofB = await b.CreateContentAsync();
        var pageOfB = await b.Client.GetDocumentAsync($"/content/{ofB}");

        var response = await b.UploadAsync(pageOfB, ofA, "long", Videos.Mp4, "intruder.mp4");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, await _app.WithDbAsync(db => db.VideoAssets.CountAsync(x => x.ContentId == ofA)));
    }

    [Fact]
    public async Task Uploading_without_the_antiforgery_token_is_refused()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();

        var response = await tenant.Client.PostAsync(Videos.UploadUrl(id, "long"), Videos.Multipart(Videos.Mp4, "forged.mp4"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await _app.WithDbAsync(db => db.VideoAssets.CountAsync(x => x.ContentId == id)));
    }
}

[Collection(MediaCollection.Name)]
public class UploadLimitTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task A_declared_size_over_the_limit_is_refused_before_the_body_is_read()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        var body = new CountingContent(StudioApp.UploadLimit * 4, declareLength: true);

        var response = await tenant.Client.HtmxPostAsync(page, Videos.UploadUrl(id, "long"), body.AsMultipart("huge.mp4"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than the limit of 1 MB", (await response.FragmentAsync()).Body!.TextContent);
        Assert.True(body.BytesRead < StudioApp.UploadLimit, $"The server read {body.BytesRead} bytes of a body it had to refuse.");
        Assert.Equal(0, await _app.WithDbAsync(db => db.VideoAssets.CountAsync(a => a.ContentId == id)));
        _app.AssertNoStagedFilesLeft();
    }

    [Fact]
    public async Task A_streamed_body_over_the_limit_is_cut_off_at_the_limit_and_the_old_video_stays()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        await tenant.UploadAsync(page, id, "long", Videos.Mp4, "keep.mp4");
        var body = new CountingContent(StudioApp.UploadLimit * 8, declareLength: false);

        var response = await tenant.Client.HtmxPostAsync(page, Videos.UploadUrl(id, "long"), body.AsMultipart("huge.mp4"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.True(body.BytesRead < StudioApp.UploadLimit * 3, $"The server read {body.BytesRead} bytes; it should stop soon after the 1 MiB limit.");
        Assert.Equal("keep.mp4", await _app.WithDbAsync(db => db.VideoAssets.Where(a => a.ContentId == id && a.ReplacedAt == null).Select(a => a.OriginalFileName).SingleAsync()));
        _app.AssertNoStagedFilesLeft();
    }

    [Fact]
    public async Task A_client_that_disconnects_midway_leaves_the_old_video_and_no_partial_file()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        await tenant.UploadAsync(page, id, "long", Videos.Mp4, "keep.mp4");
        using var disconnect = new CancellationTokenSource();
        var body = new CountingContent(StudioApp.UploadLimit / 2, declareLength: false, failAfter: 200_000, disconnect);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tenant.Client.HtmxPostAsync(page, Videos.UploadUrl(id, "long"), body.AsMultipart("dropped.mp4"), disconnect.Token));

        var failed = await WaitForOutcomeAsync(id, "failed");
        Assert.Equal("interrupted", failed);
        Assert.Equal("keep.mp4", await _app.WithDbAsync(db => db.VideoAssets.Where(a => a.ContentId == id && a.ReplacedAt == null).Select(a => a.OriginalFileName).SingleAsync()));
        _app.AssertNoStagedFilesLeft();
    }

    [Fact]
    public async Task A_file_that_arrives_while_the_database_is_away_is_refused_in_plain_words_and_the_old_video_stays()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        await tenant.UploadAsync(page, id, "long", Videos.Mp4, "keep.mp4");
        var body = new CountingContent(StudioApp.UploadLimit / 2, declareLength: false, halfway: () => _app.Outage.Begin(id));

        HttpResponseMessage response;
        try
        {
            response = await tenant.Client.HtmxPostAsync(page, Videos.UploadUrl(id, "long"), body.AsMultipart("during-outage.mp4"));
        }
        finally
        {
            _app.Outage.End(id);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("could not be saved because the database is not answering. Your previous video is unchanged", await response.Content.ReadAsStringAsync());
        Assert.Equal("keep.mp4", await _app.WithDbAsync(db => db.VideoAssets.Where(a => a.ContentId == id && a.ReplacedAt == null).Select(a => a.OriginalFileName).SingleAsync()));
        _app.AssertNoStagedFilesLeft();
    }

    // The server notices a vanished client on its own schedule; this waits for its record, not for a speed.
    private async Task<string?> WaitForOutcomeAsync(Guid contentId, string outcome)
    {
        for (var i = 0; i < 100; i++)
        {
            var kind = await _app.WithDbAsync(db => db.VideoEvents.Where(e => e.ContentId == contentId && e.Outcome == outcome).Select(e => e.ErrorKind).FirstOrDefaultAsync());
            if (kind is not null)
            {
                return kind;
            }
            await Task.Delay(100);
        }
        return null;
    }

    /// <summary>An MP4 body of a given size that counts how much of it the server pulled, and can hang up or act midway.</summary>
    private sealed class CountingContent(
        long size, bool declareLength, long failAfter = long.MaxValue, CancellationTokenSource? disconnect = null, Action? halfway = null) : HttpContent
    {
        public long BytesRead { get; private set; }

        public MultipartFormDataContent AsMultipart(string fileName)
        {
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("video/mp4");
            return new MultipartFormDataContent { { this, "file", fileName } };
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            // A real MP4 padded with a free box to the size asked for, so it passes every check when it arrives whole.
            var head = Videos.PaddedMp4Head(size);
            await stream.WriteAsync(head);
            BytesRead = head.Length;
            var chunk = new byte[16 * 1024];
            var halfwayDone = halfway is null;
            while (BytesRead < size)
            {
                if (!halfwayDone && BytesRead >= size / 2)
                {
                    halfway!();
                    halfwayDone = true;
                }
                if (BytesRead >= failAfter && disconnect is not null)
                {
                    // Cancelling the request is how a test client hangs up mid-body; the server sees its request aborted.
                    await disconnect.CancelAsync();
                    disconnect.Token.ThrowIfCancellationRequested();
                }
                var n = (int)Math.Min(chunk.Length, size - BytesRead);
                await stream.WriteAsync(chunk.AsMemory(0, n));
                BytesRead += n;
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = size;
            return declareLength;
        }
    }
}

[Collection(MediaCollection.Name)]
public class ConcurrentUploadTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task Two_uploads_to_one_slot_at_once_leave_one_current_video_and_both_assets_on_record()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");

        var responses = await Task.WhenAll(
            tenant.UploadAsync(page, id, "long", Videos.Mp4, "one.mp4"),
            tenant.UploadAsync(page, id, "long", Videos.Mp4, "two.mp4"));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var assets = await _app.WithDbAsync(db => db.VideoAssets.Where(a => a.ContentId == id).ToListAsync());
        Assert.Equal(2, assets.Count);
        var current = Assert.Single(assets, a => a.ReplacedAt is null);
        Assert.EndsWith(current.StorageKey, await _app.WithDbAsync(db => db.Content.Where(c => c.Id == id).Select(c => c.VideoLongUrl).SingleAsync()));
        Assert.All(assets, a => Assert.True(File.Exists(Path.Combine(_app.MediaRoot, a.StorageKey))));
        _app.AssertNoStagedFilesLeft();
    }
}

/// <summary>The upload page a browser without JavaScript gets: one plain POST whose first field is the token.</summary>
[Collection(MediaCollection.Name)]
public class UploadWithoutJavaScriptTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    /// <summary>Sends the page's form as a browser does: every field in document order, the chosen file in place of its input.</summary>
    private static MultipartFormDataContent AsBrowserSends(AngleSharp.Html.Dom.IHtmlFormElement form, byte[] file, string fileName, bool tick = false)
    {
        var body = new MultipartFormDataContent();
        foreach (var input in form.QuerySelectorAll<AngleSharp.Html.Dom.IHtmlInputElement>("input"))
        {
            if (input.Type == "file")
            {
                body.Add(Videos.Multipart(file, fileName).Single(), input.Name!, fileName);
            }
            else if (input.Type != "checkbox" || tick)
            {
                body.Add(new StringContent(input.Value), input.Name!);
            }
        }
        return body;
    }

    [Fact]
    public async Task The_card_links_to_a_plain_upload_form_that_replaces_the_video_with_the_token_read_before_the_file()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var details = await tenant.Client.GetDocumentAsync($"/content/{id}");
        // Parsed as a browser without scripting does: the noscript's link is there to follow.
        var link = details.QuerySelector("#video-card-long noscript a")!;
        var page = await tenant.Client.GetDocumentAsync(link.GetAttribute("href")!);
        var form = page.QuerySelector<AngleSharp.Html.Dom.IHtmlFormElement>("form[data-upload]")!;
        Assert.Equal("__RequestVerificationToken", form.QuerySelector("input")!.GetAttribute("name"));

        var response = await tenant.Client.PostAsync(form.Action, AsBrowserSends(form, Videos.Mp4, "plain.mp4"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.EndsWith($"/content/{id}#create-video", response.Headers.Location!.OriginalString);
        Assert.Equal("plain.mp4", await _app.WithDbAsync(db => db.VideoAssets.Where(a => a.ContentId == id).Select(a => a.OriginalFileName).SingleAsync()));
        _app.AssertNoStagedFilesLeft();
    }

    [Fact]
    public async Task A_refused_plain_upload_shows_the_form_again_with_the_reason_and_a_misfit_passes_with_the_tick()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync(Videos.UploadUrl(id, "short"));
        var form = page.QuerySelector<AngleSharp.Html.Dom.IHtmlFormElement>("form[data-upload]")!;

        var refused = await tenant.Client.PostAsync(form.Action, AsBrowserSends(form, Videos.Mp4, "wide.mp4"));
        var again = await refused.ParseAsync();
        var ticked = await tenant.Client.PostAsync(form.Action, AsBrowserSends(again.QuerySelector<AngleSharp.Html.Dom.IHtmlFormElement>("form[data-upload]")!, Videos.Mp4, "wide.mp4", tick: true));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("This video is landscape (640 × 360)", again.QuerySelector("#upload-dialog-short-error")!.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, ticked.StatusCode);
        Assert.True(await _app.WithDbAsync(db => db.VideoAssets.Where(a => a.ContentId == id).Select(a => a.ShapeAccepted).SingleAsync()));
    }
}
