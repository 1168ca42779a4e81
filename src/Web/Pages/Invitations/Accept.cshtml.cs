using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core.Data;

namespace VideoStudio.Web.Pages.Invitations;

/// <summary>
/// /invitations/{token}: whoever holds the link sets a name and password and joins (or, on a fresh install, becomes the
/// first site administrator). Someone who already has an account confirms with their password instead.
/// </summary>
[AllowAnonymous]
public class AcceptModel(StudioDb db, UserManager<StudioUser> users, SignInManager<StudioUser> signIn) : PageModel
{
    public sealed class InputModel
    {
        [EmailAddress(ErrorMessage = "Enter an e-mail address such as name@example.com.")]
        [StringLength(256, ErrorMessage = "An e-mail address has at most 256 characters.")]
        public string? Email { get; set; }

        [StringLength(100, ErrorMessage = "Keep your name under 100 characters.")]
        public string? DisplayName { get; set; }

        public string? Password { get; set; }
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public Invitation? Invitation { get; private set; }

    public string? Closed { get; private set; }

    /// <summary>The invitation names an e-mail that already has an account: its password confirms, no new account is made.</summary>
    public StudioUser? ExistingUser { get; private set; }

    public bool IsSetup => Invitation is { SiteAdmin: true, BusinessId: null };

    public async Task<IActionResult> OnGetAsync(string token)
    {
        Response.Headers["Referrer-Policy"] = "no-referrer";
        return await LoadAsync(token) ? Page() : ClosedPage();
    }

    public async Task<IActionResult> OnPostAsync(string token)
    {
        if (!await LoadAsync(token))
        {
            return ClosedPage();
        }
        var invitation = Invitation!;
        var email = (IsSetup ? Input.Email : invitation.Email)?.Trim() ?? "";
        if (IsSetup && email.Length == 0)
        {
            ModelState.AddModelError("Input.Email", "Enter your e-mail address; you will sign in with it.");
        }
        if (ExistingUser is null && string.IsNullOrWhiteSpace(Input.DisplayName))
        {
            ModelState.AddModelError("Input.DisplayName", "Enter your name as your team should see it.");
        }
        if (string.IsNullOrEmpty(Input.Password))
        {
            ModelState.AddModelError("Input.Password", ExistingUser is null ? "Choose a password." : "Enter the password of your account.");
        }
        if (ExistingUser is not null && !string.IsNullOrEmpty(Input.Password)
            && !(await signIn.CheckPasswordSignInAsync(ExistingUser, Input.Password, lockoutOnFailure: false)).Succeeded)
        {
            ModelState.AddModelError("Input.Password", $"That is not the password of {ExistingUser.Email}. Enter it again.");
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }

        // One transaction: the link is spent only if the account and membership exist, and a failed step leaves nothing behind.
        await using var transaction = await db.Database.BeginTransactionAsync();
        var now = DateTimeOffset.UtcNow;
        var claimed = await db.Invitations
            .Where(i => i.Id == invitation.Id && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedAt, now));
        if (claimed == 0 || (IsSetup && await db.Users.AnyAsync()))
        {
            Closed = "This link has already been used. Sign in, or ask an admin for a new invitation.";
            return ClosedPage();
        }

        var user = ExistingUser;
        if (user is null)
        {
            user = new StudioUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = Input.DisplayName!.Trim() };
            var created = await users.CreateAsync(user, Input.Password!);
            if (!created.Succeeded)
            {
                foreach (var error in created.Errors)
                {
                    ModelState.AddModelError(error.Code.StartsWith("Password") ? "Input.Password" : "Input.Email", Explain(error));
                }
                return Page();
            }
        }
        if (invitation.SiteAdmin)
        {
            user.IsSiteAdmin = true;
            await users.UpdateAsync(user);
        }
        if (invitation.BusinessId is { } businessId)
        {
            var membership = await db.BusinessMembers.SingleOrDefaultAsync(m => m.BusinessId == businessId && m.UserId == user.Id);
            if (membership is null)
            {
                db.BusinessMembers.Add(new BusinessMember { BusinessId = businessId, UserId = user.Id, Role = invitation.Role });
            }
            else
            {
                membership.Role = invitation.Role;
            }
            await db.SaveChangesAsync();
        }
        await transaction.CommitAsync();

        await signIn.SignInAsync(user, isPersistent: true);
        return LocalRedirect(IsSetup ? "/businesses" : "/content");
    }

    private string Explain(IdentityError error) => error.Code switch
    {
        "DuplicateUserName" or "DuplicateEmail" => "An account with this e-mail address already exists. Sign in with it instead.",
        "InvalidEmail" or "InvalidUserName" => "Enter an e-mail address such as name@example.com.",
        _ => error.Description,
    };

    private async Task<bool> LoadAsync(string token)
    {
        var hash = InvitationToken.Hash(token);
        Invitation = await db.Invitations.AsNoTracking().Include(i => i.Business).SingleOrDefaultAsync(i => i.TokenHash == hash);
        var now = DateTimeOffset.UtcNow;
        Closed = Invitation switch
        {
            null => "This invitation link is not valid. Check that you copied all of it, or ask an admin for a new one.",
            { AcceptedAt: not null } => "This invitation has already been used. Sign in, or ask an admin for a new invitation.",
            { RevokedAt: not null } => "This invitation was withdrawn. Ask an admin for a new one.",
            _ when Invitation.ExpiresAt <= now => "This invitation has expired. Ask an admin to send it again.",
            _ when IsSetup && await db.Users.AnyAsync() => "This set-up link has already been used. Sign in instead.",
            _ => null,
        };
        if (Closed is null && Invitation!.Email is { } email)
        {
            ExistingUser = await users.FindByEmailAsync(email);
        }
        return Closed is null;
    }

    private IActionResult ClosedPage()
    {
        Invitation = null;
        Response.StatusCode = StatusCodes.Status410Gone;
        return Page();
    }
}
