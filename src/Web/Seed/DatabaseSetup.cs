using Microsoft.EntityFrameworkCore;
using Npgsql;
using VideoStudio.Core.Data;

namespace VideoStudio.Web.Seed;

public static class DatabaseSetup
{
    // Any fixed number works; it only has to be the same in every process of the app.
    private const long MigrationLockKey = 0x5649_4445_4f53;

    /// <summary>
    /// Applies migrations (when Studio:Migrate is on) and seeds demo data (when Studio:SeedDemo is on).
    /// An advisory lock serialises hosts that start together on a fresh database.
    /// </summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        var config = app.Configuration;
        if (!config.GetValue("Studio:Migrate", true) && !config.GetValue("Studio:SeedDemo", false))
        {
            return;
        }

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudioDb>();

        await using var lockConnection = new NpgsqlConnection(config.StudioConnectionString());
        await lockConnection.OpenAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({MigrationLockKey})", lockConnection))
        {
            await take.ExecuteNonQueryAsync();
        }

        if (config.GetValue("Studio:Migrate", true))
        {
            await db.Database.MigrateAsync();
        }
        if (config.GetValue("Studio:SeedDemo", false))
        {
            await DemoData.SeedAsync(scope.ServiceProvider);
            app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine(DemoData.Banner(app.Urls)));
        }
    }
}
