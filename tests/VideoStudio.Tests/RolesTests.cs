using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests;

public class RolesTests
{
    [Fact]
    public async Task A_worker_only_process_answers_health_checks_and_serves_no_pages()
    {
        var app = StudioApp.Instance;
        app.CreateClient().Dispose();
        await using var worker = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseStudioTestSettings(app.ConnectionString, app.MediaRoot, migrate: false);
            b.UseSetting("Studio:ServePages", "false");
            b.UseSetting("Studio:RunJobs", "false");
        });
        var client = worker.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await client.GetAsync("/account/login")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await client.PostAsync("/webhooks/heygen/any-token", new StringContent("{}"))).StatusCode);
    }
}
