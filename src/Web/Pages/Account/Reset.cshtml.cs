using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoStudio.Core.Data;

namespace VideoStudio.Web.Pages.Account;

/// <summary>
/// /account/reset: the link an admin issues (Identity's reset token: it expires after a day and is spent by the new security
/// stamp the reset gives the account, which also ends the account's sessions).
/// </summary>
[AllowAnonymous]
public class ResetModel(UserManager<StudioUser> users) : PageModel
{
    public const string Invalid = "This reset link does not work any more: it was used, it expired, or the password changed since. Ask an admin for a new one.";

    public static string PathFor(string userId, string token) =>
        $"/account/reset?user={Uri.EscapeDataString(userId)}&token={Uri.EscapeDataString(token)}";

    [BindProperty(SupportsGet = true, Name = "user")]
    public string? UserId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty]
    public string NewPassword { get; set; } = "";

    public string? Error { get; private set; }

    public void OnGet() => Response.Headers["Referrer-Policy"] = "no-referrer";

    public async Task<IActionResult> OnPostAsync()
    {
        var user = string.IsNullOrEmpty(UserId) ? null : await users.FindByIdAsync(UserId);
        if (user is null || string.IsNullOrEmpty(Token))
        {
            Error = Invalid;
            return Page();
        }
        if (string.IsNullOrEmpty(NewPassword))
        {
            ModelState.AddModelError(nameof(NewPassword), "Choose a new password.");
            return Page();
        }
        var result = await users.ResetPasswordAsync(user, Token, NewPassword);
        if (!result.Succeeded)
        {
            if (result.Errors.Any(e => e.Code == "InvalidToken"))
            {
                Error = Invalid;
            }
            foreach (var error in result.Errors.Where(e => e.Code != "InvalidToken"))
            {
                ModelState.AddModelError(nameof(NewPassword), error.Description);
            }
            return Page();
        }
        return Redirect("/account/login?reset=1");
    }
}
