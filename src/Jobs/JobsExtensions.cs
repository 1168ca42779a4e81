using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using VideoStudio.Core.Data;
using VideoStudio.Jobs.Generation;
using VideoStudio.Jobs.HeyGen;

namespace VideoStudio.Jobs;

public static class JobsExtensions
{
    /// <summary>
    /// HeyGen client and Hangfire on PostgreSQL. Every process can enqueue; the server that runs jobs starts only when
    /// Studio:RunJobs is true (the default), so web-only and worker-only processes are a configuration switch.
    /// </summary>
    public static WebApplicationBuilder AddStudioJobs(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<HeyGenOptions>(builder.Configuration.GetSection(HeyGenOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<HeyGenSecrets>();
        services.AddHttpClient<HeyGenClient>((sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<HeyGenOptions>>().Value;
            http.BaseAddress = new Uri(options.BaseUrl.TrimEnd('/') + "/");
            http.Timeout = options.RequestTimeout;
        });
        services.AddScoped<GenerateVideoJob>();
        services.AddScoped<GenerationSweeper>();

        var connectionString = builder.Configuration.StudioConnectionString();
        services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connectionString), new PostgreSqlStorageOptions
            {
                // NOTIFY is sent by the enqueuing process, so every process sets it, not only the workers.
                EnableLongPolling = true,
                QueuePollInterval = TimeSpan.FromSeconds(5),
                // A job of a killed worker becomes visible again within a minute instead of Hangfire's 30.
                UseSlidingInvisibilityTimeout = true,
                InvisibilityTimeout = TimeSpan.FromMinutes(1),
                // Like EF migrations: only the process that migrates installs Hangfire's schema (concurrent installs race).
                PrepareSchemaIfNecessary = builder.Configuration.GetValue("Studio:Migrate", true),
            }));

        services.AddHealthChecks().AddCheck<JobStorageHealthCheck>("job storage");

        if (builder.Configuration.GetValue("Studio:RunJobs", true))
        {
            services.AddHangfireServer(o => o.WorkerCount = Math.Max(2, Environment.ProcessorCount * 2));
            services.AddHostedService<RecurringJobsSetup>();
        }
        return builder;
    }

    private sealed class RecurringJobsSetup(IRecurringJobManager recurring) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            recurring.AddOrUpdate<GenerationSweeper>(GenerationSweeper.RecurringJobId, s => s.RunAsync(CancellationToken.None), Cron.Minutely());
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
