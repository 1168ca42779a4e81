using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;
using VideoStudio.Web.Media;
using VideoStudio.Web.Pages.Content;

namespace VideoStudio.Web.Api;

public sealed class ApiOptions
{
    /// <summary>Requests one token may make per minute; past it the API answers 429 with Retry-After.</summary>
    public int RequestsPerMinute { get; set; } = 300;

    /// <summary>
    /// Refused tokens (unknown, revoked, malformed) one client address may send per minute; past it every bearer request from
    /// that address answers 429 with Retry-After until the minute is over, so tokens cannot be guessed at speed.
    /// </summary>
    public int InvalidTokensPerMinute { get; set; } = 20;
}

/// <summary>
/// The JSON API at /api/v1: bearer tokens (ApiTokenHandler), a read and a write policy, a rate limit per token, problem
/// details for every refusal, and the OpenAPI document the framework generates from these endpoints
/// (/api/v1/openapi.json; the readable reference is /api/reference).
/// </summary>
public static class ApiFeature
{
    public const string ReadPolicy = "ApiRead";
    public const string WritePolicy = "ApiWrite";
    public const string RateLimit = "api";
    public const string Prefix = "/api/v1";
    public const string DocumentName = "v1";
    public const string DocumentUrl = Prefix + "/openapi.json";

    public static WebApplicationBuilder AddStudioApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<ApiOptions>(builder.Configuration.GetSection("Studio:Api"));
        services.AddSingleton<FileLinks>();
        services.AddSingleton<InvalidTokenLimiter>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(ApiTokens.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ReadPolicy, p => p.AddAuthenticationSchemes(ApiTokens.Scheme).RequireAuthenticatedUser().RequireClaim(ApiTokens.TokenClaim))
            .AddPolicy(WritePolicy, p => p.AddAuthenticationSchemes(ApiTokens.Scheme).RequireClaim(ApiTokens.ScopeClaim, "write"));

        var perMinute = builder.Configuration.GetSection("Studio:Api").Get<ApiOptions>()?.RequestsPerMinute ?? new ApiOptions().RequestsPerMinute;
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(RateLimit, http => RateLimitPartition.GetFixedWindowLimiter(
                http.User.FindFirst(ApiTokens.TokenClaim)?.Value ?? "",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            o.OnRejected = async (context, ct) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                await ApiProblems.Write(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests",
                    $"This token may make {perMinute} requests a minute. Wait {Math.Ceiling(wait.TotalSeconds):0} s (Retry-After), then go on.");
            };
        });

        services.AddOpenApi(DocumentName, o =>
        {
            o.ShouldInclude = description => description.RelativePath?.StartsWith(Prefix[1..] + "/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "VideoStudio API",
                    Version = "v1",
                    Description = "Content items, their two video slots, AI generation and resumable uploads. Authenticate with \"Authorization: Bearer <token>\" (Settings › API tokens). Errors are RFC 9457 problem details.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
                {
                    ["bearer"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An API token (vs_…) of one business." },
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] }];
                return Task.CompletedTask;
            });
        });
        return builder;
    }

    /// <summary>After authorization, so the limit counts per token.</summary>
    public static WebApplication UseStudioApi(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }

    public static WebApplication MapStudioApi(this WebApplication app)
    {
        app.MapOpenApi(DocumentUrl).AllowAnonymous();
        var api = app.MapGroup(Prefix)
            .RequireAuthorization(ReadPolicy)
            .RequireRateLimiting(RateLimit)
            .AddEndpointFilter(UnexpectedAsProblem)
            .WithTags("Content");
        api.MapContentApi();
        ResumableUploads.MapTus(app, Prefix, write => write.RequireAuthorization(WritePolicy))
            .RequireAuthorization(ReadPolicy)
            .RequireRateLimiting(RateLimit)
            .WithTags("Uploads (tus 1.0)");
        // An address under /api that names nothing is a problem too, not the sign-in page.
        app.MapFallback(Prefix + "/{**rest}", () => ApiProblems.Problem(StatusCodes.Status404NotFound, "Not found",
            "No API endpoint has this address; the reference at /api/reference lists them all.")).AllowAnonymous();
        return app;
    }

    private static async ValueTask<object?> UnexpectedAsProblem(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiFeature))
                .LogError(e, "API request {Method} {Path} failed", context.HttpContext.Request.Method, context.HttpContext.Request.Path);
            return ApiProblems.Problem(StatusCodes.Status500InternalServerError, "Something went wrong on our side",
                "Nothing you sent caused this. Try again in a moment; if it keeps happening, tell your administrator the time it happened.");
        }
    }
}
