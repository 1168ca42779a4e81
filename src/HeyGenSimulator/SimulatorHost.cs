using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VideoStudio.HeyGenSimulator;

/// <summary>The simulator on its own Kestrel port on 127.0.0.1, so a client under test talks to it over real HTTP.</summary>
public sealed class SimulatorHost(WebApplication app, SimulatedHeyGen state, string baseUrl) : IAsyncDisposable
{
    public SimulatedHeyGen State { get; } = state;

    /// <summary>What HeyGen:BaseUrl is set to, e.g. http://127.0.0.1:41234.</summary>
    public string BaseUrl { get; } = baseUrl;

    public static async Task<SimulatorHost> StartAsync(SimulatorOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddHeyGenSimulator(options);
        var app = builder.Build();
        app.MapHeyGenSimulator("");
        await app.StartAsync();
        var address = app.Urls.Single();
        return new SimulatorHost(app, app.Services.GetRequiredService<SimulatedHeyGen>(), address);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
