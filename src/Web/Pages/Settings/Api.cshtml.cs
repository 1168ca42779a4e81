using Hangfire;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Jobs.Webhooks;
using VideoStudio.Web.Api;
using VideoStudio.Web.Auth;
using VideoStudio.Web.Pages.Businesses;

namespace VideoStudio.Web.Pages.Settings;

/// <summary>
/// /settings/api: a business's API tokens and outgoing webhooks. Its admins create and revoke tokens and endpoints; a
/// token and a signing secret are shown once, right after they are made. Site admins may open any business's page to allow
/// an endpoint on a private network; tokens act as the member who made them, so only members make them.
/// </summary>
public class ApiModel(StudioDb db, WebhookSecrets secrets, IBackgroundJobClient jobs, TimeProvider clock) : PageModel
{
    public const int RecentDeliveries = 20;

    public sealed record TokenRow(Guid Id, string Name, ApiScope Scope, string Prefix, string? CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, bool MakerLeft);

    public sealed record EndpointRow(WebhookEndpoint Endpoint, IReadOnlyList<WebhookDelivery> Deliveries);

    public sealed record Issued(string Label, string Value, string What);

    public IReadOnlyList<BusinessChoice> Businesses { get; private set; } = [];
    public IReadOnlySet<Guid> MemberOf { get; private set; } = new HashSet<Guid>();
    public BusinessChoice? Business { get; private set; }
    public bool IsMember { get; private set; }
    public bool IsAdmin { get; private set; }
    public bool IsSiteAdmin => User.IsSiteAdmin();
    public IReadOnlyList<TokenRow> Tokens { get; private set; } = [];
    public IReadOnlyList<EndpointRow> Endpoints { get; private set; } = [];
    public Issued? Shown { get; private set; }
    public string? Error { get; private set; }

    [TempData]
    public string? StatusMessage { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid? business, CancellationToken ct) => await LoadAsync(business, ct) ?? Page();

    public async Task<IActionResult> OnPostCreateTokenAsync(Guid? business, string? name, string? scope, CancellationToken ct)
    {
        if (await LoadAsync(business, ct) is { } refused)
        {
            return refused;
        }
        name = name?.Trim();
        Error = !IsMember ? "A token acts as the member who makes it, so only a member of this business can make one."
            : string.IsNullOrEmpty(name) ? "Give the token a name that says who uses it, such as \"CMS\" or \"n8n workflows\"."
            : name.Length > ApiTokens.MaxNameLength ? $"Keep the name to {ApiTokens.MaxNameLength} characters."
            : scope is not ("read" or "write") ? "Choose what the token may do: read, or read and write."
            : null;
        if (Error is not null)
        {
            return await AgainAsync(ct);
        }
        var (token, row) = ApiTokens.Issue(Business!.Id, name!, scope == "write" ? ApiScope.Write : ApiScope.Read, User.UserId(), clock.GetUtcNow());
        db.ApiTokens.Add(row);
        await db.SaveChangesAsync(ct);
        Shown = new Issued($"Token “{row.Name}” created", token, "Copy this token now and keep it in your tool's secret store; it is shown only once. It is sent as \"Authorization: Bearer <token>\".");
        await ReadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeTokenAsync(Guid? business, Guid tokenId, CancellationToken ct)
    {
        if (await LoadAsync(business, ct) is { } refused)
        {
            return refused;
        }
        var revoked = await db.ApiTokens.Where(t => t.Id == tokenId && t.BusinessId == Business!.Id && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, clock.GetUtcNow()), ct);
        StatusMessage = revoked > 0 ? "The token was revoked: it stops working at once." : "That token was revoked already.";
        return RedirectToPage(new { business = Business!.Id });
    }

    public async Task<IActionResult> OnPostAddEndpointAsync(Guid? business, string? url, string[]? events, CancellationToken ct)
    {
        if (await LoadAsync(business, ct) is { } refused)
        {
            return refused;
        }
        url = url?.Trim();
        var chosen = (events ?? []).Where(WebhookEvents.IsKnown).Distinct().ToArray();
        Error = WebhookTargets.UrlProblem(url) ?? (chosen.Length == 0 ? "Choose at least one event to send." : null);
        if (Error is null && !IsSiteAdmin)
        {
            Error = await WebhookTargets.PrivateNetworkProblemAsync(new Uri(url!), ct);
        }
        if (Error is not null)
        {
            return await AgainAsync(ct);
        }
        var secret = WebhookSecrets.NewSecret();
        var endpoint = new WebhookEndpoint
        {
            Id = Guid.NewGuid(),
            BusinessId = Business!.Id,
            Url = url!,
            Events = chosen,
            Secret = db.IntegrationSecrets.Add(secrets.Protect(secret)).Entity,
            // A site admin adding an endpoint has looked at where it points.
            AllowPrivateNetwork = IsSiteAdmin,
            CreatedBy = User.UserId(),
            CreatedAt = clock.GetUtcNow(),
        };
        db.WebhookEndpoints.Add(endpoint);
        await db.SaveChangesAsync(ct);
        Shown = new Issued("Endpoint added", secret, "This is its signing secret: give it to the receiver to verify each delivery (Standard Webhooks). It is shown only once.");
        await ReadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveEndpointAsync(Guid? business, Guid endpointId, CancellationToken ct)
    {
        if (await LoadAsync(business, ct) is { } refused)
        {
            return refused;
        }
        await db.WebhookEndpoints.Where(e => e.Id == endpointId && e.BusinessId == Business!.Id && e.DisabledAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.DisabledAt, clock.GetUtcNow()), ct);
        StatusMessage = "The endpoint was removed; nothing more is sent to it.";
        return RedirectToPage(new { business = Business!.Id });
    }

    public async Task<IActionResult> OnPostAllowPrivateAsync(Guid? business, Guid endpointId, bool allow, CancellationToken ct)
    {
        if (await LoadAsync(business, ct) is { } refused)
        {
            return refused;
        }
        if (!IsSiteAdmin)
        {
            return Forbid();
        }
        await db.WebhookEndpoints.Where(e => e.Id == endpointId && e.BusinessId == Business!.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.AllowPrivateNetwork, allow), ct);
        StatusMessage = allow ? "This endpoint may now be on a private network." : "This endpoint must be on a public address again.";
        return RedirectToPage(new { business = Business!.Id });
    }

    public async Task<IActionResult> OnPostRedeliverAsync(Guid? business, Guid deliveryId, CancellationToken ct)
    {
        if (await LoadAsync(business, ct) is { } refused)
        {
            return refused;
        }
        var delivery = await db.WebhookDeliveries
            .Where(d => d.Id == deliveryId && db.WebhookEndpoints.Any(e => e.Id == d.EndpointId && e.BusinessId == Business!.Id && e.DisabledAt == null))
            .SingleOrDefaultAsync(ct);
        if (delivery is null)
        {
            return NotFound();
        }
        // The same message again (same webhook-id, same body), so a receiver that keeps ids can tell it is a repeat.
        delivery.Status = WebhookDeliveryStatus.Pending;
        delivery.Attempts = 0;
        delivery.NextAttemptAt = null;
        delivery.JobId = WebhookDeliveryJob.Enqueue(jobs, delivery.Id);
        await db.SaveChangesAsync(ct);
        StatusMessage = "The delivery is being sent again.";
        return RedirectToPage(null, null, new { business = Business!.Id }, "webhooks");
    }

    private async Task<IActionResult> AgainAsync(CancellationToken ct)
    {
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await ReadAsync(ct);
        return Page();
    }

    private async Task<IActionResult?> LoadAsync(Guid? business, CancellationToken ct)
    {
        var userId = User.UserId();
        var memberships = await db.BusinessMembers.AsNoTracking()
            .Where(m => m.UserId == userId)
            .OrderBy(m => m.Business!.Name)
            .Select(m => new BusinessChoice(m.BusinessId, m.Business!.Name, m.Role))
            .ToListAsync(ct);
        MemberOf = memberships.Select(m => m.Id).ToHashSet();
        // A site admin looks after every business's endpoints (only they may allow a private network), so they pick from all.
        Businesses = !IsSiteAdmin ? memberships : memberships.Concat(await db.Businesses.AsNoTracking()
                .Where(b => !db.BusinessMembers.Any(m => m.BusinessId == b.Id && m.UserId == userId))
                .Select(b => new BusinessChoice(b.Id, b.Name, MemberRole.Admin)).ToListAsync(ct))
            .OrderBy(b => b.Name).ToList();
        Business = business is { } chosen
            ? Businesses.FirstOrDefault(b => b.Id == chosen)
            : memberships.FirstOrDefault(b => b.Role == MemberRole.Admin) ?? memberships.FirstOrDefault() ?? Businesses.FirstOrDefault();
        IsMember = Business is not null && memberships.Any(m => m.Id == Business.Id);
        if (business is not null && Business is null)
        {
            return NotFound();
        }
        IsAdmin = Business?.Role == MemberRole.Admin || (Business is not null && IsSiteAdmin);
        if (Request.Method == HttpMethods.Post && !IsAdmin)
        {
            return Forbid();
        }
        if (Request.Method == HttpMethods.Get)
        {
            await ReadAsync(ct);
        }
        return null;
    }

    private async Task ReadAsync(CancellationToken ct)
    {
        if (Business is null || !IsAdmin)
        {
            return;
        }
        var id = Business.Id;
        Tokens = await db.ApiTokens.AsNoTracking().Where(t => t.BusinessId == id)
            .OrderBy(t => t.RevokedAt != null).ThenByDescending(t => t.CreatedAt)
            .Select(t => new TokenRow(t.Id, t.Name, t.Scope, t.Prefix,
                db.Users.Where(u => u.Id == t.CreatedBy).Select(u => u.DisplayName).FirstOrDefault(),
                t.CreatedAt, t.LastUsedAt, t.RevokedAt,
                !db.BusinessMembers.Any(m => m.BusinessId == t.BusinessId && m.UserId == t.CreatedBy)))
            .ToListAsync(ct);
        var endpoints = await db.WebhookEndpoints.AsNoTracking().Where(e => e.BusinessId == id && e.DisabledAt == null)
            .OrderBy(e => e.CreatedAt).ToListAsync(ct);
        var rows = new List<EndpointRow>();
        foreach (var endpoint in endpoints)
        {
            rows.Add(new EndpointRow(endpoint, await db.WebhookDeliveries.AsNoTracking().Where(d => d.EndpointId == endpoint.Id)
                .OrderByDescending(d => d.CreatedAt).Take(RecentDeliveries).ToListAsync(ct)));
        }
        Endpoints = rows;
    }
}
