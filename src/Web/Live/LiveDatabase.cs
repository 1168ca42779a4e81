using Microsoft.EntityFrameworkCore;
using Npgsql;
using VideoStudio.Core.Data;

namespace VideoStudio.Web.Live;

/// <summary>
/// The live streams' own few connections, apart from the requests' pool. A change is read once per process for every stream
/// that shows it, so that read's wait is every viewer's. Npgsql hands out the idle connection that has waited longest: after
/// a burst of requests (a hundred pages reconnecting at once) the shared pool holds a hundred connections and each read lands
/// on one that has seldom run it, a PostgreSQL backend with cold caches and the statement not yet prepared (bench/live, 100
/// clients: the card read took 6–10 ms, against about 2 ms with one client). Kept apart, these reads stay on the same warm
/// connections, and a burst that takes every request connection does not hold the cards back.
/// </summary>
public sealed class LiveDatabase
{
    /// <summary>How these connections show in pg_stat_activity.</summary>
    public const string ApplicationName = "videostudio-live-reads";

    private readonly DbContextOptions<StudioDb> _options;

    public LiveDatabase(IConfiguration configuration)
    {
        var connection = new NpgsqlConnectionStringBuilder(configuration.StudioConnectionString())
        {
            ApplicationName = ApplicationName,
            // One stays open between changes, so the first change after a quiet spell is not read on a new backend; reads
            // are shared by every stream, so a few at once are all the concurrent changes need.
            MinPoolSize = 1,
            MaxPoolSize = 4,
        };
        var options = new DbContextOptionsBuilder<StudioDb>();
        options.UseStudioDatabase(connection.ConnectionString);
        _options = options.Options;
    }

    /// <summary>A context for one read; the caller disposes it.</summary>
    public StudioDb Open() => new(_options);
}
