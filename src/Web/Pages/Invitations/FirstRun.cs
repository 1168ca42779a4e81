using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Core.Data;

namespace VideoStudio.Web.Pages.Invitations;

/// <summary>
/// A fresh install has no user, so nobody could sign in to invite anybody. At each start without users the migrating process
/// makes a one-time link that creates the first site administrator; the link is printed, never offered by a page.
/// </summary>
public static class FirstRun
{
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromDays(1);

    /// <summary>The path of a new setup link, or null when somebody can already sign in.</summary>
    public static async Task<string?> PrepareAsync(StudioDb db)
    {
        if (await db.Users.AnyAsync())
        {
            return null;
        }
        var now = DateTimeOffset.UtcNow;
        // Only the link printed by this start works: an older one may sit in a log somebody else can read.
        await db.Invitations.Where(i => i.SiteAdmin && i.BusinessId == null && i.AcceptedAt == null && i.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.RevokedAt, now));
        var (token, hash) = InvitationToken.New();
        db.Invitations.Add(new Invitation
        {
            Id = Guid.NewGuid(),
            SiteAdmin = true,
            Role = MemberRole.Admin,
            TokenHash = hash,
            CreatedAt = now,
            ExpiresAt = now + LinkLifetime,
        });
        await db.SaveChangesAsync();
        return InvitationToken.Path(token);
    }
}
