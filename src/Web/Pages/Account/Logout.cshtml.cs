using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoStudio.Core.Data;
using VideoStudio.Web.Auth;

namespace VideoStudio.Web.Pages.Account;

[AllowAnonymous]
public class LogoutModel(SignInManager<StudioUser> signIn, StudioDb db) : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Content/Index");

    /// <summary>
    /// Ends this session on the server, not only in this browser: its row is closed, so a copy of the cookie fails its next
    /// request's check (SessionCheck). The account's other devices stay signed in ("Sign out everywhere" ends those).
    /// </summary>
    public async Task<IActionResult> OnPostAsync()
    {
        if (UserSessions.IdOf(User) is { } id && User.Identity?.IsAuthenticated == true)
        {
            await UserSessions.EndAsync(db, id, User.UserId());
        }
        await signIn.SignOutAsync();
        return RedirectToPage("/Account/Login");
    }
}
