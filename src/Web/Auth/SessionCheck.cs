using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VideoStudio.Core.Data;

namespace VideoStudio.Web.Auth;

/// <summary>
/// Every request's cookie is checked against the account as it is now: one query for the security stamp and the site admin
/// flag. Sign-out, a password change or reset, and "sign out everywhere" give the account a new stamp, so a copied cookie
/// stops working at its next request; a site admin who is demoted is signed out at theirs. (Identity's own validator does
/// the same check only every 30 minutes, and with a zero interval rebuilds the whole principal, several queries, each time.)
/// </summary>
public static class SessionCheck
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var services = context.HttpContext.RequestServices;
        var stampClaim = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        if (principal is null || !await IsCurrentAsync(services.GetRequiredService<StudioDb>(), principal, stampClaim, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
        }
    }

    /// <summary>Whether the session behind <paramref name="principal"/> still stands; also asked by long-lived streams.</summary>
    public static async Task<bool> IsCurrentAsync(StudioDb db, ClaimsPrincipal principal, string stampClaim, CancellationToken ct)
    {
        var userId = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        var stamp = principal.FindFirstValue(stampClaim);
        if (userId is null || stamp is null)
        {
            return false;
        }
        var current = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.SecurityStamp, u.IsSiteAdmin }).SingleOrDefaultAsync(ct);
        return current is not null && current.SecurityStamp == stamp
            && current.IsSiteAdmin == principal.HasClaim(AuthExtensions.SiteAdminClaim, "true");
    }
}
