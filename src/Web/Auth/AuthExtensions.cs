using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using VideoStudio.Core.Data;
using VideoStudio.Web.Security;

namespace VideoStudio.Web.Auth;

public static class AuthExtensions
{
    public const string SiteAdminPolicy = "SiteAdmin";
    public const string SiteAdminClaim = "site_admin";

    public static WebApplicationBuilder AddStudioAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddIdentity<StudioUser, IdentityRole>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 8;
                o.Lockout.MaxFailedAccessAttempts = 10;
            })
            .AddEntityFrameworkStores<StudioDb>()
            .AddClaimsPrincipalFactory<StudioClaimsFactory>()
            .AddDefaultTokenProviders();

        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/login";
            o.Cookie.Name = "videostudio.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            // Secure whenever the browser is on HTTPS, which behind a proxy the forwarded headers tell (ReverseProxy).
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.SlidingExpiration = true;
            // The framework builds these redirects from the request's Host header, which anyone can spoof.
            o.Events.OnRedirectToLogin = context => RedirectWithoutHostAsync(context);
            o.Events.OnRedirectToAccessDenied = context => RedirectWithoutHostAsync(context);
        });

        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(SiteAdminPolicy, p => p.RequireClaim(SiteAdminClaim, "true"));

        builder.Services.AddAntiforgery(o =>
        {
            o.HeaderName = "RequestVerificationToken";
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return builder;
    }

    private static Task RedirectWithoutHostAsync(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.HttpContext.PublicUrlFor(new Uri(context.RedirectUri).PathAndQuery));
        return Task.CompletedTask;
    }

    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The request is not signed in.");
}

public sealed class StudioClaimsFactory(
    UserManager<StudioUser> users,
    RoleManager<IdentityRole> roles,
    Microsoft.Extensions.Options.IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<StudioUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(StudioUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim("display_name", user.DisplayName));
        if (user.IsSiteAdmin)
        {
            identity.AddClaim(new Claim(AuthExtensions.SiteAdminClaim, "true"));
        }
        return identity;
    }
}
