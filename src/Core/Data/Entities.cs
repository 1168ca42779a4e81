using System.Linq.Expressions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;

namespace VideoStudio.Core.Data;

public class StudioUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
    public bool IsSiteAdmin { get; set; }
}

/// <summary>
/// One signed-in browser: its cookie carries the id, and every request checks the row is still open, so signing out ends
/// this session alone and "sign out everywhere" (or a password change) ends the others.
/// </summary>
public class UserSession
{
    public Guid Id { get; set; }
    public required string UserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Brought up to date at most every few minutes, not on every request (a write per request would cost more than it tells).</summary>
    public DateTimeOffset LastSeenAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public string? Address { get; set; }
    public string? UserAgent { get; set; }
}

public class Business
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public List<BusinessMember> Members { get; set; } = [];
    public List<AiAvatarIntegration> Integrations { get; set; } = [];
}

public class BusinessMember
{
    public Guid BusinessId { get; set; }
    public required string UserId { get; set; }
    public MemberRole Role { get; set; }
    public Business? Business { get; set; }
    public StudioUser? User { get; set; }
}

public class Content
{
    public Guid Id { get; set; }
    public Guid BusinessId { get; set; }
    public required string Title { get; set; }
    public string? VideoScript { get; set; }
    public string? ShortVideoScript { get; set; }
    public string? VideoLongUrl { get; set; }
    public string? VideoShortUrl { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? ArchivedAt { get; set; }
    public uint Version { get; set; }
    public Business? Business { get; set; }

    public string? Script(VideoSlot slot) => slot == VideoSlot.Long ? VideoScript : ShortVideoScript;

    public string? VideoUrl(VideoSlot slot) => slot == VideoSlot.Long ? VideoLongUrl : VideoShortUrl;

    public void SetVideoUrl(VideoSlot slot, string? url)
    {
        if (slot == VideoSlot.Long) VideoLongUrl = url; else VideoShortUrl = url;
    }
}

/// <summary>
/// A link that lets its holder join a business with a role, or, without a business, become the first site administrator.
/// Only the token's SHA-256 is stored; the token itself is shown once, to the admin who copies the link.
/// </summary>
public class Invitation
{
    public Guid Id { get; set; }
    public Guid? BusinessId { get; set; }
    public string? Email { get; set; }
    public MemberRole Role { get; set; }
    public bool SiteAdmin { get; set; }
    public required string TokenHash { get; set; }
    public string? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? AcceptedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    /// <summary>When its link went out by e-mail; none while it waits to be sent, or when it was shown to copy instead.</summary>
    public DateTimeOffset? EmailedAt { get; set; }
    public Business? Business { get; set; }

    public bool IsOpen(DateTimeOffset now) => AcceptedAt is null && RevokedAt is null && ExpiresAt > now;
}

public class AiAvatarIntegration
{
    public Guid Id { get; set; }
    public Guid BusinessId { get; set; }
    public string Provider { get; set; } = "heygen";
    public IntegrationStatus Status { get; set; }
    public Guid? SecretId { get; set; }
    public string? AvatarId { get; set; }
    /// <summary>The look for the short (9:16) slot; none means the short slot uses <see cref="AvatarId"/> too.</summary>
    public string? ShortAvatarId { get; set; }
    public string? VoiceId { get; set; }
    /// <summary>HeyGen's engine (avatar_iv, avatar_v, avatar_iii) when chosen; none lets HeyGen use its default.</summary>
    public string? Engine { get; set; }
    /// <summary>Renders this business keeps in flight at HeyGen at most; none means the configured default.</summary>
    public int? MaxConcurrentRenders { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public IntegrationSecret? Secret { get; set; }
    /// <summary>The endpoint registered at HeyGen for this business's webhooks, and its signing secret (encrypted).</summary>
    public string? WebhookEndpointId { get; set; }
    public Guid? WebhookSecretId { get; set; }
    public IntegrationSecret? WebhookSecret { get; set; }
    /// <summary>Opaque token in this business's webhook URL, so a delivery names whose secret verifies it.</summary>
    public string? WebhookToken { get; set; }
}

/// <summary>An API key or signing secret protected with ASP.NET Core Data Protection; only the hint is readable.</summary>
public class IntegrationSecret
{
    public Guid Id { get; set; }
    public required string Ciphertext { get; set; }
    public required string Hint { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>A new row holding <paramref name="secret"/> encrypted by <paramref name="protector"/> (whose purpose says what it is for).</summary>
    public static IntegrationSecret Protect(IDataProtector protector, string secret, string hint = "") => new()
    {
        Id = Guid.NewGuid(),
        Ciphertext = protector.Protect(secret),
        Hint = hint,
        CreatedAt = DateTimeOffset.UtcNow,
    };
}

public class VideoAsset
{
    public Guid Id { get; set; }
    public Guid ContentId { get; set; }
    public VideoSlot Slot { get; set; }
    public VideoSource Source { get; set; }
    public required string StorageKey { get; set; }
    public required string OriginalFileName { get; set; }
    public required string ContentType { get; set; }
    public long SizeBytes { get; set; }
    public required string Sha256 { get; set; }
    public string? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ReplacedAt { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }
    /// <summary>Companion files in media storage: the player's poster image and its WebVTT captions.</summary>
    public string? PosterKey { get; set; }
    public string? CaptionsKey { get; set; }
    public double? DurationSeconds { get; set; }
    /// <summary>The picture as shown (rotation applied) and the codecs, as ffprobe read them; none when it was not installed.</summary>
    public int? Width { get; set; }
    public int? Height { get; set; }
    public string? VideoCodec { get; set; }
    public string? AudioCodec { get; set; }
    /// <summary>Its shape does not fit the slot (landscape in 9:16 or the reverse) and the editor chose to use it anyway.</summary>
    public bool ShapeAccepted { get; set; }
    /// <summary>When this version last became the slot's video (made, restored or brought back by Undo); none for one kept aside.</summary>
    public DateTimeOffset? CurrentSince { get; set; }
    /// <summary>When its files were deleted (retention, or an admin deleting it for good); the row stays for the audit trail.</summary>
    public DateTimeOffset? RemovedAt { get; set; }

    /// <summary>
    /// The version its slot shows: neither replaced nor deleted. One expression, so every query (translated to SQL by EF)
    /// and every loaded row agree on what "current" means.
    /// </summary>
    public static readonly Expression<Func<VideoAsset, bool>> Current = a => a.ReplacedAt == null && a.DeletedAt == null;

    private static readonly Func<VideoAsset, bool> IsCurrentOf = Current.Compile();

    public bool IsCurrent => IsCurrentOf(this);
}

/// <summary>
/// A resumable (tus) upload: its bytes gather in media storage's temporary area, chunk by chunk from any web process, until
/// the last one arrives and the file is checked and attached to the slot (then <see cref="AssetId"/> is set, once).
/// </summary>
public class UploadSession
{
    public Guid Id { get; set; }
    public Guid BusinessId { get; set; }
    public Guid ContentId { get; set; }
    public VideoSlot Slot { get; set; }
    public required string UserId { get; set; }
    public required string FileName { get; set; }
    public long Length { get; set; }
    /// <summary>Bytes received and kept; whatever a process that died stored past this is dropped by the next chunk.</summary>
    public long Offset { get; set; }
    /// <summary>The container its first bytes showed (a video format's extension), known from the first chunk on: object storage names the upload's blocks by it.</summary>
    public string? Format { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    /// <summary>Set when it finished: the asset it became, which has the upload's own id.</summary>
    public Guid? AssetId { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}

public class VideoGeneration
{
    public Guid Id { get; set; }
    public Guid ContentId { get; set; }
    public VideoSlot Slot { get; set; }
    public GenerationStatus Status { get; set; }
    public string? ProviderVideoId { get; set; }
    public string? ErrorCode { get; set; }
    /// <summary>What went wrong, in our words with what to do; <see cref="ErrorDetail"/> keeps HeyGen's own words beside it.</summary>
    public string? ErrorMessage { get; set; }
    /// <summary>HeyGen's own reason as it sent it (its message or failure code), shown as a detail; never anything secret.</summary>
    public string? ErrorDetail { get; set; }
    public int Attempts { get; set; }
    /// <summary>When a step that HeyGen did not answer is tried again: the card counts down to it.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }
    /// <summary>Not sent yet because the business has as many renders in flight at HeyGen as it may.</summary>
    public bool WaitsForRenderSlot { get; set; }
    public string? RequestedBy { get; set; }
    public Guid? AssetId { get; set; }
    /// <summary>What the render was made from, kept when it is sent: the slot's history shows it beside the video.</summary>
    public string? AvatarId { get; set; }
    public string? VoiceId { get; set; }
    public string? ScriptExcerpt { get; set; }
    /// <summary>The Hangfire job that started it, for site admins' link to the dashboard.</summary>
    public string? JobId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One user-visible operation and its outcome; the success metrics are computed from these rows.</summary>
public class VideoEvent
{
    public long Id { get; set; }
    public Guid BusinessId { get; set; }
    public Guid ContentId { get; set; }
    public VideoSlot Slot { get; set; }
    public required string Kind { get; set; }
    public required string Outcome { get; set; }
    public string? ErrorKind { get; set; }
    public long? Bytes { get; set; }
    public long? DurationMs { get; set; }
    public Guid? AssetId { get; set; }
    public Guid? GenerationId { get; set; }
    public string? UserId { get; set; }
    public DateTimeOffset At { get; set; }
}
