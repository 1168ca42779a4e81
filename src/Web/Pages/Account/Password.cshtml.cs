using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoStudio.Core.Data;
using VideoStudio.Web.Auth;

namespace VideoStudio.Web.Pages.Account;

/// <summary>/account/password: a new password, checked by Identity's password policy; every other session of the account ends.</summary>
public class PasswordModel(UserManager<StudioUser> users, SignInManager<StudioUser> signIn, StudioDb db) : PageModel
{
    public sealed class InputModel
    {
        public string? CurrentPassword { get; set; }
        public string? NewPassword { get; set; }
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public bool Changed { get; private set; }

    public void OnGet() => Changed = Request.Query.ContainsKey("changed");

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }
        if (string.IsNullOrEmpty(Input.CurrentPassword))
        {
            ModelState.AddModelError("Input.CurrentPassword", "Enter your current password.");
        }
        if (string.IsNullOrEmpty(Input.NewPassword))
        {
            ModelState.AddModelError("Input.NewPassword", "Choose a new password.");
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }
        var result = await users.ChangePasswordAsync(user, Input.CurrentPassword!, Input.NewPassword!);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                ModelState.AddModelError(error.Code == "PasswordMismatch" ? "Input.CurrentPassword" : "Input.NewPassword",
                    error.Code == "PasswordMismatch" ? "That is not your current password." : error.Description);
            }
            return Page();
        }
        // Identity gave the account a new security stamp: other sessions end at their next request; this one gets a fresh cookie.
        await signIn.RefreshSignInAsync(user);
        await UserSessions.EndAllAsync(db, user.Id, except: UserSessions.IdOf(User));
        return Redirect("/account/password?changed");
    }
}
