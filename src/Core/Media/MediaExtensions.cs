using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace VideoStudio.Core.Media;

public static class MediaExtensions
{
    public static WebApplicationBuilder AddStudioMedia(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<MediaOptions>(o =>
        {
            var configured = builder.Configuration["Studio:MediaRoot"];
            if (!string.IsNullOrWhiteSpace(configured))
            {
                o.Root = configured;
            }
        });
        builder.Services.Configure<HistoryOptions>(builder.Configuration.GetSection(HistoryOptions.Section));
        builder.Services.AddSingleton<MediaStore>();
        builder.Services.Configure<ProbeOptions>(builder.Configuration.GetSection("Studio:Media"));
        builder.Services.AddSingleton<VideoProbe>();
        builder.Services.AddHostedService<VideoProbe.StartupCheck>();
        return builder;
    }
}
