using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Jobs;

[Collection(MediaCollection.Name)]
public class ApiKeySecrecyTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task The_api_key_appears_in_no_job_argument_page_log_or_database_column_in_clear()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var key = HeyGenSim.NewKey("secret");
        var id = await admin.CreateContentAsync("Secret keeping");
        var settings = await admin.Client.GetDocumentAsync("/settings/integrations");
        await admin.Client.SubmitAsync(settings.QuerySelector<IHtmlFormElement>("#heygen-settings-form")!, new()
        {
            ["Input.ApiKey"] = key,
            ["Input.AvatarId"] = HeyGenSim.Avatar,
            ["Input.VoiceId"] = HeyGenSim.Voice,
            ["Input.Active"] = "true",
        });
        var page = await admin.Client.GetDocumentAsync($"/content/{id}");
        await admin.Client.HtmxPostAsync(page, $"/content/{id}?handler=Generate&slot=long");
        var generationId = await _app.WithDbAsync(db => db.VideoGenerations.Where(g => g.ContentId == id).Select(g => g.Id).SingleAsync());
        var settingsAfter = await admin.Client.GetAsync("/settings/integrations");
        var testResult = await admin.Client.SubmitAsync(
            (await admin.Client.GetDocumentAsync("/settings/integrations")).QuerySelector<IHtmlFormElement>("#heygen-test-form")!, []);
        await _app.DriveAsync(generationId);
        Assert.Equal(GenerationStatus.Completed, (await _app.GenerationAsync(generationId)).Status);

        var jobRows = await _app.WithDbAsync(db => db.Database
            .SqlQuery<string>($"SELECT invocationdata::text || ' ' || arguments::text AS \"Value\" FROM hangfire.job").ToListAsync());
        Assert.Contains(jobRows, r => r.Contains(generationId.ToString()));
        Assert.DoesNotContain(jobRows, r => r.Contains(key));

        foreach (var html in new[]
        {
            await (await admin.Client.GetAsync($"/content/{id}")).Content.ReadAsStringAsync(),
            await (await admin.Client.GetAsync($"/content/{id}?handler=Card&slot=long")).Content.ReadAsStringAsync(),
            await settingsAfter.Content.ReadAsStringAsync(),
            await testResult.Content.ReadAsStringAsync(),
        })
        {
            Assert.DoesNotContain(key, html);
        }

        Assert.DoesNotContain(_app.Logs.Lines, line => line.Contains(key));
        Assert.Contains(_app.Logs.Lines, line => line.Contains(generationId.ToString()));

        var stored = await _app.WithDbAsync(db => db.Database
            .SqlQuery<string>($"SELECT s.ciphertext || ' ' || s.hint AS \"Value\" FROM integration_secrets s JOIN ai_avatar_integrations i ON i.secret_id = s.id WHERE i.business_id = {admin.BusinessId}")
            .SingleAsync());
        Assert.DoesNotContain(key, stored);
    }
}
