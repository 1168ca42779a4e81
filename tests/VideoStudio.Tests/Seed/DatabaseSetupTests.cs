using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Seed;

public class DatabaseSetupTests
{
    [Fact]
    public async Task A_process_that_does_not_migrate_refuses_to_start_on_a_schema_that_is_not_current()
    {
        await using var database = TestDatabase.Create();
        await using var worker = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseStudioTestSettings(database.ConnectionString, Path.GetTempPath(), migrate: false);
            b.UseSetting("Studio:RunJobs", "false");
            b.UseSetting("Studio:SchemaWaitSeconds", "1");
        });

        var failure = Assert.ThrowsAny<Exception>(() => worker.CreateClient());

        Assert.Contains("Studio:Migrate=true", failure.ToString());
    }

    [Fact]
    public async Task A_process_that_does_not_migrate_starts_on_a_current_schema()
    {
        var app = StudioApp.Instance;
        app.CreateClient().Dispose();
        await using var web = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseStudioTestSettings(app.ConnectionString, app.MediaRoot, migrate: false);
            b.UseSetting("Studio:RunJobs", "false");
        });

        var response = await web.CreateClient().GetAsync("/account/login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
