using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace VideoStudio.Jobs;

/// <summary>Healthy when Hangfire's storage answers; a web process that can enqueue nothing is no use to a load balancer.</summary>
public sealed class JobStorageHealthCheck(JobStorage storage) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            var servers = storage.GetMonitoringApi().Servers().Count;
            return Task.FromResult(HealthCheckResult.Healthy($"Hangfire storage answers; {servers} job servers registered."));
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Hangfire storage does not answer: " + e.GetType().Name));
        }
    }
}
