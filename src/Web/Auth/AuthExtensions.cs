using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using VideoStudio.Core.Data;

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
            o.AccessDeniedPath = "/account/login";
            o.Cookie.Name = "videostudio.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = SessionCheck.ValidateAsync;
        });
        builder.Services.Configure<SignInLimitOptions>(builder.Configuration.GetSection("Studio:SignIn"));
        builder.Services.AddSingleton<SignInLimiter>();

        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(SiteAdminPolicy, p => p.RequireClaim(SiteAdminClaim, "true"));

        builder.Services.AddAntiforgery(o => o.HeaderName = "RequestVerificationToken");
        return builder;
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
