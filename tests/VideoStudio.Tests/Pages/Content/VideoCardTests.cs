using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Pages.Content;

/// <summary>What each card state shows, as read from the database by the page.</summary>
[Collection(MediaCollection.Name)]
public class VideoCardTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task Without_HeyGen_both_cards_say_so_and_link_to_the_settings()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();

        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");

        foreach (var (slot, title, script) in new[] { ("long", "Long Social Video", "Main Video Script"), ("short", "Short Social Video", "Short Video Script") })
        {
            var card = page.QuerySelector($"#video-card-{slot}")!;
            Assert.Equal("not-configured", card.GetAttribute("data-state"));
            Assert.Contains(title, card.QuerySelector("h3")!.TextContent);
            Assert.Contains("Upload Video", Button(card, "upload").TextContent);
            Assert.True(Button(card, "generate").HasAttribute("disabled"));
            Assert.Contains("HeyGen API key is not configured. Please set it up in Settings.", card.TextContent);
            var configure = card.QuerySelectorAll("a").Single(a => a.TextContent.Contains("Configure HeyGen integration"));
            Assert.StartsWith("/settings/integrations?returnUrl=", configure.GetAttribute("href"));
            Assert.Contains($"Based on: {script}", card.QuerySelector(".based-on")!.TextContent);
            Assert.Equal($"#{(slot == "long" ? "main-script" : "short-script")}", card.QuerySelectorAll("a").Single(a => a.TextContent == "Review Script").GetAttribute("href"));
        }
    }

    [Fact]
    public async Task Avatar_and_voice_missing_is_named_on_the_card()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        await ConfigureHeyGenAsync(tenant, avatar: null);

        var card = (await tenant.Client.GetDocumentAsync($"/content/{id}")).QuerySelector("#video-card-long")!;

        Assert.Equal("not-configured", card.GetAttribute("data-state"));
        Assert.Contains("HeyGen avatar and voice IDs are required. Please configure them in Settings.", card.TextContent);
    }

    [Fact]
    public async Task A_configured_business_gets_an_empty_card_with_Generate_enabled()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        await ConfigureHeyGenAsync(tenant);

        var card = (await tenant.Client.GetDocumentAsync($"/content/{id}")).QuerySelector("#video-card-long")!;

        Assert.Equal("empty", card.GetAttribute("data-state"));
        Assert.False(Button(card, "generate").HasAttribute("disabled"));
        Assert.Contains("Generate AI Video", Button(card, "generate").TextContent);
        Assert.Null(card.QuerySelector("video"));
        Assert.Null(Button(card, "delete"));
    }

    [Fact]
    public async Task A_missing_script_disables_Generate_and_says_which_script_to_write()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync(shortScript: null);
        await ConfigureHeyGenAsync(tenant);

        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");

        var card = page.QuerySelector("#video-card-short")!;
        var generate = Button(card, "generate");
        Assert.True(generate.HasAttribute("disabled"));
        var reason = page.GetElementById(generate.GetAttribute("aria-describedby")!)!;
        Assert.Contains("Short Video Script is missing", reason.TextContent);
        Assert.Equal("#short-script", reason.QuerySelector("a")!.GetAttribute("href"));
        Assert.False(Button(page.QuerySelector("#video-card-long")!, "generate").HasAttribute("disabled"));
    }

    [Fact]
    public async Task A_video_card_offers_Upload_New_Generate_and_Delete_naming_the_file()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        await ConfigureHeyGenAsync(tenant);
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        await tenant.UploadAsync(page, id, "long", Videos.Mp4, "bakery tour.mp4");

        var card = (await tenant.Client.GetDocumentAsync($"/content/{id}")).QuerySelector("#video-card-long")!;

        Assert.Equal("video", card.GetAttribute("data-state"));
        Assert.Contains("Upload New", Button(card, "upload").TextContent);
        Assert.Contains("Delete", Button(card, "delete").TextContent);
        Assert.Equal("delete-dialog", Button(card, "delete").GetAttribute("data-opens"));
        Assert.Equal("long", Button(card, "delete").GetAttribute("data-slot"));
        Assert.Equal("bakery tour.mp4", Button(card, "delete").GetAttribute("data-file-name"));
        Assert.Null(card.QuerySelector("form, input[name=__RequestVerificationToken]"));
    }

    [Fact]
    public async Task A_running_generation_shows_Creating_AI_Video_and_polls_as_a_fallback()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        await ConfigureHeyGenAsync(tenant);
        await AddGenerationAsync(id, VideoSlot.Long, GenerationStatus.Processing);

        var card = (await tenant.Client.GetDocumentAsync($"/content/{id}")).QuerySelector("#video-card-long")!;

        Assert.Equal("generating", card.GetAttribute("data-state"));
        Assert.Equal("true", card.GetAttribute("aria-busy"));
        var generate = Button(card, "generate");
        Assert.Contains("Creating AI Video", generate.TextContent);
        Assert.True(generate.HasAttribute("disabled"));
        Assert.Contains("AI video generation in progress", card.TextContent);
        Assert.Equal("every 15s", card.GetAttribute("hx-trigger"));
        Assert.Contains("handler=Card", card.GetAttribute("hx-get"));
        Assert.False(Button(card, "upload").HasAttribute("disabled"));
    }

    [Fact]
    public async Task A_failed_generation_shows_the_reason_in_plain_words_and_Retry()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        await ConfigureHeyGenAsync(tenant);
        await AddGenerationAsync(id, VideoSlot.Short, GenerationStatus.Failed, "HeyGen could not find the avatar. Choose another avatar in Settings.");

        var card = (await tenant.Client.GetDocumentAsync($"/content/{id}")).QuerySelector("#video-card-short")!;

        Assert.Equal("failed", card.GetAttribute("data-state"));
        Assert.Contains("AI video generation failed.", card.TextContent);
        Assert.Contains("HeyGen could not find the avatar", card.TextContent);
        Assert.Equal("Retry", Button(card, "retry").TextContent.Trim());
    }

    [Fact]
    public async Task An_upload_after_a_failure_clears_the_failure()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        await ConfigureHeyGenAsync(tenant);
        await AddGenerationAsync(id, VideoSlot.Long, GenerationStatus.TimedOut, "HeyGen did not finish within 20 minutes.");
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        Assert.Equal("failed", page.QuerySelector("#video-card-long")!.GetAttribute("data-state"));

        var response = await tenant.UploadAsync(page, id, "long", Videos.Mp4, "fresh.mp4");

        Assert.Equal("video", (await response.FragmentAsync()).Body!.FirstElementChild!.GetAttribute("data-state"));
    }

    [Fact]
    public async Task The_card_fragment_is_served_to_members_only()
    {
        var a = await _app.CreateTenantAsync();
        var b = await _app.CreateTenantAsync();
        var id = await a.CreateContentAsync();

        var mine = await a.Client.GetAsync($"/content/{id}?handler=Card&slot=long");
        var theirs = await b.Client.GetAsync($"/content/{id}?handler=Card&slot=long");

        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Equal("video-card-long", (await mine.FragmentAsync()).Body!.FirstElementChild!.Id);
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.Client.GetAsync($"/content/{id}?handler=Card&slot=medium")).StatusCode);
    }

    [Fact]
    public async Task A_finished_AI_video_plays_with_its_poster_captions_and_length_and_no_HeyGen_link_reaches_the_page()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey());
        var id = await tenant.CreateContentAsync(shortScript: "Spring is here. Three new pieces, sixty seconds.");
        var generationId = await tenant.QueueGenerationAsync(id, VideoSlot.Short);
        await _app.DriveAsync(generationId);

        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");

        var card = page.QuerySelector("#video-card-short")!;
        var video = card.QuerySelector("video")!;
        Assert.Matches("^/media/[0-9a-f]{32}\\.poster\\.jpg$", video.GetAttribute("poster"));
        var track = video.QuerySelector("track")!;
        Assert.Equal(("captions", true), (track.GetAttribute("kind"), track.HasAttribute("default")));
        Assert.Equal("0:04", card.QuerySelector(".duration")!.TextContent.Trim());
        foreach (var url in new[] { video.GetAttribute("src")!, video.GetAttribute("poster")!, track.GetAttribute("src")! })
        {
            Assert.Equal(HttpStatusCode.OK, (await tenant.Client.GetAsync(url)).StatusCode);
        }
        Assert.StartsWith("WEBVTT", await tenant.Client.GetStringAsync(track.GetAttribute("src")));
        var html = page.DocumentElement.OuterHtml;
        Assert.DoesNotContain(HeyGenSim.Host.BaseUrl, html);
        Assert.DoesNotContain("heygen.ai", html);
        Assert.DoesNotContain("Signature=", html);
    }

    [Fact]
    public async Task A_generation_beyond_the_business_render_limit_says_it_is_queued_and_why()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey("neverfinish"));
        await _app.WithDbAsync(db => db.AiAvatarIntegrations.Where(i => i.BusinessId == tenant.BusinessId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.MaxConcurrentRenders, 1)));
        var first = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(), VideoSlot.Long);
        var id = await tenant.CreateContentAsync();
        var second = await tenant.QueueGenerationAsync(id, VideoSlot.Long);
        await _app.StepAsync(first);
        await _app.StepAsync(second);

        var card = (await tenant.Client.GetDocumentAsync($"/content/{id}")).QuerySelector("#video-card-long")!;

        Assert.Equal("generating", card.GetAttribute("data-state"));
        Assert.Contains("Queued — HeyGen renders 1 at a time", card.QuerySelector("#video-card-long-queued")!.TextContent);
    }

    [Fact]
    public async Task Generate_shows_what_the_render_will_take_and_cost_from_the_script_and_the_engine()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey());
        var id = await tenant.CreateContentAsync(script: new string('a', 600), shortScript: new string('b', 6000));

        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        Assert.Equal("about 40 s · about $2.67", page.QuerySelector("#video-card-long-estimate")!.TextContent.Trim());
        Assert.Null(page.QuerySelector("#video-card-short-estimate"));

        await _app.WithDbAsync(db => db.AiAvatarIntegrations.Where(i => i.BusinessId == tenant.BusinessId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Engine, "avatar_iii")));
        var cheaper = await tenant.Client.GetDocumentAsync($"/content/{id}");
        Assert.Equal("about 40 s · about $0.67", cheaper.QuerySelector("#video-card-long-estimate")!.TextContent.Trim());
    }

    private static IElement Button(IElement card, string action) => card.QuerySelector($"#{card.Id}-{action}")!;

    private Task ConfigureHeyGenAsync(Tenant tenant, string? avatar = "avatar-1") =>
        _app.Seed.HeyGenIntegrationAsync(tenant.BusinessId, HeyGenSim.NewKey(), avatar, avatar is null ? null : "voice-1");

    private Task AddGenerationAsync(Guid contentId, VideoSlot slot, GenerationStatus status, string? error = null) =>
        _app.Seed.GenerationAsync(contentId, slot, status, g => g.ErrorMessage = error);
}
