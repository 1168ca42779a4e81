using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Web.Pages.Invitations;

namespace VideoStudio.Web.Pages.Businesses;

public static class BusinessInvitations
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    /// <summary>A new invitation and the path of its link; the token exists only in the returned path.</summary>
    public static (Invitation Invitation, string Path) New(Guid businessId, string email, MemberRole role, string createdBy)
    {
        var (token, hash) = InvitationToken.New();
        var now = DateTimeOffset.UtcNow;
        var invitation = new Invitation
        {
            Id = Guid.NewGuid(),
            BusinessId = businessId,
            Email = email,
            Role = role,
            TokenHash = hash,
            CreatedBy = createdBy,
            CreatedAt = now,
            ExpiresAt = now + Lifetime,
        };
        return (invitation, InvitationToken.Path(token));
    }
}
