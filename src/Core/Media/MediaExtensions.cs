using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace VideoStudio.Core.Media;

public static class MediaExtensions
{
    public const string Local = "Local";
    public const string AzureBlob = "AzureBlob";

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
        builder.Services.Configure<BlobOptions>(builder.Configuration.GetSection(BlobOptions.Section));
        var provider = builder.Configuration["Studio:Media:Provider"];
        if (string.Equals(provider, AzureBlob, StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddSingleton<MediaStore, BlobMediaStore>();
        }
        else if (string.IsNullOrWhiteSpace(provider) || string.Equals(provider, Local, StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddSingleton<MediaStore, LocalMediaStore>();
        }
        else
        {
            throw new InvalidOperationException($"Studio:Media:Provider is \"{provider}\"; it can be {Local} (the default) or {AzureBlob}.");
        }
        builder.Services.Configure<ProbeOptions>(builder.Configuration.GetSection("Studio:Media"));
        builder.Services.AddSingleton<VideoProbe>();
        builder.Services.AddHostedService<VideoProbe.StartupCheck>();
        return builder;
    }
}
