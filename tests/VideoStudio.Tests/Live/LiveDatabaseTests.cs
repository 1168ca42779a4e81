using System.Data.Common;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using VideoStudio.Core.Data;
using VideoStudio.Tests.Infrastructure;
using VideoStudio.Web.Live;

namespace VideoStudio.Tests.Live;

/// <summary>The live streams read on connections of their own, so requests that take every pooled connection do not hold cards back.</summary>
public class LiveDatabaseTests
{
    private const int RequestConnections = 2;

    [Fact]
    public async Task A_change_reaches_an_open_stream_while_requests_hold_every_connection_of_their_pool()
    {
        await using var database = TestDatabase.Create();
        // A small request pool, so the test can take all of it; a wait for a connection gives up after 2 s.
        var connection = new NpgsqlConnectionStringBuilder(database.ConnectionString) { MaxPoolSize = RequestConnections, Timeout = 2 };
        await using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseStudioTestSettings(connection.ConnectionString, StudioTestHost.NewMediaRoot());
            b.UseSetting("Studio:RunJobs", "false");
        });
        var seed = new StudioSeed(app.Services);
        var member = await seed.MemberAsync();
        var id = await seed.ContentAsync(member.BusinessId);
        var client = app.CreateBrowserlessClient();
        await client.SignInAsync(member.Email, member.Password);
        await using var stream = await CardStream.OpenAsync(client, id);
        Assert.NotEqual("video", (await stream.CardWhenAsync("video-card-long", _ => true)).GetAttribute("data-state"));
        await app.Services.GetRequiredService<ChangeListener>().ListeningBackendAsync();

        // Opened as connections, not through EF, whose retries would only make the failed open below slower.
        var held = new List<(AsyncServiceScope Scope, DbConnection Connection)>();
        for (var i = 0; i < RequestConnections; i++)
        {
            var scope = app.Services.CreateAsyncScope();
            var taken = scope.ServiceProvider.GetRequiredService<StudioDb>().Database.GetDbConnection();
            await taken.OpenAsync();
            held.Add((scope, taken));
        }
        await using (var another = app.Services.CreateAsyncScope())
        {
            var refused = await Assert.ThrowsAsync<NpgsqlException>(() => another.ServiceProvider.GetRequiredService<StudioDb>().Database.GetDbConnection().OpenAsync());
            Assert.Contains("pool has been exhausted", refused.Message);
        }
        await using (var writer = new NpgsqlConnection(database.ConnectionString))
        {
            await writer.OpenAsync();
            await using var change = new NpgsqlCommand("UPDATE content SET video_long_url = '/media/while-busy.mp4' WHERE id = @id", writer);
            change.Parameters.AddWithValue("id", id);
            Assert.Equal(1, await change.ExecuteNonQueryAsync());
        }

        var card = await stream.CardWhenAsync("video-card-long", c => c.GetAttribute("data-state") == "video");
        Assert.Equal("/media/while-busy.mp4", card.QuerySelector("video")!.GetAttribute("src"));
        foreach (var (scope, taken) in held)
        {
            await taken.CloseAsync();
            await scope.DisposeAsync();
        }
    }
}
