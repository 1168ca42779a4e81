using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Web.Auth;

namespace VideoStudio.Web.Pages.Businesses;

/// <summary>Who may manage a business's people: its admins, and site admins for every business.</summary>
public static class BusinessAccess
{
    public static bool IsSiteAdmin(this ClaimsPrincipal user) => user.HasClaim(AuthExtensions.SiteAdminClaim, "true");

    /// <summary>The business if the user may manage it; null (answered as 404) for everyone else, so its existence does not leak.</summary>
    public static async Task<Business?> ManageableAsync(this StudioDb db, Guid businessId, ClaimsPrincipal user, CancellationToken ct)
    {
        var userId = user.UserId();
        return await db.Businesses.AsNoTracking()
            .Where(b => b.Id == businessId)
            .Where(b => user.IsSiteAdmin() || db.BusinessMembers.Any(m => m.BusinessId == b.Id && m.UserId == userId && m.Role == MemberRole.Admin))
            .SingleOrDefaultAsync(ct);
    }
}
