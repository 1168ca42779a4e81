using System.Net;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using VideoStudio.Core;
using VideoStudio.Jobs.Generation;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Jobs;

/// <summary>/hangfire is for site admins only; loopback (which every test request is) earns nothing.</summary>
public class JobsDashboardTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task Anonymous_requests_are_sent_to_sign_in()
    {
        var response = await _app.CreateBrowserlessClient().GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQueryOf());
    }

    [Theory]
    [InlineData(MemberRole.Editor)]
    [InlineData(MemberRole.Admin)]
    public async Task Business_members_who_are_not_site_admins_are_refused(MemberRole role)
    {
        var member = await _app.CreateTenantAsync(role);

        var response = await member.Client.GetAsync("/hangfire");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("VideoStudio jobs", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_site_admin_sees_generation_jobs_by_readable_name()
    {
        var siteAdmin = await _app.CreateTenantAsync(MemberRole.Editor, siteAdmin: true);
        var contentId = await siteAdmin.CreateContentAsync("Rye loaf lesson");
        var generationId = await siteAdmin.QueueGenerationAsync(contentId, VideoSlot.Short);
        var jobId = GenerateVideoJob.Enqueue(_app.Services.GetRequiredService<IBackgroundJobClient>(), generationId);

        var dashboard = await siteAdmin.Client.GetAsync("/hangfire");
        var details = await siteAdmin.Client.GetStringAsync($"/hangfire/jobs/details/{jobId}");

        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        var page = await dashboard.ParseAsync();
        Assert.Contains("VideoStudio jobs", page.Body!.TextContent);
        // Hangfire keeps its own look; its navigation leads back to the app.
        Assert.Contains(page.QuerySelectorAll("a"), a => a.GetAttribute("href") == "/content" && a.TextContent.Trim() == "Back to site");
        Assert.Contains("Generate short video · Rye loaf lesson", WebUtility.HtmlDecode(details));
    }

    [Fact]
    public async Task A_dashboard_action_without_an_antiforgery_token_is_refused_even_to_a_site_admin()
    {
        var siteAdmin = await _app.CreateTenantAsync(MemberRole.Editor, siteAdmin: true);
        var generationId = await siteAdmin.QueueGenerationAsync(await siteAdmin.CreateContentAsync(), VideoSlot.Long);
        var jobId = GenerateVideoJob.Enqueue(_app.Services.GetRequiredService<IBackgroundJobClient>(), generationId);

        var response = await siteAdmin.Client.PostAsync($"/hangfire/jobs/enqueued/delete", new FormUrlEncodedContent(new Dictionary<string, string> { ["jobs[]"] = jobId }));

        Assert.False(response.IsSuccessStatusCode, $"Answered {(int)response.StatusCode}");
        Assert.Equal("Enqueued", _app.Services.GetRequiredService<JobStorage>().GetConnection().GetStateData(jobId).Name);
    }
}
