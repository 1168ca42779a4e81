using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Web.Pages.Invitations;

namespace VideoStudio.Web.Seed;

public static class DatabaseSetup
{
    // Any fixed number works; it only has to be the same in every process of the app.
    private const long MigrationLockKey = 0x5649_4445_4f53;

    /// <summary>
    /// Applies migrations and seeds demo data (Studio:SeedDemo) in the one process that has Studio:Migrate on; an advisory
    /// lock serialises hosts that start together on a fresh database. Every other process waits until the schema is current,
    /// so it never runs against tables that are not there yet.
    /// </summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        var config = app.Configuration;
        var roles = app.Services.GetRequiredService<StudioRoles>();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudioDb>();
        if (!roles.Migrate)
        {
            await WaitForSchemaAsync(db, app.Logger, roles.SchemaWaitSeconds);
            return;
        }

        // Used once, at start-up: not pooled, so it closes here instead of idling in a pool of its own until Npgsql prunes it
        // five minutes later.
        await using var lockConnection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(config.StudioConnectionString()) { Pooling = false, ApplicationName = "videostudio-migrate" }.ConnectionString);
        await lockConnection.OpenAsync();
        await LockAsync(lockConnection, "pg_advisory_lock");
        try
        {
            // Npgsql's migrator finds out whether the history table exists by querying it, and EF logs the failed query of a
            // fresh database as an error; creating it first (as the migrator would) keeps a healthy first start free of fail: lines.
            await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync();
            await db.Database.MigrateAsync();
            // Hangfire installs its schema when its storage is first built; doing it here keeps it under the same lock.
            app.Services.GetRequiredService<Hangfire.JobStorage>();
            await KeyRing.EncryptKeysStoredInClearAsync(db,
                app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>>().Value,
                app.Logger, CancellationToken.None);
            var demo = config.GetValue("Studio:SeedDemo", false);
            if (demo)
            {
                await DemoData.SeedAsync(scope.ServiceProvider);
            }
            StartBanner.PrintWhenStarted(app, demo, await FirstRun.PrepareAsync(db));
        }
        finally
        {
            // Explicitly, so that a process waiting for the lock goes on at once rather than when this backend has exited.
            await LockAsync(lockConnection, "pg_advisory_unlock");
        }
    }

    private static async Task LockAsync(NpgsqlConnection connection, string function)
    {
        await using var command = new NpgsqlCommand($"SELECT {function}({MigrationLockKey})", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task WaitForSchemaAsync(StudioDb db, ILogger logger, int seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            try
            {
                var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
                if (pending.Count == 0)
                {
                    return;
                }
                logger.LogInformation("Waiting for the migrating process to apply {Count} migrations", pending.Count);
            }
            catch (NpgsqlException e)
            {
                logger.LogInformation("Waiting for PostgreSQL: {Reason}", e.Message);
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException(
                    $"The database schema is not current after {seconds} s. Start one process with Studio:Migrate=true (the default) to apply migrations.");
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }
}
