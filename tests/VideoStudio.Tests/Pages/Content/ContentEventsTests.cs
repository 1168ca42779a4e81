using System.Diagnostics.Metrics;
using System.Net;
using AngleSharp.Dom;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Tests.Infrastructure;
using VideoStudio.Tests.Live;
using VideoStudio.Web.Live;

namespace VideoStudio.Tests.Pages.Content;

// Uploads assert the staging folder is left empty, which holds only while media tests run one at a time.
[Collection(MediaCollection.Name)]
public class ContentEventsTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    /// <summary>A second web process on the same database, as in production with several nodes; heartbeats every 200 ms.</summary>
    private static readonly Lazy<WebApplicationFactory<Program>> SecondInstance = new(() =>
        StudioApp.Instance.WithWebHostBuilder(b => b.UseSetting("Live:HeartbeatInterval", "00:00:00.200")));

    [Fact]
    public async Task The_stream_starts_with_both_cards_exactly_as_the_page_renders_them()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync(shortScript: null);
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");

        await using var stream = await CardStream.OpenAsync(tenant.Client, id);

        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("no", stream.Response.Headers.GetValues("X-Accel-Buffering").Single());
        var (firstName, first) = await stream.NextCardAsync();
        var (secondName, second) = await stream.NextCardAsync();
        Assert.Equal(["video-card-long", "video-card-short"], new[] { firstName, secondName });
        Assert.Equal(page.GetElementById("video-card-long")!.OuterHtml, first.OuterHtml);
        Assert.Equal(page.GetElementById("video-card-short")!.OuterHtml, second.OuterHtml);
        Assert.Equal("video-card-short", second.Id);
        Assert.Matches("^[0-9]+$", second.GetAttribute("data-version"));
    }

    [Fact]
    public async Task The_create_video_section_connects_to_its_own_stream_and_each_card_swaps_on_its_own_event()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();

        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");

        // One stream per page, on the body: this item's cards and notices of the others.
        Assert.Equal("sse", page.Body!.GetAttribute("hx-ext"));
        Assert.Equal($"/content/{id}/events", page.Body.GetAttribute("sse-connect"));
        var section = page.GetElementById("create-video")!;
        Assert.Equal(["video-card-long", "video-card-short"], section.QuerySelectorAll("[sse-swap]").Select(e => e.GetAttribute("sse-swap")));
        // The listener sits on a wrapper that is never swapped and replaces the card whose id is the event's name.
        Assert.All(section.QuerySelectorAll("[sse-swap]"), e =>
        {
            Assert.Equal("#" + e.GetAttribute("sse-swap"), e.GetAttribute("hx-target"));
            Assert.Equal("outerHTML", e.GetAttribute("hx-swap"));
            Assert.Equal(e.GetAttribute("sse-swap"), e.QuerySelector(".video-card")!.Id);
        });
    }

    [Fact]
    public async Task A_generation_committed_by_a_second_app_instance_reaches_a_stream_held_by_the_first()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey());
        var id = await tenant.CreateContentAsync();
        await using var stream = await CardStream.OpenAsync(tenant.Client, id);
        Assert.Equal("empty", (await stream.CardWhenAsync("video-card-long", _ => true)).GetAttribute("data-state"));

        var secondInstance = new StudioSeed(SecondInstance.Value.Services);
        var generationId = await secondInstance.GenerationAsync(id, VideoSlot.Long);

        var generating = await stream.CardWhenAsync("video-card-long", c => c.GetAttribute("data-state") == "generating");
        Assert.Contains("Creating AI Video", generating.QuerySelector("#video-card-long-generate")!.TextContent);

        await secondInstance.WithDbAsync(async db =>
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            await db.VideoGenerations.Where(g => g.Id == generationId)
                .ExecuteUpdateAsync(s => s.SetProperty(g => g.Status, GenerationStatus.Completed).SetProperty(g => g.UpdatedAt, DateTimeOffset.UtcNow));
            await db.Content.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.VideoLongUrl, "/media/finished.mp4"));
            await tx.CommitAsync();
        });

        var finished = await stream.CardWhenAsync("video-card-long", c => c.GetAttribute("data-state") == "video");
        Assert.Equal("/media/finished.mp4", finished.QuerySelector("video")!.GetAttribute("src"));
    }

    [Fact]
    public async Task An_upload_and_a_delete_in_one_window_reach_the_stream_of_another_window()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var otherWindow = _app.CreateBrowserlessClient();
        await otherWindow.SignInAsync(tenant.Email, tenant.Password);
        await using var stream = await CardStream.OpenAsync(otherWindow, id);
        await stream.CardWhenAsync("video-card-short", _ => true);
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");

        Assert.Equal(HttpStatusCode.OK, (await tenant.UploadAsync(page, id, "short", Videos.WebM, "portrait.webm", "video/webm")).StatusCode);
        var uploaded = await stream.CardWhenAsync("video-card-short", c => c.QuerySelector("video") is not null);
        Assert.Matches("^/media/[0-9a-f]{32}\\.webm$", uploaded.QuerySelector("video")!.GetAttribute("src"));

        Assert.Equal(HttpStatusCode.OK, (await tenant.Client.HtmxPostAsync(page, $"/content/{id}?handler=Delete&slot=short")).StatusCode);
        var deleted = await stream.CardWhenAsync("video-card-short", c => c.QuerySelector("video") is null);
        Assert.Contains("Upload Video", deleted.QuerySelector("#video-card-short-upload")!.TextContent);
    }

    [Fact]
    public async Task A_streamed_card_holds_no_form_and_no_token_so_it_is_the_same_for_every_viewer()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var onlySignedIn = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        onlySignedIn.DefaultRequestHeaders.Add("Cookie", await AuthCookieOnlyAsync(tenant));
        await using var stream = await CardStream.OpenAsync(onlySignedIn, id);
        await stream.CardWhenAsync("video-card-short", _ => true);

        await _app.WithDbAsync(db => db.Content.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.VideoLongUrl, "/media/with-delete-dialog.mp4")));

        // The delete confirmation is the page's, so a card with a video still carries nothing per viewer.
        var card = await stream.CardWhenAsync("video-card-long", c => c.QuerySelector("video") is not null);
        Assert.Equal("delete-dialog", card.QuerySelector("#video-card-long-delete")!.GetAttribute("data-opens"));
        Assert.Null(card.QuerySelector("form, input[name=__RequestVerificationToken]"));
        Assert.False(stream.Response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Every_stream_of_an_item_gets_the_same_card_rendered_once_for_all_of_them()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var host = SecondInstance.Value;
        // Once listening, the process has every stream re-read; that must not fall into the count below.
        await host.Services.GetRequiredService<ChangeListener>().ListeningBackendAsync();
        var streams = new List<CardStream>();
        for (var i = 0; i < 3; i++)
        {
            var viewer = host.CreateBrowserlessClient();
            await viewer.SignInAsync(tenant.Email, tenant.Password);
            var stream = await CardStream.OpenAsync(viewer, id);
            await stream.CardWhenAsync("video-card-short", _ => true);
            streams.Add(stream);
        }
        using var renders = new RenderCounter(host.Services);

        await _app.WithDbAsync(db => db.Content.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.VideoLongUrl, "/media/seen-by-all.mp4")));

        var cards = new List<string>();
        foreach (var stream in streams)
        {
            cards.Add((await stream.CardWhenAsync("video-card-long", c => c.QuerySelector("video") is not null)).OuterHtml);
            await stream.DisposeAsync();
        }
        Assert.Single(cards.Distinct());
        Assert.Equal(1, renders.Of("/Pages/Content/_VideoCard.cshtml"));
    }

    [Fact]
    public async Task A_stream_never_receives_a_card_badge_or_notice_of_a_business_its_reader_is_not_in()
    {
        var ours = await _app.CreateTenantAsync();
        var theirs = await _app.CreateTenantAsync();
        var ourItem = await ours.CreateContentAsync("Ours to see");
        var theirItem = await theirs.CreateContentAsync("Theirs alone");
        await using var ourList = await CardStream.OpenAsync(ours.Client, "/events");
        await using var ourPage = await CardStream.OpenAsync(ours.Client, ourItem);
        await ourPage.CardWhenAsync("video-card-short", _ => true);
        // Their own page is open in the same process, so their card is rendered here too.
        await using var theirPage = await CardStream.OpenAsync(theirs.Client, theirItem);
        await theirPage.CardWhenAsync("video-card-short", _ => true);

        await _app.Seed.GenerationAsync(theirItem, VideoSlot.Long, GenerationStatus.Failed, g => g.ErrorMessage = "Theirs failed.");
        await theirPage.CardWhenAsync("video-card-long", c => c.GetAttribute("data-state") == "failed");
        await _app.Seed.GenerationAsync(ourItem, VideoSlot.Long, GenerationStatus.Failed, g => g.ErrorMessage = "Ours failed.");

        var seen = new List<string>();
        await ourPage.CardWhenAsync("video-card-long", c => c.GetAttribute("data-state") == "failed", c => seen.Add(c.OuterHtml));
        while (true)
        {
            var item = await ourList.NextAsync();
            seen.Add(item.Data);
            if (item.EventType == "notice")
            {
                break;
            }
        }
        Assert.Contains(seen, e => e.Contains("Ours failed.", StringComparison.Ordinal));
        Assert.DoesNotContain(seen, e => e.Contains(theirItem.ToString("N"), StringComparison.Ordinal) || e.Contains(theirItem.ToString(), StringComparison.Ordinal)
            || e.Contains("Theirs", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stream_whose_item_moves_to_a_business_its_reader_is_not_in_says_so_and_ends()
    {
        var tenant = await _app.CreateTenantAsync();
        var elsewhere = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        await using var stream = await CardStream.OpenAsync(tenant.Client, id);
        await stream.CardWhenAsync("video-card-short", _ => true);

        await _app.WithDbAsync(db => db.Content.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.BusinessId, elsewhere.BusinessId)));

        Assert.Equal("no-access", (await stream.EndedAsync()).GetAttribute("data-stream-ended"));
    }

    [Fact]
    public async Task A_render_that_finishes_on_another_item_is_noticed_on_every_other_page_of_its_business_with_a_link_to_it()
    {
        var tenant = await _app.CreateTenantAsync();
        var elsewhere = await _app.CreateTenantAsync();
        var finished = await tenant.CreateContentAsync("Finished elsewhere");
        var open = await tenant.CreateContentAsync("The item on screen");
        var foreign = await elsewhere.CreateContentAsync("Not ours");
        Assert.Equal("/events", (await tenant.Client.GetDocumentAsync("/content")).Body!.GetAttribute("sse-connect"));
        await using var listPage = await CardStream.OpenAsync(tenant.Client, "/events");
        await using var itemPage = await CardStream.OpenAsync(tenant.Client, open);
        await itemPage.CardWhenAsync("video-card-short", _ => true);

        // Another business's render first: a notice about it would arrive before ours.
        await _app.Seed.GenerationAsync(foreign, VideoSlot.Long, GenerationStatus.Failed, g => g.ErrorMessage = "Not yours.");
        await _app.Seed.GenerationAsync(finished, VideoSlot.Long, GenerationStatus.Failed, g => g.ErrorMessage = "HeyGen said no.");

        var badges = new List<AngleSharp.Dom.IElement>();
        foreach (var stream in new[] { listPage, itemPage })
        {
            var notice = await NextNoticeAsync(stream, stream == listPage ? badges : null);
            Assert.Contains("AI video for Long Social Video failed: HeyGen said no.", notice.TextContent);
            Assert.Equal($"/content/{finished}#create-video", notice.QuerySelector("a")!.GetAttribute("href"));
            Assert.Contains("Finished elsewhere", notice.QuerySelector("a")!.TextContent);
        }
        // The list's badge of that slot is kept current by the same stream; the page of an item gets no badges.
        var badge = Assert.Single(badges);
        Assert.Equal($"slot-status-{finished:N}-long", badge.Id);
        Assert.Equal("failed", badge.GetAttribute("data-state"));
    }

    private static async Task<AngleSharp.Dom.IElement> NextNoticeAsync(CardStream stream, List<AngleSharp.Dom.IElement>? badges)
    {
        while (true)
        {
            var item = await stream.NextAsync();
            if (item.EventType == "notice")
            {
                return CardStream.Parse(item.Data);
            }
            if (item.EventType.StartsWith("slot-status-", StringComparison.Ordinal))
            {
                Assert.NotNull(badges);
                badges.Add(CardStream.Parse(item.Data));
            }
        }
    }

    [Fact]
    public async Task The_stream_of_another_business_or_of_a_signed_out_visitor_is_not_found()
    {
        var a = await _app.CreateTenantAsync();
        var b = await _app.CreateTenantAsync();
        var ofB = await b.CreateContentAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await a.Client.GetAsync($"/content/{ofB}/events", HttpCompletionOption.ResponseHeadersRead)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.Client.GetAsync($"/content/{Guid.NewGuid()}/events", HttpCompletionOption.ResponseHeadersRead)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _app.CreateBrowserlessClient().GetAsync($"/content/{ofB}/events", HttpCompletionOption.ResponseHeadersRead)).StatusCode);
    }

    [Fact]
    public async Task A_browser_refused_its_stream_is_told_why_in_one_ended_event_so_it_stops_reconnecting()
    {
        var a = await _app.CreateTenantAsync();
        var b = await _app.CreateTenantAsync();
        var ofB = await b.CreateContentAsync();

        async Task<IElement> EndedFor(HttpClient client, string url)
        {
            await using var stream = await CardStream.OpenAsync(client, url);
            Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType!.MediaType);
            return await stream.EndedAsync();
        }

        var otherBusiness = await EndedFor(a.Client, $"/content/{ofB}/events");
        var missing = await EndedFor(a.Client, $"/content/{Guid.NewGuid()}/events");
        Assert.Equal("no-access", otherBusiness.GetAttribute("data-stream-ended"));
        // Someone else's item and no item at all read the same, so the answer tells nothing about what exists.
        Assert.Equal(otherBusiness.OuterHtml, missing.OuterHtml);
        var signedOut = await EndedFor(_app.CreateBrowserlessClient(), $"/content/{ofB}/events");
        Assert.Equal("signed-out", signedOut.GetAttribute("data-stream-ended"));
        Assert.Equal("signed-out", (await EndedFor(_app.CreateBrowserlessClient(), "/events")).GetAttribute("data-stream-ended"));
    }

    [Fact]
    public async Task A_stream_whose_item_is_deleted_says_so_and_ends()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        await using var stream = await CardStream.OpenAsync(tenant.Client, id);
        await stream.CardWhenAsync("video-card-short", _ => true);

        await _app.WithDbAsync(db => db.Content.Where(c => c.Id == id).ExecuteDeleteAsync());

        Assert.Equal("no-access", (await stream.EndedAsync()).GetAttribute("data-stream-ended"));
    }

    [Fact]
    public async Task After_the_listen_connection_is_killed_the_next_change_still_arrives()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        await using var stream = await CardStream.OpenAsync(tenant.Client, id);
        await stream.CardWhenAsync("video-card-short", _ => true);
        var listener = _app.Services.GetRequiredService<ChangeListener>();
        var backend = await listener.ListeningBackendAsync();

        await using (var connection = new NpgsqlConnection(_app.ConnectionString))
        {
            await connection.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(@pid)", connection);
            kill.Parameters.AddWithValue("pid", backend);
            Assert.True((bool)(await kill.ExecuteScalarAsync())!);
        }
        await _app.WithDbAsync(db => db.Content.Where(c => c.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.VideoShortUrl, "/media/after-the-kill.mp4")));

        var card = await stream.CardWhenAsync("video-card-short", c => c.QuerySelector("video") is not null);
        Assert.Equal("/media/after-the-kill.mp4", card.QuerySelector("video")!.GetAttribute("src"));
    }

    [Fact]
    public async Task A_quiet_stream_sends_harmless_heartbeat_events()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var client = SecondInstance.Value.CreateBrowserlessClient();
        await client.SignInAsync(tenant.Email, tenant.Password);
        await using var stream = await CardStream.OpenAsync(client, id);
        await stream.NextCardAsync();
        await stream.NextCardAsync();

        var next = await stream.NextAsync();

        Assert.Equal("heartbeat", next.EventType);
        Assert.Equal("", next.Data);
    }

    /// <summary>Counts the partials one host renders for its streams, from its own meter.</summary>
    private sealed class RenderCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _renders = new();

        public RenderCounter(IServiceProvider host)
        {
            var meters = host.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == PartialRenderer.MeterName && instrument.Meter.Scope == meters)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "view" && tag.Value is string view)
                    {
                        _renders.AddOrUpdate(view, (int)value, (_, n) => n + (int)value);
                    }
                }
            });
            _listener.Start();
        }

        public int Of(string view) => _renders.GetValueOrDefault(view);

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>Signs in and keeps only the sign-in cookie, as a browser whose antiforgery cookie has expired.</summary>
    private async Task<string> AuthCookieOnlyAsync(Tenant tenant)
    {
        var signedIn = await _app.CreateBrowserlessClient().SubmitSignInAsync(tenant.Email, tenant.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("videostudio.auth=", StringComparison.Ordinal)).Split(';')[0];
    }
}
