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
            })
            .AddEntityFrameworkStores<StudioDb>()
            .AddClaimsPrincipalFactory<StudioClaimsFactory>()
            .AddDefaultTokenProviders();

        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/status/403";
            o.Cookie.Name = "videostudio.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            // Secure whenever the browser is on HTTPS, which behind a proxy the forwarded headers tell (ReverseProxy).
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = SessionCheck.ValidateAsync;
            o.Events.OnSigningIn = UserSessions.OnSigningInAsync;
            o.Events.OnRedirectToLogin = context => RedirectAsync(context, StatusCodes.Status401Unauthorized, LoginAfterHtmx(context.Request));
            o.Events.OnRedirectToAccessDenied = context => RedirectAsync(context, StatusCodes.Status403Forbidden, "/status/403");
        });
        builder.Services.Configure<SignInLimitOptions>(builder.Configuration.GetSection("Studio:SignIn"));
        builder.Services.AddSingleton<SignInLimiter>();

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

    /// <summary>
    /// An htmx request cannot follow a redirect to a page (the sign-in page would land inside a card), so it is told to
    /// load that page in place of the whole page (HX-Redirect); a page request is redirected as usual.
    /// </summary>
    private static Task RedirectAsync(RedirectContext<CookieAuthenticationOptions> context, int htmxStatus, string htmxTarget)
    {
        if (context.Request.Headers.ContainsKey("HX-Request"))
        {
            context.Response.StatusCode = htmxStatus;
            context.Response.Headers["HX-Redirect"] = htmxTarget;
        }
        else
        {
            // The framework builds RedirectUri from the request's Host header, which anyone can spoof.
            context.Response.Redirect(context.HttpContext.PublicUrlFor(new Uri(context.RedirectUri).PathAndQuery));
        }
        return Task.CompletedTask;
    }

    /// <summary>Sign-in that comes back to the page the editor was on, not to the fragment htmx asked for.</summary>
    private static string LoginAfterHtmx(HttpRequest request)
    {
        var page = Uri.TryCreate(request.Headers["HX-Current-URL"].ToString(), UriKind.Absolute, out var current) ? current.PathAndQuery : "/content";
        return "/account/login?returnUrl=" + Uri.EscapeDataString(page);
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
