using System.Security.Cryptography;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Jobs.HeyGen;
using VideoStudio.Web.Auth;

namespace VideoStudio.Web.Pages.Settings;

public sealed record BusinessChoice(Guid Id, string Name, MemberRole Role);

/// <summary>What is saved for a business, never including the key itself.</summary>
public sealed record SavedHeyGen(bool Exists, bool Active, string? KeyHint, bool HasKey, string? AvatarId, string? VoiceId);

public sealed record HeyGenCatalog(IReadOnlyList<HeyGenLook> Avatars, IReadOnlyList<HeyGenVoice> Voices);

/// <summary>HeyGen settings of one business: admins edit them, other members are told who can.</summary>
public class IntegrationsModel(StudioDb db, HeyGenSecrets secrets, HeyGenClient heygen) : PageModel
{
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
        public string? VoiceId { get; set; }
        public string? PickedVoiceId { get; set; }
        /// <summary>An unchecked box posts nothing, so absent means inactive.</summary>
        public bool Active { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(Guid? business, string? returnUrl, CancellationToken ct)
    {
        if (await LoadAsync(business, returnUrl, ct) is { } refused)
        {
            return refused;
        }
        Input = new InputModel { AvatarId = Saved.AvatarId, VoiceId = Saved.VoiceId, Active = Saved.Active || !Saved.Exists };
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
        var voiceId = Pick(Input.PickedVoiceId, Input.VoiceId);
        Error =
            apiKey.Length > MaxKeyLength ? $"That API key is {apiKey.Length:N0} characters long; HeyGen keys are far shorter. Copy it again from HeyGen › Settings › API."
            : apiKey.Any(char.IsWhiteSpace) ? "An API key has no spaces or line breaks inside. Copy it again from HeyGen › Settings › API."
            : avatarId?.Length > MaxIdLength ? $"The avatar ID is longer than {MaxIdLength} characters. Pick the avatar from the list or copy its ID again."
            : voiceId?.Length > MaxIdLength ? $"The voice ID is longer than {MaxIdLength} characters. Pick the voice from the list or copy its ID again."
            : null;
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
        integration.VoiceId = voiceId;
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
        });
        return Page();
    }

    public async Task<IActionResult> OnPostCatalogAsync(Guid? business, string? returnUrl, CancellationToken ct)
    {
        if (await LoadAsync(business, returnUrl, ct) is { } refused)
        {
            return refused;
        }
        KeepSavedInput();
        await WithSavedKeyAsync(async key =>
        {
            var looks = await heygen.ListLooksAsync(key, null, 50, ct);
            var voices = (await heygen.ListVoicesAsync(key, privateVoices: true, null, 100, ct)).Items
                .Concat((await heygen.ListVoicesAsync(key, privateVoices: false, null, 100, ct)).Items)
                .ToList();
            Catalog = new HeyGenCatalog(looks.Items, voices);
        });
        return Page();
    }

    private void KeepSavedInput()
    {
        ModelState.Clear();
        Input = new InputModel { AvatarId = Saved.AvatarId, VoiceId = Saved.VoiceId, Active = Saved.Active || !Saved.Exists };
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
            Error = $"{e.Message} Nothing is wrong with your settings; check the network connection and try again in a minute.";
        }
        catch (HeyGenException e)
        {
            Error = e.Message;
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
                .Select(i => new SavedHeyGen(true, i.Status == IntegrationStatus.Active, i.Secret == null ? null : i.Secret.Hint, i.SecretId != null, i.AvatarId, i.VoiceId))
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
