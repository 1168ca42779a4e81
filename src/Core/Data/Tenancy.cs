using Microsoft.EntityFrameworkCore;

namespace VideoStudio.Core.Data;

public static class Tenancy
{
    /// <summary>The content a user may see: only that of the businesses they belong to.</summary>
    public static IQueryable<Content> ContentVisibleTo(this StudioDb db, string userId) =>
        db.Content.Where(c => db.BusinessMembers.Any(m => m.BusinessId == c.BusinessId && m.UserId == userId));

    public static Task<bool> IsMemberAsync(this StudioDb db, Guid businessId, string userId, CancellationToken ct = default) =>
        db.BusinessMembers.AnyAsync(m => m.BusinessId == businessId && m.UserId == userId, ct);
}
