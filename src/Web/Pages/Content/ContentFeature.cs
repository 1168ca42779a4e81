namespace VideoStudio.Web.Pages.Content;

public static class ContentFeature
{
    public static WebApplicationBuilder AddContentFeature(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<UploadOptions>(builder.Configuration.GetSection("Studio:Upload"));
        builder.Services.AddScoped<VideoUpload>();
        builder.Services.AddScoped<GenerationStart>();
        builder.Services.AddScoped<VersionActions>();
        builder.Services.AddScoped<VideoCaptions>();
        builder.Services.AddSingleton<ContentStreams>();
        return builder;
    }
}
