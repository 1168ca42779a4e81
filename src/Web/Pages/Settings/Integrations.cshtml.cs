using System.Security.Cryptography;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Jobs.HeyGen;
using VideoStudio.Web.Auth;

namespace VideoStudio.Web.Pages.Settings;

public sealed record BusinessChoice(Guid Id, string Name, MemberRole Role);

/// <summary>What is saved for a business, never including the key or the webhook secret.</summary>
public sealed record SavedHeyGen(
    bool Exists, bool Active, string? KeyHint, bool HasKey, string? AvatarId, string? VoiceId,
    string? ShortAvatarId = null, string? Engine = null, int? MaxConcurrentRenders = null, string? WebhookToken = null);

/// <summary>One page of looks (HeyGen pages them, 50 at most) and every voice, public and the account's own.</summary>
public sealed record HeyGenCatalog(IReadOnlyList<HeyGenLook> Avatars, IReadOnlyList<HeyGenVoice> Voices, string? NextLooksToken);

/// <summary>HeyGen settings of one business: admins edit them, other members are told who can.</summary>
public class IntegrationsModel(StudioDb db, HeyGenSecrets secrets, HeyGenClient heygen, IConfiguration configuration, IOptions<HeyGenOptions> heygenOptions)
    : PageModel
{
    public const int LooksPerPage = 24;
    public static readonly string[] Engines = ["avatar_iv", "avatar_v", "avatar_iii"];
    public const int MaxKeyLength = 500;
    public const int MaxIdLength = 200;

    public IReadOnlyList<BusinessChoice> Businesses { get; private set; } = [];
    public BusinessChoice? Business { get; private set; }
    public SavedHeyGen Saved { get; private set; } = new(false, false, null, false, null, null);
    public string? ReturnUrl { get; private set; }
    public string? Error { get; private set; }
    public string? ConnectionResult { get; private set; }
    public bool ConnectionOk { get; private set; }
    public HeyGenCatalog? Catalog { get; private set; }
    public IReadOnlyList<string> Problems { get; private set; } = [];

    /// <summary>Where HeyGen can reach this app (Studio:PublicUrl); none on a laptop or a private network.</summary>
    public string? PublicUrl => configuration["Studio:PublicUrl"] is { Length: > 0 } url ? url.TrimEnd('/') : null;

    public int DefaultMaxConcurrentRenders => heygenOptions.Value.MaxConcurrentRenders;

    [TempData]
    public string? StatusMessage { get; set; }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public bool IsAdmin => Business?.Role == MemberRole.Admin;

    public sealed class InputModel
    {
        public string? ApiKey { get; set; }
        public bool RemoveKey { get; set; }
        public string? AvatarId { get; set; }
        public string? PickedAvatarId { get; set; }
        public string? ShortAvatarId { get; set; }
        public string? PickedShortAvatarId { get; set; }
        public string? VoiceId { get; set; }
        public string? PickedVoiceId { get; set; }
        public string? Engine { get; set; }
        public int? MaxConcurrentRenders { get; set; }
        /// <summary>An unchecked box posts nothing, so absent means inactive.</summary>
        public bool Active { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(Guid? business, string? returnUrl, CancellationToken ct)
    {
        if (await LoadAsync(business, returnUrl, ct) is { } refused)
        {
            return refused;
        }
        KeepSavedInput();
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(Guid? business, string? returnUrl, CancellationToken ct)
    {
        if (await LoadAsync(business, returnUrl, ct) is { } refused)
        {
            return refused;
        }

        var apiKey = Input.ApiKey?.Trim() ?? "";
        var avatarId = Pick(Input.PickedAvatarId, Input.AvatarId);
        var shortAvatarId = Pick(Input.PickedShortAvatarId, Input.ShortAvatarId);
        var voiceId = Pick(Input.PickedVoiceId, Input.VoiceId);
        var engine = Engines.FirstOrDefault(e => e == Input.Engine);
        Error =
            apiKey.Length > MaxKeyLength ? $"That API key is {apiKey.Length:N0} characters long; HeyGen keys are far shorter. Copy it again from HeyGen › Settings › API."
            : apiKey.Any(char.IsWhiteSpace) ? "An API key has no spaces or line breaks inside. Copy it again from HeyGen › Settings › API."
            : avatarId?.Length > MaxIdLength || shortAvatarId?.Length > MaxIdLength ? $"An avatar look ID is longer than {MaxIdLength} characters. Pick the look from the list or copy its ID again."
            : voiceId?.Length > MaxIdLength ? $"The voice ID is longer than {MaxIdLength} characters. Pick the voice from the list or copy its ID again."
            : Input.MaxConcurrentRenders is < 1 or > 100 ? "Renders at a time must be a whole number from 1 to 100 (HeyGen's pay-as-you-go accounts allow 10)."
            : null;
        if (Error is null && await ChangedIdProblemsAsync(apiKey, new HeyGenChecks.Ids(avatarId, shortAvatarId, voiceId, engine), ct) is { Count: > 0 } problems)
        {
            Problems = problems;
            Error = "Nothing was saved: HeyGen does not know some of these settings.";
        }
        if (Error is not null)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            Input.ApiKey = null;
            return Page();
        }

        var integration = await db.AiAvatarIntegrations.Include(i => i.Secret)
            .SingleOrDefaultAsync(i => i.BusinessId == Business!.Id && i.Provider == "heygen", ct);
        if (integration is null)
        {
            integration = new AiAvatarIntegration { Id = Guid.NewGuid(), BusinessId = Business!.Id, Provider = "heygen" };
            db.AiAvatarIntegrations.Add(integration);
        }
        var oldSecret = integration.Secret;
        if (apiKey.Length > 0)
        {
            // Added explicitly: EF takes an untracked entity with its key already set for an existing row.
            integration.Secret = db.IntegrationSecrets.Add(secrets.Protect(apiKey)).Entity;
        }
        else if (Input.RemoveKey)
        {
            integration.Secret = null;
            integration.SecretId = null;
        }
        if (oldSecret is not null && integration.Secret != oldSecret)
        {
            db.IntegrationSecrets.Remove(oldSecret);
        }
        integration.AvatarId = avatarId;
        integration.ShortAvatarId = shortAvatarId;
        integration.VoiceId = voiceId;
        integration.Engine = engine;
        integration.MaxConcurrentRenders = Input.MaxConcurrentRenders;
        integration.Status = Input.Active ? IntegrationStatus.Active : IntegrationStatus.Inactive;
        integration.UpdatedAt = DateTimeOffset.UtcNow;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            Error = "Another admin saved the HeyGen settings at the same moment. Check what is saved now, then save your changes again.";
            Response.StatusCode = StatusCodes.Status409Conflict;
            Input.ApiKey = null;
            return Page();
        }

        StatusMessage = "HeyGen settings saved.";
        return RedirectToPage(new { business = Business!.Id, returnUrl = ReturnUrl });
    }

    public async Task<IActionResult> OnPostTestAsync(Guid? business, string? returnUrl, CancellationToken ct)
    {
        if (await LoadAsync(business, returnUrl, ct) is { } refused)
        {
            return refused;
        }
        KeepSavedInput();
        await WithSavedKeyAsync(async key =>
        {
            var user = await heygen.GetUserAsync(key, ct);
            ConnectionOk = true;
            ConnectionResult = $"Connected to HeyGen. Balance: {user.Balance}.";
            Problems = await HeyGenChecks.ProblemsAsync(heygen, key, new HeyGenChecks.Ids(Saved.AvatarId, Saved.ShortAvatarId, Saved.VoiceId, Saved.Engine), ct);
        });
        return Page();
    }

    /// <summary>
    /// The looks, voice and engine that differ from what is saved, checked with HeyGen before saving. Nothing to check
    /// without a key; when HeyGen cannot answer, the save goes ahead (Test connection checks again later).
    /// </summary>
    private async Task<IReadOnlyList<string>> ChangedIdProblemsAsync(string newKey, HeyGenChecks.Ids ids, CancellationToken ct)
    {
        var changed = new HeyGenChecks.Ids(
            ids.AvatarId != Saved.AvatarId || ids.Engine != Saved.Engine ? ids.AvatarId : null,
            ids.ShortAvatarId != Saved.ShortAvatarId || ids.Engine != Saved.Engine ? ids.ShortAvatarId : null,
            ids.VoiceId != Saved.VoiceId ? ids.VoiceId : null,
            ids.Engine);
        if (changed is { AvatarId: null, ShortAvatarId: null, VoiceId: null })
        {
            return [];
        }
        var key = newKey.Length > 0 ? newKey : await SavedKeyAsync();
        if (key is null)
        {
            return [];
        }
        try
        {
            return await HeyGenChecks.ProblemsAsync(heygen, key, changed, ct);
        }
        catch (HeyGenException)
        {
            return [];
        }
    }

    public async Task<IActionResult> OnPostCatalogAsync(Guid? business, string? returnUrl, string? looksToken, CancellationToken ct)
    {
        if (await LoadAsync(business, returnUrl, ct) is { } refused)
        {
            return refused;
        }
        KeepSavedInput();
        await WithSavedKeyAsync(async key =>
        {
            var looks = await heygen.ListLooksAsync(key, looksToken is { Length: > 0 and <= 2000 } ? looksToken : null, LooksPerPage, ct);
            var voices = (await heygen.ListVoicesAsync(key, privateVoices: true, null, 100, ct)).Items
                .Concat((await heygen.ListVoicesAsync(key, privateVoices: false, null, 100, ct)).Items)
                .ToList();
            Catalog = new HeyGenCatalog(looks.Items, voices, looks.NextToken);
        });
        return Page();
    }

    /// <summary>Registers this business's webhook endpoint at HeyGen and keeps the signing secret it returns, encrypted.</summary>
    public Task<IActionResult> OnPostRegisterWebhookAsync(Guid? business, string? returnUrl, CancellationToken ct) =>
        ChangeWebhookAsync(business, returnUrl, async (key, integration) =>
        {
            if (PublicUrl is null)
            {
                Error = "This app has no public address (Studio:PublicUrl), so HeyGen could not reach it. Polling alone completes every render.";
                return null;
            }
            integration.WebhookToken ??= Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
            var endpoint = await heygen.CreateWebhookEndpointAsync(key, Webhooks.HeyGenWebhook.UrlFor(PublicUrl, integration.WebhookToken),
                $"register-{integration.Id:N}-{integration.WebhookToken}", ct);
            integration.WebhookEndpointId = endpoint.EndpointId;
            ReplaceWebhookSecret(integration, endpoint.Secret);
            return "HeyGen will now notify this app when a video is ready; polling stays on as the fallback.";
        }, ct);

    /// <summary>A new signing secret: HeyGen stops signing with the old one at once, and so this app stops accepting it.</summary>
    public Task<IActionResult> OnPostRotateWebhookAsync(Guid? business, string? returnUrl, CancellationToken ct) =>
        ChangeWebhookAsync(business, returnUrl, async (key, integration) =>
        {
            if (integration.WebhookEndpointId is null)
            {
                Error = "No webhook is registered for this business.";
                return null;
            }
            try
            {
                ReplaceWebhookSecret(integration, await heygen.RotateWebhookSecretAsync(key, integration.WebhookEndpointId, Guid.NewGuid().ToString(), ct));
                return "The webhook's signing secret was replaced; the old one no longer works.";
            }
            catch (HeyGenException e) when (e.Kind == HeyGenErrorKind.NotFound)
            {
                ForgetWebhook(integration);
                return "HeyGen no longer had this webhook, so it was removed here too. Register it again to be notified.";
            }
        }, ct);

    public Task<IActionResult> OnPostRemoveWebhookAsync(Guid? business, string? returnUrl, CancellationToken ct) =>
        ChangeWebhookAsync(business, returnUrl, async (key, integration) =>
        {
            if (integration.WebhookEndpointId is { } endpointId)
            {
                try
                {
                    await heygen.DeleteWebhookEndpointAsync(key, endpointId, ct);
                }
                catch (HeyGenException e) when (e.Kind == HeyGenErrorKind.NotFound)
                {
                    // Already gone at HeyGen; forgetting it here is all that is left.
                }
            }
            ForgetWebhook(integration);
            return "The webhook was removed; polling alone completes every render.";
        }, ct);

    /// <summary>Runs one webhook change with the saved key; saves and redirects with its message, or shows the page with the error.</summary>
    private async Task<IActionResult> ChangeWebhookAsync(Guid? business, string? returnUrl, Func<string, AiAvatarIntegration, Task<string?>> change, CancellationToken ct)
    {
        if (await LoadAsync(business, returnUrl, ct) is { } refused)
        {
            return refused;
        }
        KeepSavedInput();
        string? done = null;
        await WithSavedKeyAsync(async key =>
        {
            var integration = await db.AiAvatarIntegrations.Include(i => i.WebhookSecret)
                .SingleAsync(i => i.BusinessId == Business!.Id && i.Provider == "heygen", ct);
            done = await change(key, integration);
            if (done is not null)
            {
                integration.UpdatedAt = DateTimeOffset.UtcNow;
                await db.SaveChangesAsync(ct);
            }
        });
        if (done is null)
        {
            return Page();
        }
        StatusMessage = done;
        return RedirectToPage(new { business = Business!.Id, returnUrl = ReturnUrl });
    }

    private void ReplaceWebhookSecret(AiAvatarIntegration integration, string secret)
    {
        var old = integration.WebhookSecret;
        integration.WebhookSecret = db.IntegrationSecrets.Add(secrets.ProtectWebhookSecret(secret)).Entity;
        if (old is not null)
        {
            db.IntegrationSecrets.Remove(old);
        }
    }

    private void ForgetWebhook(AiAvatarIntegration integration)
    {
        if (integration.WebhookSecret is { } old)
        {
            db.IntegrationSecrets.Remove(old);
        }
        integration.WebhookSecret = null;
        integration.WebhookSecretId = null;
        integration.WebhookEndpointId = null;
    }

    private void KeepSavedInput()
    {
        ModelState.Clear();
        Input = new InputModel
        {
            AvatarId = Saved.AvatarId,
            ShortAvatarId = Saved.ShortAvatarId,
            VoiceId = Saved.VoiceId,
            Engine = Saved.Engine,
            MaxConcurrentRenders = Saved.MaxConcurrentRenders,
            Active = Saved.Active || !Saved.Exists,
        };
    }

    private async Task<string?> SavedKeyAsync()
    {
        var secret = await db.AiAvatarIntegrations.AsNoTracking()
            .Where(i => i.BusinessId == Business!.Id && i.Provider == "heygen")
            .Select(i => i.Secret)
            .SingleOrDefaultAsync();
        try
        {
            return secret is null ? null : secrets.Unprotect(secret);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Runs a HeyGen call with the saved key and turns its failure into a sentence for the page.</summary>
    private async Task WithSavedKeyAsync(Func<string, Task> call)
    {
        var secret = await db.AiAvatarIntegrations.AsNoTracking()
            .Where(i => i.BusinessId == Business!.Id && i.Provider == "heygen")
            .Select(i => i.Secret)
            .SingleOrDefaultAsync();
        if (secret is null)
        {
            Error = "Save an API key first, then test the connection or load the avatars and voices.";
            return;
        }
        string key;
        try
        {
            key = secrets.Unprotect(secret);
        }
        catch (CryptographicException)
        {
            Error = "The saved API key can no longer be decrypted (the app's encryption keys changed). Enter the key again and save.";
            return;
        }
        try
        {
            await call(key);
        }
        catch (HeyGenException e) when (e.Kind == HeyGenErrorKind.KeyRejected)
        {
            Error = "HeyGen rejected the API key. Copy the whole key again from HeyGen › Settings › API and save it.";
        }
        catch (HeyGenException e) when (e.IsTransient)
        {
            Error = $"{e.MessageWithDetail} Nothing is wrong with your settings; check the network connection and try again in a minute.";
        }
        catch (HeyGenException e)
        {
            Error = e.MessageWithDetail;
        }
    }

    /// <summary>Loads the user's businesses and the chosen one; a result when the request must stop here.</summary>
    private async Task<IActionResult?> LoadAsync(Guid? business, string? returnUrl, CancellationToken ct)
    {
        ReturnUrl = returnUrl is not null && Url.IsLocalUrl(returnUrl) ? returnUrl : null;
        var userId = User.UserId();
        Businesses = await db.BusinessMembers.AsNoTracking()
            .Where(m => m.UserId == userId)
            .OrderBy(m => m.Business!.Name)
            .Select(m => new BusinessChoice(m.BusinessId, m.Business!.Name, m.Role))
            .ToListAsync(ct);
        Business = business is { } chosen
            ? Businesses.FirstOrDefault(b => b.Id == chosen)
            : Businesses.FirstOrDefault(b => b.Role == MemberRole.Admin) ?? Businesses.FirstOrDefault();
        if (business is not null && Business is null)
        {
            return NotFound();
        }
        if (Business is not null)
        {
            Saved = await db.AiAvatarIntegrations.AsNoTracking()
                .Where(i => i.BusinessId == Business.Id && i.Provider == "heygen")
                .Select(i => new SavedHeyGen(true, i.Status == IntegrationStatus.Active, i.Secret == null ? null : i.Secret.Hint, i.SecretId != null, i.AvatarId, i.VoiceId,
                    i.ShortAvatarId, i.Engine, i.MaxConcurrentRenders, i.WebhookSecretId == null ? null : i.WebhookToken))
                .SingleOrDefaultAsync(ct) ?? Saved;
        }
        if (Request.Method == HttpMethods.Post && !IsAdmin)
        {
            return Forbid();
        }
        return null;
    }

    private static string? Pick(string? picked, string? typed) =>
        (string.IsNullOrWhiteSpace(picked) ? typed : picked)?.Trim() is { Length: > 0 } value ? value : null;
}
