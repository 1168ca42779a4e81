using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoStudio.Core.Data;

namespace VideoStudio.Web.Pages.Account;

[AllowAnonymous]
public class LogoutModel(SignInManager<StudioUser> signIn, UserManager<StudioUser> users) : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Content/Index");

    /// <summary>
    /// Ends the session on the server, not only in this browser: a new security stamp makes every cookie of the account
    /// (a copy, another device) fail its next request's check (SessionCheck). So signing out signs out everywhere.
    /// </summary>
    public async Task<IActionResult> OnPostAsync()
    {
        if (await users.GetUserAsync(User) is { } user)
        {
            await users.UpdateSecurityStampAsync(user);
        }
        await signIn.SignOutAsync();
        return RedirectToPage("/Account/Login");
    }
}
