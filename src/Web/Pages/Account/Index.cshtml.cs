using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core.Data;
using VideoStudio.Web.Auth;

namespace VideoStudio.Web.Pages.Account;

/// <summary>/account: who you are signed in as, your open sessions (where and when), and signing them out.</summary>
public class IndexModel(StudioDb db, UserManager<StudioUser> users, SignInManager<StudioUser> signIn) : PageModel
{
    public sealed record SessionRow(Guid Id, string Device, string? Address, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, bool IsThis);

    public string Name { get; private set; } = "";
    public string? Email { get; private set; }
    public IReadOnlyList<SessionRow> Sessions { get; private set; } = [];
    public bool Ended { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Ended = Request.Query.ContainsKey("ended");
        var userId = User.UserId();
        var me = await db.Users.Where(u => u.Id == userId).Select(u => new { u.DisplayName, u.Email }).SingleAsync(ct);
        (Name, Email) = (me.DisplayName, me.Email);
        var current = UserSessions.IdOf(User);
        Sessions = (await db.UserSessions.Where(s => s.UserId == userId && s.EndedAt == null)
                .OrderByDescending(s => s.LastSeenAt).ToListAsync(ct))
            .Select(s => new SessionRow(s.Id, UserSessions.Describe(s.UserAgent), s.Address, s.CreatedAt, s.LastSeenAt, s.Id == current))
            .OrderByDescending(s => s.IsThis)
            .ToList();
    }

    /// <summary>Ends one other session (a lost phone, a shared computer); its next request is refused.</summary>
    public async Task<IActionResult> OnPostEndAsync(Guid sessionId)
    {
        await UserSessions.EndAsync(db, sessionId, User.UserId());
        return Redirect("/account?ended");
    }

    /// <summary>
    /// Every session of the account ends, this one included. What one does on suspecting a stolen cookie, so the account
    /// also gets a new security stamp: reset links issued before stop working too.
    /// </summary>
    public async Task<IActionResult> OnPostEverywhereAsync()
    {
        if (await users.GetUserAsync(User) is { } user)
        {
            await UserSessions.EndAllAsync(db, user.Id);
            await users.UpdateSecurityStampAsync(user);
        }
        await signIn.SignOutAsync();
        return Redirect("/account/login?signedout=everywhere");
    }
}
