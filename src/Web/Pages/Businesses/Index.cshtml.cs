using System.ComponentModel.DataAnnotations;
using Hangfire;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Web.Auth;
using VideoStudio.Web.Mail;
using VideoStudio.Web.Pages.Invitations;

namespace VideoStudio.Web.Pages.Businesses;

/// <summary>/businesses: the businesses a user manages; site admins see every business, create them and manage site admins.</summary>
public class IndexModel(StudioDb db, UserManager<StudioUser> users, Mailer mailer, IBackgroundJobClient jobs) : PageModel
{
    public sealed class CreateInput
    {
        [Required(ErrorMessage = "Enter the business's name.")]
        [StringLength(200, ErrorMessage = "Keep the name to 200 characters.")]
        public string? Name { get; set; }

        [EmailAddress(ErrorMessage = "Enter an e-mail address such as name@example.com.")]
        [StringLength(256, ErrorMessage = "An e-mail address has at most 256 characters.")]
        public string? AdminEmail { get; set; }

        public bool JoinAsAdmin { get; set; }
    }

    public sealed record BusinessRow(Guid Id, string Name, int Members);

    public sealed record SiteAdminRow(string Id, string Name, string? Email);

    [BindProperty]
    public CreateInput Create { get; set; } = new();

    [BindProperty]
    public string? PromoteEmail { get; set; }

    public IReadOnlyList<BusinessRow> Rows { get; private set; } = [];
    public IReadOnlyList<SiteAdminRow> SiteAdmins { get; private set; } = [];
    public PeopleModel.IssuedLink? Issued { get; private set; }
    public Guid? Created { get; private set; }
    public string? Message { get; private set; }
    public string? Sent { get; private set; }
    public bool MailConfigured => mailer.IsConfigured;

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (!User.IsSiteAdmin())
        {
            return NotFound();
        }
        var name = Create.Name?.Trim() ?? "";
        if (ModelState.IsValid && await db.Businesses.AnyAsync(b => b.Name.ToLower() == name.ToLower(), ct))
        {
            ModelState.AddModelError("Create.Name", $"A business named {name} already exists. Choose another name.");
        }
        if (!ModelState.IsValid)
        {
            await LoadAsync(ct);
            return Page();
        }

        // The business, the site admin's membership and the invitation are saved together or not at all.
        var business = new Business { Id = Guid.NewGuid(), Name = name };
        db.Businesses.Add(business);
        if (Create.JoinAsAdmin)
        {
            db.BusinessMembers.Add(new BusinessMember { BusinessId = business.Id, UserId = User.UserId(), Role = MemberRole.Admin });
        }
        string? path = null;
        Invitation? invitation = null;
        var email = Create.AdminEmail?.Trim();
        if (!string.IsNullOrEmpty(email))
        {
            (invitation, path) = BusinessInvitations.New(business.Id, email, MemberRole.Admin, User.UserId());
            db.Invitations.Add(invitation);
        }
        await db.SaveChangesAsync(ct);
        if (invitation is not null && mailer.IsConfigured)
        {
            jobs.Enqueue<InvitationMailJob>(j => j.RunAsync(invitation.Id, CancellationToken.None));
            Sent = $"An invitation is on its way to {email}.";
            path = null;
        }

        await LoadAsync(ct);
        Created = business.Id;
        if (path is not null)
        {
            Issued = new PeopleModel.IssuedLink($"Invitation for {email} as admin of {name}", $"{Request.Scheme}://{Request.Host}{path}");
            Response.Headers.CacheControl = "no-store";
        }
        Create = new CreateInput();
        ModelState.Clear();
        return Page();
    }

    public async Task<IActionResult> OnPostPromoteAsync(CancellationToken ct)
    {
        if (!User.IsSiteAdmin())
        {
            return NotFound();
        }
        var user = string.IsNullOrWhiteSpace(PromoteEmail) ? null : await users.FindByEmailAsync(PromoteEmail.Trim());
        if (user is null)
        {
            ModelState.AddModelError(nameof(PromoteEmail), "No account has that e-mail address. Invite them to a business first.");
            await LoadAsync(ct);
            return Page();
        }
        user.IsSiteAdmin = true;
        await users.UpdateAsync(user);
        // A new stamp makes their next request sign them in afresh, now with the site admin claim.
        await users.UpdateSecurityStampAsync(user);
        return Redirect("/businesses");
    }

    public async Task<IActionResult> OnPostDemoteAsync(string userId, CancellationToken ct)
    {
        if (!User.IsSiteAdmin())
        {
            return NotFound();
        }
        var user = await users.FindByIdAsync(userId);
        if (user is null || !user.IsSiteAdmin)
        {
            return Redirect("/businesses");
        }
        if (await db.Users.CountAsync(u => u.IsSiteAdmin, ct) == 1)
        {
            await LoadAsync(ct);
            Message = "VideoStudio needs at least one site admin: make someone else site admin first.";
            return Page();
        }
        user.IsSiteAdmin = false;
        await users.UpdateAsync(user);
        // The site admin claim lives in the cookie; a new security stamp ends every session that carries it, at its next request.
        await users.UpdateSecurityStampAsync(user);
        return Redirect("/businesses");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var userId = User.UserId();
        var siteAdmin = User.IsSiteAdmin();
        Rows = await db.Businesses
            .Where(b => siteAdmin || db.BusinessMembers.Any(m => m.BusinessId == b.Id && m.UserId == userId && m.Role == MemberRole.Admin))
            .OrderBy(b => b.Name)
            .Select(b => new BusinessRow(b.Id, b.Name, b.Members.Count))
            .ToListAsync(ct);
        if (siteAdmin)
        {
            SiteAdmins = await db.Users.Where(u => u.IsSiteAdmin).OrderBy(u => u.DisplayName)
                .Select(u => new SiteAdminRow(u.Id, u.DisplayName, u.Email)).ToListAsync(ct);
        }
    }
}
