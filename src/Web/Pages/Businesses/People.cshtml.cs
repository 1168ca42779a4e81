using System.ComponentModel.DataAnnotations;
using Hangfire;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Web.Auth;
using VideoStudio.Web.Mail;
using VideoStudio.Web.Pages.Account;
using VideoStudio.Web.Pages.Invitations;

namespace VideoStudio.Web.Pages.Businesses;

/// <summary>/businesses/{businessId}/people: the members and open invitations of one business, for its admins and site admins.</summary>
public class PeopleModel(StudioDb db, UserManager<StudioUser> users, Mailer mailer, IBackgroundJobClient jobs) : PageModel
{
    public sealed class InviteInput
    {
        [Required(ErrorMessage = "Enter the e-mail address of the person to invite.")]
        [EmailAddress(ErrorMessage = "Enter an e-mail address such as name@example.com.")]
        [StringLength(256, ErrorMessage = "An e-mail address has at most 256 characters.")]
        public string? Email { get; set; }

        public MemberRole Role { get; set; } = MemberRole.Editor;
    }

    public sealed record MemberRow(string UserId, string Name, string? Email, MemberRole Role);

    public sealed record InvitationRow(Guid Id, string? Email, MemberRole Role, DateTimeOffset ExpiresAt, DateTimeOffset? EmailedAt);

    /// <summary>A link made by the last action, shown once to copy: its token is stored nowhere else.</summary>
    public sealed record IssuedLink(string Purpose, string Url);

    /// <summary>Video files the business keeps: the slots' current videos and the earlier versions History still holds.</summary>
    public sealed record StorageUse(long CurrentBytes, int CurrentCount, long HistoryBytes, int HistoryCount);

    [BindProperty]
    public InviteInput Invite { get; set; } = new();

    public Business Business { get; private set; } = null!;
    public IReadOnlyList<MemberRow> Members { get; private set; } = [];
    public IReadOnlyList<InvitationRow> Pending { get; private set; } = [];
    public IssuedLink? Issued { get; private set; }
    public StorageUse Storage { get; private set; } = new(0, 0, 0, 0);
    public string? Message { get; private set; }

    /// <summary>What was handed to the mail job, said once after the action.</summary>
    public string? Sent { get; private set; }

    /// <summary>With SMTP configured links go out by e-mail; a link to copy is still there for when the mail does not arrive.</summary>
    public bool MailConfigured => mailer.IsConfigured;

    public async Task<IActionResult> OnGetAsync(Guid businessId, CancellationToken ct) =>
        await LoadAsync(businessId, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostInviteAsync(Guid businessId, CancellationToken ct)
    {
        if (!await LoadAsync(businessId, ct))
        {
            return NotFound();
        }
        var email = Invite.Email?.Trim() ?? "";
        if (ModelState.GetFieldValidationState("Invite.Role") == ModelValidationState.Invalid || !Enum.IsDefined(Invite.Role))
        {
            ModelState.Remove("Invite.Role");
            ModelState.AddModelError("Invite.Role", "Choose editor or admin.");
        }
        if (ModelState.IsValid && Members.Any(m => string.Equals(m.Email, email, StringComparison.OrdinalIgnoreCase)))
        {
            ModelState.AddModelError("Invite.Email", $"{email} is already a member of {Business.Name}.");
        }
        if (ModelState.IsValid && Pending.Any(i => string.Equals(i.Email, email, StringComparison.OrdinalIgnoreCase)))
        {
            ModelState.AddModelError("Invite.Email", $"{email} is already invited. Send the invitation again below to get a new link.");
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }
        var (invitation, path) = BusinessInvitations.New(businessId, email, Invite.Role, User.UserId());
        db.Invitations.Add(invitation);
        await db.SaveChangesAsync(ct);
        if (mailer.IsConfigured)
        {
            jobs.Enqueue<InvitationMailJob>(j => j.RunAsync(invitation.Id, CancellationToken.None));
            return await ShowSentAsync(businessId, $"An invitation is on its way to {email}.", ct);
        }
        return await ShowLinkAsync(businessId, $"Invitation for {email}", path, ct);
    }

    /// <param name="copy">With SMTP configured, a link to copy instead of a new e-mail (the e-mail went astray).</param>
    public async Task<IActionResult> OnPostResendAsync(Guid businessId, Guid invitationId, bool copy, CancellationToken ct)
    {
        if (!await LoadAsync(businessId, ct))
        {
            return NotFound();
        }
        var old = await db.Invitations.SingleOrDefaultAsync(i => i.Id == invitationId && i.BusinessId == businessId && i.AcceptedAt == null && i.RevokedAt == null, ct);
        if (old is null)
        {
            return await ShowMessageAsync(businessId, "That invitation was already accepted or withdrawn.", ct);
        }
        // A new token, so a link that went astray stops working; the old row stays as a record of what was sent.
        old.RevokedAt = DateTimeOffset.UtcNow;
        var (invitation, path) = BusinessInvitations.New(businessId, old.Email!, old.Role, User.UserId());
        db.Invitations.Add(invitation);
        await db.SaveChangesAsync(ct);
        if (mailer.IsConfigured && !copy)
        {
            jobs.Enqueue<InvitationMailJob>(j => j.RunAsync(invitation.Id, CancellationToken.None));
            return await ShowSentAsync(businessId, $"A new invitation is on its way to {old.Email}; the previous link no longer works.", ct);
        }
        return await ShowLinkAsync(businessId, $"New invitation for {old.Email} (the previous link no longer works)", path, ct);
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid businessId, Guid invitationId, CancellationToken ct)
    {
        if (!await LoadAsync(businessId, ct))
        {
            return NotFound();
        }
        await db.Invitations.Where(i => i.Id == invitationId && i.BusinessId == businessId && i.AcceptedAt == null && i.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.RevokedAt, DateTimeOffset.UtcNow), ct);
        return Redirect($"/businesses/{businessId}/people");
    }

    public async Task<IActionResult> OnPostChangeRoleAsync(Guid businessId, string userId, MemberRole role, CancellationToken ct)
    {
        if (!await LoadAsync(businessId, ct))
        {
            return NotFound();
        }
        // A value that is no role fails binding and leaves role at its default (editor): without this check it would demote.
        if (ModelState.GetFieldValidationState("role") == ModelValidationState.Invalid || !Enum.IsDefined(role) || Members.All(m => m.UserId != userId))
        {
            return await ShowMessageAsync(businessId, "Choose editor or admin for a current member.", ct);
        }
        if (role != MemberRole.Admin && IsLastAdmin(userId))
        {
            return await ShowMessageAsync(businessId, $"{Business.Name} needs at least one admin: make someone else admin first.", ct);
        }
        await db.BusinessMembers.Where(m => m.BusinessId == businessId && m.UserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Role, role), ct);
        return Redirect($"/businesses/{businessId}/people");
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid businessId, string userId, CancellationToken ct)
    {
        if (!await LoadAsync(businessId, ct))
        {
            return NotFound();
        }
        if (IsLastAdmin(userId))
        {
            return await ShowMessageAsync(businessId, $"{Business.Name} needs at least one admin: make someone else admin first.", ct);
        }
        // Membership is read from the database on every request and by every open stream, so this takes effect at once.
        await db.BusinessMembers.Where(m => m.BusinessId == businessId && m.UserId == userId).ExecuteDeleteAsync(ct);
        return Redirect($"/businesses/{businessId}/people");
    }

    /// <param name="copy">With SMTP configured, a link to copy instead of an e-mail.</param>
    public async Task<IActionResult> OnPostResetLinkAsync(Guid businessId, string userId, bool copy, CancellationToken ct)
    {
        if (!await LoadAsync(businessId, ct))
        {
            return NotFound();
        }
        var member = Members.SingleOrDefault(m => m.UserId == userId);
        var user = member is null ? null : await users.FindByIdAsync(userId);
        // A site admin's password is reset only by a site admin: a business admin could otherwise take over the whole site.
        if (user is null || (user.IsSiteAdmin && !User.IsSiteAdmin()))
        {
            return await ShowMessageAsync(businessId, "You cannot issue a reset link for that account.", ct);
        }
        if (mailer.IsConfigured && !copy)
        {
            jobs.Enqueue<ResetMailJob>(j => j.RunAsync(user.Id, CancellationToken.None));
            return await ShowSentAsync(businessId, $"A password reset link is on its way to {user.Email}.", ct);
        }
        var path = ResetModel.PathFor(user.Id, await users.GeneratePasswordResetTokenAsync(user));
        return await ShowLinkAsync(businessId, $"Password reset link for {user.Email} (works once, for a day)", path, ct);
    }

    private bool IsLastAdmin(string userId) =>
        Members.Any(m => m.UserId == userId && m.Role == MemberRole.Admin) && Members.Count(m => m.Role == MemberRole.Admin) == 1;

    private async Task<IActionResult> ShowLinkAsync(Guid businessId, string purpose, string path, CancellationToken ct)
    {
        await LoadAsync(businessId, ct);
        Issued = new IssuedLink(purpose, $"{Request.Scheme}://{Request.Host}{path}");
        Invite = new InviteInput();
        ModelState.Clear();
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    private async Task<IActionResult> ShowSentAsync(Guid businessId, string sent, CancellationToken ct)
    {
        await LoadAsync(businessId, ct);
        Sent = sent;
        Invite = new InviteInput();
        ModelState.Clear();
        return Page();
    }

    private async Task<IActionResult> ShowMessageAsync(Guid businessId, string message, CancellationToken ct)
    {
        await LoadAsync(businessId, ct);
        Message = message;
        return Page();
    }

    private async Task<bool> LoadAsync(Guid businessId, CancellationToken ct)
    {
        var business = await db.ManageableAsync(businessId, User, ct);
        if (business is null)
        {
            return false;
        }
        Business = business;
        Members = await db.BusinessMembers.Where(m => m.BusinessId == businessId)
            .OrderBy(m => m.User!.DisplayName)
            .Select(m => new MemberRow(m.UserId, m.User!.DisplayName, m.User.Email, m.Role))
            .ToListAsync(ct);
        var now = DateTimeOffset.UtcNow;
        Pending = await db.Invitations.Where(i => i.BusinessId == businessId && i.AcceptedAt == null && i.RevokedAt == null)
            .OrderBy(i => i.Email)
            .Select(i => new InvitationRow(i.Id, i.Email, i.Role, i.ExpiresAt, i.EmailedAt))
            .ToListAsync(ct);
        var kept = await db.VideoAssets
            .Where(a => a.RemovedAt == null && db.Content.Any(c => c.Id == a.ContentId && c.BusinessId == businessId))
            .GroupBy(VideoAsset.Current)
            .Select(g => new { Current = g.Key, Bytes = g.Sum(a => a.SizeBytes), Count = g.Count() })
            .ToListAsync(ct);
        var current = kept.SingleOrDefault(k => k.Current);
        var history = kept.SingleOrDefault(k => !k.Current);
        Storage = new(current?.Bytes ?? 0, current?.Count ?? 0, history?.Bytes ?? 0, history?.Count ?? 0);
        return true;
    }
}
