using VideoStudio.Core.Generation;
using System.Net;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Tests.Infrastructure;
using VideoStudio.Web.Pages.Content;

namespace VideoStudio.Tests.Pages.Content;

/// <summary>Generate and Retry on a card, posted the way htmx posts them from the page.</summary>
[Collection(MediaCollection.Name)]
public class GenerateTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task Generate_on_a_card_without_script_explains_what_is_missing()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey());
        var id = await tenant.CreateContentAsync(script: null);

        var response = await GenerateAsync(tenant, id, "long");

        await AssertRefusedAsync(response, GenerationPolicy.MissingScriptMessage);
        Assert.Equal(0, await GenerationCountAsync(id));
    }

    [Fact]
    public async Task Generate_with_a_script_longer_than_HeyGen_accepts_says_so_before_anything_starts()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey());
        var id = await tenant.CreateContentAsync(shortScript: new string('s', 6000));

        await AssertRefusedAsync(await GenerateAsync(tenant, id, "short"),
            "The short video script is 6,000 characters long; HeyGen accepts at most 5,000. Shorten it, then generate.", "short");
        Assert.Equal(0, await GenerationCountAsync(id));
    }

    [Fact]
    public async Task Generate_without_an_api_key_points_to_settings()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();

        await AssertRefusedAsync(await GenerateAsync(tenant, id, "short"), GenerationPolicy.MissingKeyMessage, "short");
        Assert.Equal(0, await GenerationCountAsync(id));
    }

    [Fact]
    public async Task Generate_without_avatar_and_voice_ids_points_to_settings()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey(), avatarId: "", voiceId: "");
        var id = await tenant.CreateContentAsync();

        await AssertRefusedAsync(await GenerateAsync(tenant, id, "long"), GenerationPolicy.MissingIdsMessage);
        Assert.Equal(0, await GenerationCountAsync(id));
    }

    [Fact]
    public async Task Generate_queues_a_job_with_ids_only_and_the_card_shows_Creating_AI_Video()
    {
        var tenant = await _app.CreateTenantAsync();
        var key = HeyGenSim.NewKey();
        await tenant.ConfigureHeyGenAsync(key);
        var id = await tenant.CreateContentAsync("Bread at dawn");

        var response = await GenerateAsync(tenant, id, "long");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var card = (await response.FragmentAsync()).Body!.FirstElementChild!;
        Assert.Equal("video-card-long", card.Id);
        Assert.Equal("generating", card.GetAttribute("data-state"));
        Assert.Equal("Creating AI Video", card.QuerySelector("#video-card-long-generate")!.TextContent.Trim());
        var generation = await _app.WithDbAsync(db => db.VideoGenerations.AsNoTracking().SingleAsync(g => g.ContentId == id));
        Assert.Equal((GenerationStatus.Queued, VideoSlot.Long), (generation.Status, generation.Slot));

        var job = Assert.Single(EnqueuedJobsOf(generation.Id));
        Assert.Equal([generation.Id], job.Job.Args.Take(1));
        Assert.DoesNotContain(job.Job.Args, a => a is string s && s.Contains(key));
        Assert.Equal(VideoEventLog.Generation, await _app.WithDbAsync(db => db.VideoEvents.Where(e => e.GenerationId == generation.Id && e.Outcome == VideoEventLog.Started).Select(e => e.Kind).SingleAsync()));
    }

    [Fact]
    public async Task Ten_simultaneous_Generate_clicks_start_one_generation_and_one_HeyGen_render_and_all_show_it()
    {
        var tenant = await _app.CreateTenantAsync();
        var key = HeyGenSim.NewKey();
        await tenant.ConfigureHeyGenAsync(key);
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");

        var responses = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(_ => tenant.Client.HtmxPostAsync(page, $"/content/{id}?handler=Generate&slot=long")));

        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var card = (await response.FragmentAsync()).Body!.FirstElementChild!;
            Assert.Equal(("video-card-long", "generating"), (card.Id, card.GetAttribute("data-state")));
        }
        var generationId = Assert.Single(await _app.WithDbAsync(db => db.VideoGenerations.Where(g => g.ContentId == id).Select(g => g.Id).ToListAsync()));
        Assert.Single(EnqueuedJobsOf(generationId));
        await _app.DriveAsync(generationId);
        Assert.Equal(1, HeyGenSim.State.CreateCallsFor(key));
        Assert.Single(HeyGenSim.State.SubmissionsFor(generationId.ToString()));
    }

    [Fact]
    public async Task Retry_after_a_failure_starts_a_new_generation()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey("renderfail"));
        var id = await tenant.CreateContentAsync();
        Assert.Equal(HttpStatusCode.OK, (await GenerateAsync(tenant, id, "long")).StatusCode);
        var first = await _app.WithDbAsync(db => db.VideoGenerations.AsNoTracking().Where(g => g.ContentId == id).Select(g => g.Id).SingleAsync());
        await _app.DriveAsync(first);
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        var failedCard = page.QuerySelector("#video-card-long")!;
        Assert.Equal("failed", failedCard.GetAttribute("data-state"));
        var retry = failedCard.QuerySelector("#video-card-long-retry")!;

        var response = await tenant.Client.HtmxPostAsync(page, retry.GetAttribute("hx-post")!);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("generating", (await response.FragmentAsync()).QuerySelector("#video-card-long")!.GetAttribute("data-state"));
        Assert.Equal(2, await GenerationCountAsync(id));
    }

    [Fact]
    public async Task Generate_on_content_of_another_business_is_not_found()
    {
        var a = await _app.CreateTenantAsync();
        var b = await _app.CreateTenantAsync();
        await a.ConfigureHeyGenAsync(HeyGenSim.NewKey());
        var ofA = await a.CreateContentAsync();
        var pageOfB = await b.Client.GetDocumentAsync($"/content/{await b.CreateContentAsync()}");

        var response = await b.Client.HtmxPostAsync(pageOfB, $"/content/{ofA}?handler=Generate&slot=long");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, await GenerationCountAsync(ofA));
    }

    private static async Task<HttpResponseMessage> GenerateAsync(Tenant tenant, Guid id, string slot)
    {
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        var button = page.QuerySelector($"#video-card-{slot}-generate")!;
        // A disabled button cannot be pressed in a browser, but a stale page or a script could still post.
        return await tenant.Client.HtmxPostAsync(page, button.GetAttribute("hx-post")!);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string message, string slot = "long")
    {
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var fragment = await response.FragmentAsync();
        Assert.Equal($"video-card-{slot}", fragment.Body!.FirstElementChild!.Id);
        Assert.Equal(message, fragment.QuerySelector("[role=alert]")!.TextContent.Trim());
    }

    private Task<int> GenerationCountAsync(Guid contentId) =>
        _app.WithDbAsync(db => db.VideoGenerations.CountAsync(g => g.ContentId == contentId));

    private IEnumerable<Hangfire.Storage.Monitoring.EnqueuedJobDto> EnqueuedJobsOf(Guid generationId) =>
        _app.Services.GetRequiredService<JobStorage>().GetMonitoringApi().EnqueuedJobs("default", 0, 10_000)
            .Where(j => Equals(j.Value.Job.Args[0], generationId)).Select(j => j.Value);
}
