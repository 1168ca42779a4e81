using Microsoft.Extensions.DependencyInjection.Extensions;
using VideoStudio.Core;

namespace VideoStudio.Web.Live;

public static class LiveExtensions
{
    /// <summary>Live updates: this process's LISTEN connection, the hub that fans its notices out to streams, their reads' own connections, and the partial renderer.</summary>
    public static WebApplicationBuilder AddLive(this WebApplicationBuilder builder)
    {
        // A worker-only process serves no streams, so it holds no LISTEN connection either.
        if (!StudioRoles.Of(builder).ServePages)
        {
            return builder;
        }
        builder.Services.Configure<LiveOptions>(builder.Configuration.GetSection("Live"));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<LiveHub>();
        builder.Services.AddSingleton<PartialRenderer>();
        builder.Services.AddSingleton<LiveDatabase>();
        builder.Services.AddSingleton<ChangeListener>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ChangeListener>());
        return builder;
    }
}
