using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Jobs.Api;
using VideoStudio.Jobs.Generation;
using VideoStudio.Jobs.HeyGen;
using VideoStudio.Jobs.History;
using VideoStudio.Jobs.Media;
using VideoStudio.Jobs.Uploads;
using VideoStudio.Jobs.Webhooks;

namespace VideoStudio.Jobs;

public static class JobsExtensions
{
    /// <summary>How Hangfire's connections show in pg_stat_activity.</summary>
    public const string JobsApplicationName = "videostudio-jobs";

    /// <summary>
    /// HeyGen client and Hangfire on PostgreSQL. Every process can enqueue; the server that runs jobs starts only when
    /// Studio:RunJobs is true (the default), so web-only and worker-only processes are a configuration switch.
    /// </summary>
    public static WebApplicationBuilder AddStudioJobs(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var roles = StudioRoles.Of(builder);
        services.Configure<HeyGenOptions>(builder.Configuration.GetSection(HeyGenOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<HeyGenSecrets>();
        services.AddHttpClient<HeyGenClient>((sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<HeyGenOptions>>().Value;
            http.BaseAddress = new Uri(options.BaseUrl.TrimEnd('/') + "/");
            // Each API call has its own deadline (ReadTimeout, WriteTimeout); this only caps a download's headers.
            http.Timeout = TimeSpan.FromMinutes(10);
        });
        services.AddScoped<GenerateVideoJob>();
        services.AddScoped<GenerationSweeper>();
        services.AddScoped<HeyGenDelivery>();
        services.AddScoped<HeyGenReconciler>();
        services.AddScoped<VersionRetention>();
        services.AddScoped<UploadSweeper>();
        services.AddScoped<IdempotencyKeyExpiry>();
        services.AddScoped<OrphanSweep>();
        services.Configure<WebhookOptions>(builder.Configuration.GetSection(WebhookOptions.Section));
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookSender>();
        services.AddScoped<WebhookFanOut>();
        services.AddScoped<WebhookDeliveryJob>();

        var workers = Math.Max(2, Environment.ProcessorCount * 2);
        // Each waiting worker holds a connection of its own (LISTEN), and a pickup, the schedulers and the heartbeat use
        // about six more at once: bench/jobs' worker with 4 workers held 10 or 11, and when Npgsql pruned its pool to 4 it
        // opened 4 new ones within a second, on which the next pickups ran cold (see StudioDataExtensions.KeptConnections).
        var connectionString = StudioDataExtensions.PoolOf(builder.Configuration.StudioConnectionString(), JobsApplicationName,
            roles.RunJobs ? workers + 6 : StudioDataExtensions.KeptConnections);
        var storageOptions = new PostgreSqlStorageOptions
            {
                // NOTIFY is sent by the enqueuing process, so every process sets it, not only the workers.
                EnableLongPolling = true,
                QueuePollInterval = TimeSpan.FromSeconds(5),
                // A job of a killed worker is offered again 15 s after its last keep-alive instead of Hangfire's 30 min: a
                // kill -9 during a generation step (bench/chaos) then costs seconds, not the step's whole chain. Running
                // jobs are kept alive every 3 s, so only a dead worker's job times out; a rare early repeat is harmless,
                // as every job step is re-entrant under its generation's lock.
                UseSlidingInvisibilityTimeout = true,
                InvisibilityTimeout = TimeSpan.FromSeconds(15),
                // A worker killed while changing a job's state leaves that job's lock row behind; it is taken as dead after
                // this long (Hangfire's default is 10 min, during which the job cannot move). Hangfire's own locks are held
                // for milliseconds to a few seconds.
                DistributedLockTimeout = TimeSpan.FromSeconds(30),
                // Like EF migrations: only the process that migrates installs Hangfire's schema (concurrent installs race).
                PrepareSchemaIfNecessary = roles.Migrate,
            };
        // This host's own storage, registered before AddHangfire, which would otherwise give the host the process-wide
        // JobStorage.Current: with two hosts in one process (the tests start several) a page could enqueue into the other
        // host's database, where no worker of its own ever looks.
        services.AddSingleton<JobStorage>(sp => new StudioJobStorage(
            new NpgsqlConnectionFactory(connectionString, storageOptions), storageOptions, sp.GetRequiredService<ILogger<StudioJobStorage>>()));
        services.AddHangfire((sp, config) => config
            .UseLogProvider(new HostLogProvider(sp.GetRequiredService<ILoggerFactory>()))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseStorage(sp.GetRequiredService<JobStorage>()));

        services.AddHealthChecks().AddCheck<JobStorageHealthCheck>("job storage");

        if (roles.RunJobs)
        {
            services.AddHangfireServer(o =>
            {
                o.WorkerCount = workers;
                // Every wait of a generation (HeyGen's poll interval, backoffs, Retry-After) is a scheduled job, and Hangfire
                // only moves a due one to its queue when its schedule poller looks: every 15 s by default, so a 2 s wait
                // became up to 17 s. The poller is one loop per server process, not per worker (Hangfire's
                // BackgroundJobServer adds one DelayedJobScheduler, and one RecurringJobScheduler on the same interval), so
                // polling each second costs an idle database a few statements a second per worker process whatever its
                // worker count (measured in the README's benchmark section). The enqueue it makes wakes a worker through
                // the queue's NOTIFY at once. A due-time-aware wake-up (LISTEN on new schedules, sleep until the earliest)
                // would be exact but means replacing Hangfire's scheduler; one second is the lateness the product accepts.
                o.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            });
            services.AddHostedService<RecurringJobsSetup>();
            services.AddHostedService<WebhookOutboxService>();
        }
        return builder;
    }

    /// <summary>
    /// Hangfire's configuration is process-wide while each host hands it its own logger factory. When several hosts share
    /// a process (the tests start more than one) and one is disposed, asking its factory for a logger throws, and Hangfire's
    /// static filters would fail to initialise for the whole process. Such a logger is simply silent instead.
    /// </summary>
    private sealed class HostLogProvider(ILoggerFactory factory) : Hangfire.Logging.ILogProvider
    {
        private readonly AspNetCoreLogProvider _inner = new(factory);

        public Hangfire.Logging.ILog GetLogger(string name)
        {
            try
            {
                return _inner.GetLogger(name);
            }
            catch (ObjectDisposedException)
            {
                return new SilentLog();
            }
        }

        private sealed class SilentLog : Hangfire.Logging.ILog
        {
            public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string> messageFunc, Exception exception) => false;
        }
    }

    private sealed class RecurringJobsSetup(IRecurringJobManager recurring) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            recurring.AddOrUpdate<GenerationSweeper>(GenerationSweeper.RecurringJobId, s => s.RunAsync(CancellationToken.None), Cron.Minutely());
            recurring.AddOrUpdate<HeyGenReconciler>(HeyGenReconciler.RecurringJobId, r => r.RunAsync(CancellationToken.None), Cron.Minutely());
            recurring.AddOrUpdate<VersionRetention>(VersionRetention.RecurringJobId, r => r.RunAsync(CancellationToken.None), Cron.Hourly());
            recurring.AddOrUpdate<IdempotencyKeyExpiry>(IdempotencyKeyExpiry.RecurringJobId, e => e.RunAsync(CancellationToken.None), Cron.Hourly());
            recurring.AddOrUpdate<UploadSweeper>(UploadSweeper.RecurringJobId, s => s.RunAsync(CancellationToken.None), "*/15 * * * *");
            // It lists the whole store: once a day, at a quiet hour, is enough for files a day old at the least.
            recurring.AddOrUpdate<OrphanSweep>(OrphanSweep.RecurringJobId, s => s.RunAsync(CancellationToken.None), Cron.Daily(3));
            // What a process killed mid-upload left behind goes at the next start, not a quarter of an hour later.
            recurring.Trigger(UploadSweeper.RecurringJobId);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
