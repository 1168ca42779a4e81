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
        await admin.SaveHeyGenSettingsAsync(key, HeyGenSim.Avatar, HeyGenSim.Voice);
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

    [Fact]
    public async Task A_dump_of_the_whole_database_holds_the_api_key_only_encrypted()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var key = HeyGenSim.NewKey("dumped");
        var title = $"Dump check {Guid.NewGuid():N}";
        var id = await admin.CreateContentAsync(title);
        await admin.SaveHeyGenSettingsAsync(key, HeyGenSim.Avatar, HeyGenSim.Voice);
        var page = await admin.Client.GetDocumentAsync($"/content/{id}");
        await admin.Client.HtmxPostAsync(page, $"/content/{id}?handler=Generate&slot=long");
        var generationId = await _app.WithDbAsync(db => db.VideoGenerations.Where(g => g.ContentId == id).Select(g => g.Id).SingleAsync());
        await _app.DriveAsync(generationId);
        var ciphertext = await _app.WithDbAsync(db => db.AiAvatarIntegrations.Where(i => i.BusinessId == admin.BusinessId).Select(i => i.Secret!.Ciphertext).SingleAsync());

        var dump = await PgDump.DumpAsync(_app.ConnectionString);

        Assert.Contains(title, dump);
        Assert.Contains(ciphertext, dump);
        Assert.Contains("CREATE TABLE hangfire.job ", dump);
        Assert.Contains(generationId.ToString(), dump);
        // The key in clear, a stretch of it that the four-character hint does not cover, and the two ways bytes appear in a dump.
        var bytes = System.Text.Encoding.UTF8.GetBytes(key);
        foreach (var form in new[] { key, key[^20..^4], Convert.ToBase64String(bytes), Convert.ToHexStringLower(bytes) })
        {
            Assert.DoesNotContain(form, dump);
        }
    }
}
