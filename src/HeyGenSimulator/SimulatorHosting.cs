using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace VideoStudio.HeyGenSimulator;

/// <summary>
/// The simulator inside the app itself when HeyGen:Simulator:Enabled is true (./run.sh), so the demo needs no second
/// process: HeyGen:BaseUrl then points at {app}/heygen-sim. Off by default. Inside the app it answers only API keys that
/// start with its own HeyGen:Simulator:ApiKey: otherwise anyone could make the app sign and deliver webhooks to itself. In
/// Production it refuses to start unless HeyGen:Simulator:AllowInProduction says so (./run.sh does, for the offline demo).
/// </summary>
public static class SimulatorHosting
{
    public const string Section = "HeyGen:Simulator";
    public const string DefaultPrefix = "/heygen-sim";

    public static WebApplicationBuilder AddHeyGenSimulator(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(Section);
        if (!section.GetValue("Enabled", false))
        {
            return builder;
        }
        if (builder.Environment.IsProduction() && !section.GetValue("AllowInProduction", false))
        {
            throw new InvalidOperationException(
                $"{Section}:Enabled is true in Production: the simulator stands in for HeyGen and is meant for demos and tests. " +
                $"Set {Section}:Enabled=false and point HeyGen:BaseUrl at HeyGen, or set {Section}:AllowInProduction=true for an offline demo.");
        }
        if (string.IsNullOrEmpty(section["ApiKey"]))
        {
            throw new InvalidOperationException(
                $"{Section}:ApiKey is not set: the simulator inside the app answers only API keys that start with it (./run.sh sets one).");
        }
        builder.Services.AddHeyGenSimulator(section.Get<SimulatorOptions>() ?? new SimulatorOptions());
        return builder;
    }

    public static WebApplication MapHeyGenSimulator(this WebApplication app)
    {
        if (app.Services.GetService<SimulatedHeyGen>() is null)
        {
            return app;
        }
        var ownKey = Encoding.UTF8.GetBytes(app.Configuration[$"{Section}:ApiKey"]!);
        app.MapHeyGenSimulator(app.Configuration[$"{Section}:Prefix"] ?? DefaultPrefix).AllowAnonymous()
            .AddEndpointFilter(async (context, next) =>
                IsFile(context.HttpContext.Request) || StartsWithOwnKey(context.HttpContext.Request, ownKey)
                    ? await next(context)
                    : Results.Text("Unauthorized: not this simulator's API key.", statusCode: StatusCodes.Status401Unauthorized));
        return app;
    }

    // Rendered videos and avatar previews are fetched by URL like HeyGen's signed file links, without the API key.
    private static bool IsFile(HttpRequest request) => HttpMethods.IsGet(request.Method) && request.Path.Value?.Contains("/files/") == true;

    private static bool StartsWithOwnKey(HttpRequest request, byte[] ownKey)
    {
        var key = Encoding.UTF8.GetBytes(request.Headers["X-Api-Key"].FirstOrDefault() ?? "");
        return key.Length >= ownKey.Length && CryptographicOperations.FixedTimeEquals(key.AsSpan(0, ownKey.Length), ownKey);
    }
}
