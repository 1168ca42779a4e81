using Hangfire;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Web.Mail;

namespace VideoStudio.Web.Pages.Invitations;

/// <summary>
/// E-mails an invitation's link. The job gets the invitation's id only and makes the link's token itself, storing just its
/// hash: so the token is never in the job's arguments, in Hangfire's tables or anywhere in our database in clear; it exists
/// only in the e-mail. (Sending from the request instead would know the token but make the admin wait on the mail server,
/// and a retry would still need a token it cannot read back.) Safe to run twice: a sent invitation is left alone; a run
/// that died after sending but before noting it sends once more, and only the newer link works.
/// </summary>
public sealed class InvitationMailJob(StudioDb db, Mailer mailer, TimeProvider clock)
{
    [AutomaticRetry(Attempts = 5)]
    public async Task RunAsync(Guid invitationId, CancellationToken ct)
    {
        var invitation = await db.Invitations.Include(i => i.Business).SingleOrDefaultAsync(i => i.Id == invitationId, ct);
        var now = clock.GetUtcNow();
        if (invitation is not { Email: not null, EmailedAt: null } || !invitation.IsOpen(now))
        {
            return;
        }
        var inviter = await db.Users.Where(u => u.Id == invitation.CreatedBy).Select(u => u.DisplayName).SingleOrDefaultAsync(ct);
        var (token, hash) = InvitationToken.New();
        invitation.TokenHash = hash;
        await db.SaveChangesAsync(ct);

        var business = invitation.Business?.Name ?? "VideoStudio";
        var role = invitation.Role == MemberRole.Admin ? "an admin" : "an editor";
        await mailer.SendAsync(invitation.Email, $"You are invited to {business} on VideoStudio", $"""
            {inviter ?? "An admin"} invited you to join {business} on VideoStudio as {role}.

            Open this link to choose your name and password. It works once, until {invitation.ExpiresAt.UtcDateTime:d MMM yyyy, HH:mm} UTC:

            {mailer.LinkTo(InvitationToken.Path(token))}

            If you did not expect this invitation, ignore this e-mail.
            """, ct);

        invitation.EmailedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
    }
}
