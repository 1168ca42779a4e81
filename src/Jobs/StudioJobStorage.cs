using System.Diagnostics;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage;
using Microsoft.Extensions.Logging;

namespace VideoStudio.Jobs;

/// <summary>
/// Hangfire.PostgreSql's storage, except that a job's state lock is retried every <see cref="RetryEvery"/> instead of after a
/// sleep of up to a second. Hangfire releases that lock only after the commit that enqueued the job, and the commit's NOTIFY
/// wakes a worker at once, so the woken worker can find the lock still held for the last millisecond or two; Hangfire.PostgreSql
/// then sleeps a whole second before looking again (bench/jobs: two of 120 scheduled steps in one run started 1,017 and 1,018 ms
/// after they were enqueued). The lock stays the same table row every process takes, so processes with and without this class
/// agree.
/// </summary>
public sealed class StudioJobStorage(IConnectionFactory connections, PostgreSqlStorageOptions options, ILogger<StudioJobStorage> logger)
    : PostgreSqlStorage(connections, options)
{
    /// <summary>
    /// A state lock is held for a few round trips, so a held one is free again within milliseconds; each retry costs two short
    /// transactions, and only while a lock is contended.
    /// </summary>
    public static readonly TimeSpan RetryEvery = TimeSpan.FromMilliseconds(20);

    // PostgreSqlStorage's lazy initialisation only matters with EnableResilientStartup, which this app leaves off: the
    // constructor has installed the schema (or thrown) before any connection is asked for.
    public override IStorageConnection GetConnection() => new Connection(this, logger);

    private sealed class Connection(PostgreSqlStorage storage, ILogger logger) : PostgreSqlConnection(storage)
    {
        public override IDisposable AcquireDistributedLock(string resource, TimeSpan timeout)
        {
            if (!IsJobStateLock(resource) || timeout <= RetryEvery)
            {
                return base.AcquireDistributedLock(resource, timeout);
            }
            var waited = Stopwatch.StartNew();
            var held = false;
            while (true)
            {
                try
                {
                    // With no time to wait, Hangfire.PostgreSql tries once and does not sleep.
                    var taken = base.AcquireDistributedLock(resource, TimeSpan.Zero);
                    if (held)
                    {
                        logger.LogDebug("{Resource} was held; taken after {Waited} ms", resource, waited.ElapsedMilliseconds);
                    }
                    return taken;
                }
                catch (PostgreSqlDistributedLockException) when (waited.Elapsed + RetryEvery < timeout)
                {
                    held = true;
                }
                Thread.Sleep(RetryEvery);
            }
        }

        private static bool IsJobStateLock(string resource) =>
            resource.StartsWith("job:", StringComparison.Ordinal) && resource.EndsWith(":state-lock", StringComparison.Ordinal);
    }
}
