using VideoStudio.Core.Media;
using VideoStudio.Web.Jobs;

namespace VideoStudio.Web.Security;

/// <summary>
/// The browser-side defences every response carries (pages, errors, fragments, media, static files, SSE, health): a strict
/// Content-Security-Policy, no framing, no MIME sniffing, no cross-site referrers. Set when the response starts, so
/// whatever wrote it, including the exception handler after it cleared the headers, sends them too.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Scripts, styles and everything fetched come from this origin only: no inline script or style, no eval (htmx runs
    /// with allowEval off), no plugins, no base-URL tricks, forms post only here and no other site may frame a page.
    /// The look and voice previews on the settings page are HeyGen's files; videos kept in object storage play from the
    /// store's own address (<see cref="MediaStore.PlaybackOrigin"/>), which only this app's redirects send a player to.
    /// </summary>
    public static string ContentSecurityPolicy(string? mediaOrigin) =>
        $"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' {HeyGenFiles}; media-src 'self' {HeyGenFiles}{(mediaOrigin is null ? "" : " " + mediaOrigin)}; " +
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private const string HeyGenFiles = "https://*.heygen.ai https://*.heygen.com";

    /// <summary>
    /// Hangfire's dashboard (site admins only) colours its state cards with style attributes, its charts add a style
    /// element and its icon is a data: image; it keeps the strict policy for everything else, scripts included.
    /// </summary>
    public const string DashboardContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public const string PermissionsPolicy =
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var pages = ContentSecurityPolicy(app.ApplicationServices.GetRequiredService<MediaStore>().PlaybackOrigin);
        return app.Use((http, next) =>
        {
            // Read now: the dashboard moves its prefix into PathBase before it answers.
            var policy = http.Request.Path.StartsWithSegments(JobsDashboard.Path) ? DashboardContentSecurityPolicy : pages;
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy = policy;
                headers.XFrameOptions = "DENY";
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                headers["Permissions-Policy"] = PermissionsPolicy;
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Cross-Origin-Resource-Policy"] = "same-origin";
                return Task.CompletedTask;
            });
            return next(http);
        });
    }
}
