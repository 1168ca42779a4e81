using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Jobs.HeyGen;
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
        var database = await CreateDatabaseAsync();
        try
        {
            await using var web = Instance(database, runJobs: false);
            _ = web.Services;
            await using var worker = Instance(database, runJobs: true);
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
        finally
        {
            await DropDatabaseAsync(database);
        }
    }

    private static WebApplicationFactory<Program> Instance(string connectionString, bool runJobs) =>
        StudioApp.Instance.WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Studio", connectionString);
            b.UseSetting("Studio:RunJobs", runJobs ? "true" : "false");
            // The job's next look is due at once; Hangfire's scheduler still takes its own polling interval to start it.
            b.UseSetting("HeyGen:PollInterval", "00:00:00");
        });

    private static async Task<string> CreateDatabaseAsync()
    {
        var server = Environment.GetEnvironmentVariable("VIDEOSTUDIO_TEST_SERVER")!;
        var name = $"vs_test_{Environment.ProcessId}_x{Guid.NewGuid():N}"[..40];
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    private static async Task DropDatabaseAsync(string connectionString)
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(Environment.GetEnvironmentVariable("VIDEOSTUDIO_TEST_SERVER")!);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {new NpgsqlConnectionStringBuilder(connectionString).Database} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    private static async Task<(HttpClient Client, Guid ContentId)> SignedInMemberWithContentAsync(WebApplicationFactory<Program> web)
    {
        const string email = "editor@cross-process.example", password = "Test!Password1";
        var contentId = Guid.NewGuid();
        await using (var scope = web.Services.CreateAsyncScope())
        {
            var user = new StudioUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Cross Process" };
            Assert.True((await scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>().CreateAsync(user, password)).Succeeded);
            var db = scope.ServiceProvider.GetRequiredService<StudioDb>();
            var business = new Business { Id = Guid.NewGuid(), Name = "Cross process" };
            db.Businesses.Add(business);
            db.BusinessMembers.Add(new BusinessMember { BusinessId = business.Id, UserId = user.Id, Role = MemberRole.Editor });
            db.AiAvatarIntegrations.Add(new AiAvatarIntegration
            {
                Id = Guid.NewGuid(), BusinessId = business.Id, Status = IntegrationStatus.Active,
                Secret = scope.ServiceProvider.GetRequiredService<HeyGenSecrets>().Protect(HeyGenSim.NewKey()),
                AvatarId = HeyGenSim.Avatar, VoiceId = HeyGenSim.Voice, UpdatedAt = DateTimeOffset.UtcNow,
            });
            db.Content.Add(new Content
            {
                Id = contentId, BusinessId = business.Id, Title = "Across processes", VideoScript = "Hello from one process to another.",
                CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }
        var client = web.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await client.SignInAsync(email, password);
        return (client, contentId);
    }
}
