using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace VideoStudio.Core.Data;

public static class StudioDataExtensions
{
    public const string ConnectionName = "Studio";

    public static string StudioConnectionString(this IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionName)
        ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionName} is not set. ./run.sh sets it; see README.md.");

    /// <summary>How the request pool's connections show in pg_stat_activity.</summary>
    public const string RequestsApplicationName = "videostudio-requests";

    /// <summary>
    /// How many connections the request pool keeps through a quiet spell. Every five minutes Npgsql closes the connections
    /// a pool left idle through most of that time (Connection Idle Lifetime), down to Minimum Pool Size, 0 unless set: on a
    /// quiet server the next requests and job pickups then ran on new backends, with cold caches and their statements not
    /// yet prepared (bench/jobs, one click every 2 s: PostgreSQL's log showed 15 connections of the two processes closed
    /// together five minutes in and 8 new ones opened within seconds). A few idle backends are what keeping them costs
    /// PostgreSQL; a pool still grows past this under load and gives the surplus back.
    /// </summary>
    public const int KeptConnections = 4;

    /// <summary>
    /// A pool's connection string keeping <paramref name="kept"/> connections, under a name of its own, unless the
    /// connection string sets either itself.
    /// </summary>
    public static string PoolOf(string connectionString, string applicationName, int kept = KeptConnections)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MinPoolSize == 0)
        {
            builder.MinPoolSize = Math.Min(kept, builder.MaxPoolSize);
        }
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = applicationName;
        }
        return builder.ConnectionString;
    }

    public static void UseStudioDatabase(this DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(Tuned(connectionString), o => o.MigrationsAssembly("VideoStudio.Migrations"))
            .UseSnakeCaseNamingConvention();

    /// <summary>
    /// Tunes the connections EF Core uses for the per-request queries (measured with bench/run.sh: PostgreSQL's CPU per
    /// content page fell from about 1.2 ms to 0.4 ms). Npgsql prepares the statements a connection keeps sending, and the
    /// prepared statements use one generic plan, so PostgreSQL neither parses nor plans the card and page queries again
    /// on every request; the frequent ones are lookups by key, for which the generic plan is the custom one. (Connections
    /// are still reset when reused: that is what releases a generation lock whose unlock failed.) An auto-prepare limit
    /// or options the connection string sets itself are kept.
    /// </summary>
    private static string Tuned(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
        }
        if (string.IsNullOrEmpty(builder.Options))
        {
            builder.Options = "-c plan_cache_mode=force_generic_plan";
        }
        return builder.ConnectionString;
    }

    public static WebApplicationBuilder AddStudioData(this WebApplicationBuilder builder)
    {
        var connectionString = PoolOf(builder.Configuration.StudioConnectionString(), RequestsApplicationName);
        builder.Services.AddDbContextPool<StudioDb>(o => o.UseStudioDatabase(connectionString));
        builder.Services.AddDataProtection()
            .SetApplicationName("VideoStudio")
            .PersistKeysToDbContext<StudioDb>()
            .ProtectKeysWithStudioCertificate(builder.Configuration, builder.Environment);
        return builder;
    }
}
