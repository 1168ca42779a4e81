using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoStudio.Core.Data;

namespace VideoStudio.Web.Pages.Account;

[AllowAnonymous]
public class LogoutModel(SignInManager<StudioUser> signIn) : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Content/Index");

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        return RedirectToPage("/Account/Login");
    }
}
