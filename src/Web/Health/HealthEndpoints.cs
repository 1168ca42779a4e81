using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using VideoStudio.Core.Data;
using VideoStudio.Core.Media;
using VideoStudio.Web.Auth;

namespace VideoStudio.Web.Health;

public static class HealthEndpoints
{
    public const string Path = "/healthz";

    /// <summary>Health checks for load balancers, and one structured log line per request.</summary>
    public static WebApplicationBuilder AddStudioHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database").AddCheck<MediaHealthCheck>("media");
        builder.Services.AddHttpLogging(o =>
        {
            // Method, path, status and duration only: query strings and headers may carry tokens.
            o.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
            o.CombineLogs = true;
        });
        return builder;
    }

    /// <summary>Anonymous callers get the status word and code only; site admins also see each check.</summary>
    public static IEndpointRouteBuilder MapStudioHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks(Path, new HealthCheckOptions
        {
            ResponseWriter = async (http, report) =>
            {
                http.Response.Headers.CacheControl = "no-store";
                if (!http.User.HasClaim(AuthExtensions.SiteAdminClaim, "true"))
                {
                    http.Response.ContentType = "text/plain";
                    await http.Response.WriteAsync(report.Status.ToString());
                    return;
                }
                http.Response.ContentType = "application/json";
                await JsonSerializer.SerializeAsync(http.Response.Body, new
                {
                    status = report.Status.ToString(),
                    checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description, ms = e.Value.Duration.TotalMilliseconds }),
                });
            },
        }).AllowAnonymous().WithMetadata(new HttpMethodMetadata(["GET", "HEAD"]));
        return app;
    }

    /// <summary>The media store (local folder or object storage) says whether it answers; its text names which one it is.</summary>
    private sealed class MediaHealthCheck(MediaStore store) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            var (healthy, description) = await store.CheckAsync(ct);
            return healthy ? HealthCheckResult.Healthy(description) : HealthCheckResult.Unhealthy(description);
        }
    }

    private sealed class DatabaseHealthCheck(StudioDb db) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            try
            {
                return await db.Database.CanConnectAsync(ct)
                    ? HealthCheckResult.Healthy("PostgreSQL answers.")
                    : HealthCheckResult.Unhealthy("PostgreSQL does not answer.");
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("PostgreSQL does not answer: " + e.GetType().Name);
            }
        }
    }
}
