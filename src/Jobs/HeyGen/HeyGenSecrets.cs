using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Core.Generation;

namespace VideoStudio.Jobs.HeyGen;

/// <summary>
/// The HeyGen API key at rest: Data Protection ciphertext (key ring in PostgreSQL, shared by every process) plus a hint
/// of its last four characters, the only part any page shows.
/// </summary>
public sealed class HeyGenSecrets(IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("VideoStudio.HeyGen.ApiKey.v1");
    private readonly IDataProtector _webhookProtector = protection.CreateProtector("VideoStudio.HeyGen.WebhookSecret.v1");

    public IntegrationSecret Protect(string apiKey) => IntegrationSecret.Protect(_protector, apiKey, HintOf(apiKey));

    public string Unprotect(IntegrationSecret secret) => _protector.Unprotect(secret.Ciphertext);

    /// <summary>The signing secret HeyGen returned for a webhook endpoint, stored like the key and never shown.</summary>
    public IntegrationSecret ProtectWebhookSecret(string secret) => IntegrationSecret.Protect(_webhookProtector, secret);

    public string UnprotectWebhookSecret(IntegrationSecret secret) => _webhookProtector.Unprotect(secret.Ciphertext);

    /// <summary>Short keys get no hint: four characters of an eight-character key would give half of it away.</summary>
    public static string HintOf(string apiKey) => apiKey.Length >= 12 ? apiKey[^4..] : "";

    /// <summary>The active HeyGen settings of a business with the key decrypted, or null when any part is missing.</summary>
    public async Task<HeyGenAccount?> AccountForAsync(StudioDb db, Guid businessId, CancellationToken ct)
    {
        var integration = await db.AiAvatarIntegrations.AsNoTracking()
            .Include(i => i.Secret)
            .SingleOrDefaultAsync(i => i.BusinessId == businessId && i.Provider == "heygen" && i.Status == IntegrationStatus.Active, ct);
        if (integration is null
            || GenerationPolicy.Readiness(integration.Secret is not null, integration.AvatarId, integration.VoiceId) != IntegrationReadiness.Ready)
        {
            return null;
        }
        return new HeyGenAccount(Unprotect(integration.Secret!), integration.AvatarId!, integration.VoiceId!)
        {
            ShortAvatarId = integration.ShortAvatarId is { Length: > 0 } shortAvatar ? shortAvatar : null,
            Engine = integration.Engine,
            MaxConcurrentRenders = integration.MaxConcurrentRenders,
        };
    }
}

/// <summary>Lives only in memory for one call; never stored, logged or passed to a job.</summary>
public sealed record HeyGenAccount(string ApiKey, string AvatarId, string VoiceId)
{
    public string? ShortAvatarId { get; init; }

    public string? Engine { get; init; }

    public int? MaxConcurrentRenders { get; init; }

    /// <summary>The look a slot renders with: the short slot's own portrait look when one is chosen.</summary>
    public string AvatarFor(VideoSlot slot) => slot == VideoSlot.Short && ShortAvatarId is not null ? ShortAvatarId : AvatarId;

    public override string ToString() => $"HeyGenAccount {{ AvatarId = {AvatarId}, ShortAvatarId = {ShortAvatarId}, VoiceId = {VoiceId} }}";
}
