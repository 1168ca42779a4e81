using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace VideoStudio.Web.Security;

/// <summary>
/// Behind a TLS-terminating proxy: the client's scheme and address are taken from X-Forwarded-Proto/-For only when the
/// connection comes from a configured proxy (nobody's headers are trusted by default, loopback included), so cookies get
/// Secure and responses HSTS exactly when the browser is on HTTPS. The Host header is never trusted for building
/// absolute URLs: those come from <see cref="PublicUrlKey"/>.
/// </summary>
public static class ReverseProxy
{
    public const string PublicUrlKey = "Studio:PublicUrl";
    public const string Section = "Studio:Proxy";

    public static WebApplicationBuilder AddReverseProxySupport(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(Section);
        var proxies = List(section.GetSection("KnownProxies")).Select(IPAddress.Parse).ToList();
        var networks = List(section.GetSection("KnownNetworks")).Select(System.Net.IPNetwork.Parse).ToList();
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            proxies.ForEach(o.KnownProxies.Add);
            networks.ForEach(o.KnownIPNetworks.Add);
        });
        builder.Services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = section.GetValue("HstsIncludeSubDomains", false);
        });
        if (builder.Configuration[PublicUrlKey] is { Length: > 0 } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            throw new InvalidOperationException($"{PublicUrlKey} must be an absolute URL such as https://studio.example.com; it is '{url}'.");
        }
        return builder;
    }

    /// <summary>
    /// Forwarded headers first, so everything after sees the client's scheme; with no proxy configured the middleware is
    /// left out, because with empty lists it would trust every sender.
    /// </summary>
    public static IApplicationBuilder UseReverseProxySupport(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ForwardedHeadersOptions>>().Value;
        if (options.KnownProxies.Count > 0 || options.KnownIPNetworks.Count > 0)
        {
            app.UseForwardedHeaders();
        }
        // HSTS only goes out on HTTPS responses (and never for localhost), so plain-HTTP development is untouched.
        return app.UseHsts();
    }

    /// <summary>
    /// An absolute URL for a path of this app: from the configured public URL when there is one, otherwise the path alone
    /// (a relative Location is resolved by the browser against the address it really used). Never from the Host header.
    /// </summary>
    public static string PublicUrlFor(this HttpContext http, string pathAndQuery)
    {
        var publicUrl = http.RequestServices.GetRequiredService<IConfiguration>()[PublicUrlKey];
        return string.IsNullOrEmpty(publicUrl) ? pathAndQuery : publicUrl.TrimEnd('/') + pathAndQuery;
    }

    // A list in configuration is either children (Studio__Proxy__KnownProxies__0=…) or one value separated by ; or ,.
    private static IEnumerable<string> List(IConfigurationSection section) =>
        (section.Value is { } single ? single.Split([';', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : section.GetChildren().Select(c => c.Value ?? ""))
        .Where(v => v.Length > 0);
}
