using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace VideoStudio.Core;

/// <summary>
/// What this process does: one binary runs as web, worker or both, and exactly one process migrates (README, "Running at
/// scale"). Read once from the Studio section and shared by every part of start-up that depends on it.
/// </summary>
public sealed class StudioRoles
{
    public bool ServePages { get; init; } = true;
    public bool RunJobs { get; init; } = true;
    public bool Migrate { get; init; } = true;
    public int SchemaWaitSeconds { get; init; } = 120;

    public static StudioRoles Of(IHostApplicationBuilder builder)
    {
        if (builder.Properties.TryGetValue(typeof(StudioRoles), out var known))
        {
            return (StudioRoles)known;
        }
        var roles = builder.Configuration.GetSection("Studio").Get<StudioRoles>() ?? new StudioRoles();
        builder.Properties[typeof(StudioRoles)] = roles;
        builder.Services.AddSingleton(roles);
        return roles;
    }
}
