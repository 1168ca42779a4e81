using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;

namespace VideoStudio.Web.Security;

public static class SecurityExtensions
{
    /// <summary>What docs/security.md calls the edge controls: proxy trust, HSTS, security headers, form limits,
    /// requests a page cannot serve.</summary>
    public static WebApplicationBuilder AddStudioSecurity(this WebApplicationBuilder builder)
    {
        builder.AddReverseProxySupport();
        // The antiforgery token writer would add X-Frame-Options: SAMEORIGIN on its own; the headers set DENY.
        builder.Services.Configure<AntiforgeryOptions>(o => o.SuppressXFrameOptionsHeader = true);
        builder.Services.Configure<MvcOptions>(o => o.Filters.Add(new PageRequestFilter()));
        return builder;
    }

    /// <summary>First in the pipeline, so no response escapes it.</summary>
    public static WebApplication UseStudioSecurity(this WebApplication app)
    {
        app.UseReverseProxySupport();
        app.UseSecurityHeaders();
        app.UseFormLimits();
        return app;
    }
}
