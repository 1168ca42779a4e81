using Hangfire;
using Microsoft.AspNetCore.Identity;
using VideoStudio.Core.Data;
using VideoStudio.Web.Mail;

namespace VideoStudio.Web.Pages.Account;

/// <summary>
/// E-mails a password reset link an admin asked for. It takes the account's id only and asks Identity for the reset token
/// here, so the token is in no job argument and, being derived from the account's security stamp, stored nowhere at all.
/// Running twice sends two links; both work until either is used.
/// </summary>
public sealed class ResetMailJob(UserManager<StudioUser> users, Mailer mailer)
{
    [AutomaticRetry(Attempts = 5)]
    public async Task RunAsync(string userId, CancellationToken ct)
    {
        if (await users.FindByIdAsync(userId) is not { Email: { } email } user)
        {
            return;
        }
        var token = await users.GeneratePasswordResetTokenAsync(user);
        await mailer.SendAsync(email, "Choose a new VideoStudio password", $"""
            An admin of your team issued a link for you to choose a new VideoStudio password.

            Open it within a day; it works once, and your other sessions end when you use it:

            {mailer.LinkTo(ResetModel.PathFor(user.Id, token))}

            If you did not ask for this, you can ignore this e-mail: your password stays as it is.
            """, ct);
    }
}
