using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Live;

/// <summary>
/// A web process without a Hangfire server holds the browser's stream; the generation job runs in a second process with one.
/// On a database of its own: a running Hangfire server would otherwise pick up the jobs that other tests drive step by step.
/// The job stages its download in the shared media folder, so it runs with the other media tests, one at a time.
/// </summary>
[Collection(MediaCollection.Name)]
public class CrossProcessGenerationTests
{
    [Fact]
    public async Task Generate_pressed_on_a_web_process_runs_in_a_worker_process_and_every_state_reaches_the_stream()
    {
        await using var database = TestDatabase.Create();
        await using var web = Instance(database.ConnectionString, runJobs: false);
        _ = web.Services;
        await using var worker = Instance(database.ConnectionString, runJobs: true);
        _ = worker.Services;
        var (client, contentId) = await SignedInMemberWithContentAsync(web);
        var page = await client.GetDocumentAsync($"/content/{contentId}");
        await using var stream = await CardStream.OpenAsync(client, contentId);
        Assert.Equal("empty", (await stream.CardWhenAsync("video-card-long", _ => true)).GetAttribute("data-state"));

        var pressed = await client.HtmxPostAsync(page, page.QuerySelector("#video-card-long-generate")!.GetAttribute("hx-post")!);

        Assert.Equal(HttpStatusCode.OK, pressed.StatusCode);
        var generating = await stream.CardWhenAsync("video-card-long", c => c.GetAttribute("data-state") == "generating");
        Assert.Contains("Creating AI Video", generating.QuerySelector("#video-card-long-generate")!.TextContent);
        var finished = await stream.CardWhenAsync("video-card-long", c => c.GetAttribute("data-state") != "generating");
        Assert.Equal("video", finished.GetAttribute("data-state"));
        Assert.Matches("^/media/[0-9a-f]{32}\\.mp4$", finished.QuerySelector("video")!.GetAttribute("src"));
    }

    private static WebApplicationFactory<Program> Instance(string connectionString, bool runJobs) =>
        StudioApp.Instance.WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Studio", connectionString);
            b.UseSetting("Studio:RunJobs", runJobs ? "true" : "false");
            // The job's next look is due at once; Hangfire's scheduler still takes its own polling interval to start it.
            b.UseSetting("HeyGen:PollInterval", "00:00:00");
        });

    private static async Task<(HttpClient Client, Guid ContentId)> SignedInMemberWithContentAsync(WebApplicationFactory<Program> web)
    {
        var seed = new StudioSeed(web.Services);
        var member = await seed.MemberAsync();
        await seed.HeyGenIntegrationAsync(member.BusinessId, HeyGenSim.NewKey(), HeyGenSim.Avatar, HeyGenSim.Voice);
        var contentId = await seed.ContentAsync(member.BusinessId, "Across processes", "Hello from one process to another.", shortScript: null);
        var client = web.CreateBrowserlessClient();
        await client.SignInAsync(member.Email, member.Password);
        return (client, contentId);
    }
}
