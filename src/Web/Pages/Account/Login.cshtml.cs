using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoStudio.Core.Data;
using VideoStudio.Web.Auth;

namespace VideoStudio.Web.Pages.Account;

[AllowAnonymous]
public class LoginModel(SignInManager<StudioUser> signIn, UserManager<StudioUser> users, IPasswordHasher<StudioUser> hasher, SignInLimiter limiter)
    : PageModel
{
    public const string Mismatch = "That email and password do not match an account. Check them and try again.";

    // Checked against a password nobody knows when the e-mail has no account, so that answer takes as long as a wrong password.
    private static readonly StudioUser Decoy = new();
    private static string? _decoyHash;

    public sealed class InputModel
    {
        public string? Email { get; set; }
        public string? Password { get; set; }
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    /// <summary>What the page that sent the visitor here did, said once.</summary>
    public string? Notice { get; private set; }

    public void OnGet() => Notice = Request.Query switch
    {
        var q when q.ContainsKey("reset") => "Your password is changed. Sign in with the new one.",
        var q when q["signedout"] == "everywhere" => "You are signed out on every browser and device.",
        _ => null,
    };

    public async Task<IActionResult> OnPostAsync()
    {
        if (string.IsNullOrWhiteSpace(Input.Email))
        {
            ModelState.AddModelError("Input.Email", "Enter your email.");
        }
        if (string.IsNullOrEmpty(Input.Password))
        {
            ModelState.AddModelError("Input.Password", "Enter your password.");
        }
        if (!ModelState.IsValid)
        {
            Error = "Enter your email and password.";
            return Page();
        }
        var email = Input.Email!.Trim();
        var password = Input.Password!;

        if (limiter.Acquire(HttpContext.Connection.RemoteIpAddress?.ToString(), email) is { } wait)
        {
            var minutes = Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
            Error = $"Too many sign-in attempts. Try again in {minutes} {(minutes == 1 ? "minute" : "minutes")}.";
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString();
            return Page();
        }

        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            _decoyHash ??= hasher.HashPassword(Decoy, Guid.NewGuid().ToString());
            hasher.VerifyHashedPassword(Decoy, _decoyHash, password);
            Error = Mismatch;
            return Page();
        }

        // No lockout: the rate limiter slows guessing without letting a stranger lock the owner out.
        var result = await signIn.PasswordSignInAsync(user, password, isPersistent: true, lockoutOnFailure: false);
        if (result.Succeeded)
        {
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/content");
        }
        Error = Mismatch;
        return Page();
    }
}
