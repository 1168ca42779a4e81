using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using VideoStudio.Core.Data;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Data;

/// <summary>The request pool keeps a few warm connections through a quiet spell, so the next request is not read on a new backend.</summary>
[Collection(ConnectionPoolCollection.Name)]
public class ConnectionPoolTests
{
    private const int Burst = 8;

    [Fact]
    public async Task After_a_burst_the_request_pool_gives_back_its_surplus_but_keeps_its_warm_connections()
    {
        await using var database = TestDatabase.Create();
        // Npgsql looks every second and prunes what stayed idle for two, instead of five minutes.
        var connection = new NpgsqlConnectionStringBuilder(database.ConnectionString) { ConnectionIdleLifetime = 2, ConnectionPruningInterval = 1 };
        await using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseStudioTestSettings(connection.ConnectionString, StudioTestHost.NewMediaRoot());
            b.UseSetting("Studio:RunJobs", "false");
        });
        var client = app.CreateBrowserlessClient();
        Assert.True((await client.GetAsync("/account/login")).IsSuccessStatusCode);

        var scopes = Enumerable.Range(0, Burst).Select(_ => app.Services.CreateAsyncScope()).ToList();
        foreach (var scope in scopes)
        {
            await scope.ServiceProvider.GetRequiredService<StudioDb>().Database.OpenConnectionAsync();
        }
        Assert.True(await RequestConnectionsAsync(database) >= Burst);
        foreach (var scope in scopes)
        {
            await scope.DisposeAsync();
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        var open = await RequestConnectionsAsync(database);
        while (open > StudioDataExtensions.KeptConnections && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            open = await RequestConnectionsAsync(database);
        }
        Assert.Equal(StudioDataExtensions.KeptConnections, open);
        // Several pruning rounds later the kept ones are still there.
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Equal(StudioDataExtensions.KeptConnections, await RequestConnectionsAsync(database));
    }

    [Fact]
    public void A_connection_string_that_names_its_pool_or_sets_its_minimum_keeps_them()
    {
        var own = new NpgsqlConnectionStringBuilder(
            StudioDataExtensions.PoolOf("Host=db;Application Name=ops-console;Minimum Pool Size=1", StudioDataExtensions.RequestsApplicationName));
        Assert.Equal("ops-console", own.ApplicationName);
        Assert.Equal(1, own.MinPoolSize);

        var small = new NpgsqlConnectionStringBuilder(StudioDataExtensions.PoolOf("Host=db;Maximum Pool Size=2", "videostudio-jobs", kept: 10));
        Assert.Equal("videostudio-jobs", small.ApplicationName);
        Assert.Equal(2, small.MinPoolSize);
    }

    private static async Task<int> RequestConnectionsAsync(TestDatabase database)
    {
        await using var admin = new NpgsqlConnection(TestDatabase.Server);
        await admin.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = @db AND application_name = @name", admin);
        count.Parameters.AddWithValue("db", database.Name);
        count.Parameters.AddWithValue("name", StudioDataExtensions.RequestsApplicationName);
        return Convert.ToInt32(await count.ExecuteScalarAsync());
    }
}

/// <summary>
/// Tests that count a pool's connections run with no other test at the same time: a test dropping its database clears every
/// connection pool of the process.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConnectionPoolCollection
{
    public const string Name = "connection pools";
}
