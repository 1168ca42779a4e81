using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Seed;

public class DatabaseSetupTests
{
    [Fact]
    public async Task A_process_that_does_not_migrate_refuses_to_start_on_a_schema_that_is_not_current()
    {
        var server = Environment.GetEnvironmentVariable("VIDEOSTUDIO_TEST_SERVER")!;
        var name = $"vs_test_empty_{Guid.NewGuid():N}"[..30];
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {name}", admin).ExecuteNonQueryAsync();
        }
        try
        {
            await using var worker = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            {
                b.UseEnvironment("Testing");
                b.UseSetting("ConnectionStrings:Studio", new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString);
                b.UseSetting("Studio:Migrate", "false");
                b.UseSetting("Studio:RunJobs", "false");
                b.UseSetting("Studio:SchemaWaitSeconds", "1");
                b.UseSetting("Studio:MediaRoot", Path.GetTempPath());
            });

            var failure = Assert.ThrowsAny<Exception>(() => worker.CreateClient());

            Assert.Contains("Studio:Migrate=true", failure.ToString());
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(server);
            await admin.OpenAsync();
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin).ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task A_process_that_does_not_migrate_starts_on_a_current_schema()
    {
        var app = StudioApp.Instance;
        app.CreateClient().Dispose();
        await using var web = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Testing");
            b.UseSetting("ConnectionStrings:Studio", app.ConnectionString);
            b.UseSetting("Studio:Migrate", "false");
            b.UseSetting("Studio:RunJobs", "false");
            b.UseSetting("Studio:MediaRoot", app.MediaRoot);
        });

        var response = await web.CreateClient().GetAsync("/account/login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
