using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace VideoStudio.HeyGenSimulator;

/// <summary>
/// The simulator inside the app itself when HeyGen:Simulator:Enabled is true (./run.sh), so the demo needs no second
/// process: HeyGen:BaseUrl then points at {app}/heygen-sim. Off by default.
/// </summary>
public static class SimulatorHosting
{
    public const string Section = "HeyGen:Simulator";
    public const string DefaultPrefix = "/heygen-sim";

    public static WebApplicationBuilder AddHeyGenSimulator(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(Section);
        if (section.GetValue("Enabled", false))
        {
            builder.Services.AddHeyGenSimulator(section.Get<SimulatorOptions>() ?? new SimulatorOptions());
        }
        return builder;
    }

    public static WebApplication MapHeyGenSimulator(this WebApplication app)
    {
        if (app.Services.GetService<SimulatedHeyGen>() is not null)
        {
            app.MapHeyGenSimulator(app.Configuration[$"{Section}:Prefix"] ?? DefaultPrefix).AllowAnonymous();
        }
        return app;
    }
}
