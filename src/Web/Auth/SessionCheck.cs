using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VideoStudio.Core.Data;

namespace VideoStudio.Web.Auth;

/// <summary>
/// Every request's cookie is checked against the database as it is now, in one query: its session row is still open (sign-out
/// ends only that row; "sign out everywhere" all of them) and the account's security stamp and site admin flag are those the
/// cookie was issued with (a password change or reset gives the account a new stamp; a demoted site admin is signed out at
/// the next request). Identity's own validator checks the stamp only every 30 minutes and knows no sessions.
/// </summary>
public static class SessionCheck
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var services = context.HttpContext.RequestServices;
        var stampClaim = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        // A context of its own, back to the pool at once: the request's would stay with the request, and a live stream's
        // request lasts for hours (a pooled context and its services, about 12 KB, for each open stream).
        await using var scope = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudioDb>();
        if (principal is null || !await IsCurrentAsync(db, principal, stampClaim, context.HttpContext.RequestAborted, noteSeen: true))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            // A cookie refused for its stamp leaves its row open; closing it keeps the account page's list of sessions true.
            if (principal is not null && UserSessions.IdOf(principal) is { } id && principal.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId)
            {
                await UserSessions.EndAsync(db, id, userId);
            }
        }
    }

    /// <summary>Whether the session behind <paramref name="principal"/> still stands; also asked by long-lived streams.</summary>
    public static async Task<bool> IsCurrentAsync(StudioDb db, ClaimsPrincipal principal, string stampClaim, CancellationToken ct, bool noteSeen = false)
    {
        var userId = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        var stamp = principal.FindFirstValue(stampClaim);
        if (userId is null || stamp is null || UserSessions.IdOf(principal) is not { } sessionId)
        {
            return false;
        }
        var current = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new
            {
                u.SecurityStamp,
                u.IsSiteAdmin,
                Session = db.UserSessions.Where(s => s.Id == sessionId && s.UserId == userId && s.EndedAt == null)
                    .Select(s => (DateTimeOffset?)s.LastSeenAt).FirstOrDefault(),
            })
            .SingleOrDefaultAsync(ct);
        if (current is not { Session: { } lastSeen } || current.SecurityStamp != stamp
            || current.IsSiteAdmin != principal.HasClaim(AuthExtensions.SiteAdminClaim, "true"))
        {
            return false;
        }
        var now = DateTimeOffset.UtcNow;
        if (noteSeen && now - lastSeen > UserSessions.SeenPrecision)
        {
            // SQL, not ExecuteUpdate: a process's first ExecuteUpdate of a statement translates and compiles it, and that cost
            // the request that made it about 35 ms (measured), five minutes after start, when the first session fell due.
            await db.Database.ExecuteSqlAsync($"UPDATE user_sessions SET last_seen_at = {now} WHERE id = {sessionId}", ct);
        }
        return true;
    }
}
