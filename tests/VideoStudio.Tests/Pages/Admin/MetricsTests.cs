using System.Net;
using System.Text;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Pages.Admin;

[Collection(MediaCollection.Name)]
public class MetricsTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task A_site_admin_sees_figures_computed_from_real_uploads_and_generations()
    {
        var editor = await _app.CreateTenantAsync();
        var id = await editor.CreateContentAsync();
        var page = await editor.Client.GetDocumentAsync($"/content/{id}");
        await editor.UploadAsync(page, id, "long", Videos.Mp4, "ok-1.mp4");
        await editor.UploadAsync(page, id, "long", Videos.Mp4, "ok-2.mp4");
        await editor.UploadAsync(page, id, "short", Encoding.UTF8.GetBytes("not a video at all"), "bad.mp4");
        var now = DateTimeOffset.UtcNow;
        await _app.Seed.GenerationAsync(id, VideoSlot.Long, GenerationStatus.Completed, g => (g.CreatedAt, g.FinishedAt, g.UpdatedAt) = (now.AddMinutes(-4), now.AddMinutes(-2), now));
        await _app.Seed.GenerationAsync(id, VideoSlot.Short, GenerationStatus.Failed, g => (g.ErrorCode, g.CreatedAt, g.FinishedAt, g.UpdatedAt) = ("avatar_not_found", now.AddMinutes(-3), now.AddMinutes(-3), now));
        var admin = await _app.CreateTenantAsync(siteAdmin: true);

        var metrics = await admin.Client.GetDocumentAsync($"/admin/metrics?business={editor.BusinessId}");

        var week = metrics.QuerySelector("#metrics-7")!;
        string Figure(string name) => week.QuerySelector($"[data-figure={name}]")!.TextContent;
        Assert.Contains("67%", Figure("upload-completion"));
        Assert.Contains("(2 of 3)", Figure("upload-completion"));
        Assert.Contains("(1 of 2)", Figure("generation-completion"));
        Assert.StartsWith("50%", Figure("generation-success").Trim());
        Assert.Contains("2 min", Figure("generation-time"));
        Assert.Contains("MB/s", Figure("upload-speed"));
        Assert.Contains("(2 failed)", Figure("error-rate"));
        var errors = metrics.QuerySelector("#errors-7")!.TextContent;
        Assert.Contains("not_video", errors);
        Assert.Contains("avatar_not_found", errors);
        Assert.Equal(12, metrics.QuerySelectorAll("svg[role=img]").Length);
        Assert.NotNull(metrics.QuerySelector("#metrics-30"));
    }

    [Fact]
    public async Task Editors_and_business_admins_are_not_let_in()
    {
        var editor = await _app.CreateTenantAsync();
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);

        Assert.NotEqual(HttpStatusCode.OK, (await editor.Client.GetAsync("/admin/metrics")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await admin.Client.GetAsync("/admin/metrics")).StatusCode);
    }
}
