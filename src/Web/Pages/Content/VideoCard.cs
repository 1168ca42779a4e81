using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Core.Data;

namespace VideoStudio.Web.Pages.Content;

public enum CardState { Empty, Video, Generating, NotConfigured, Failed }

public enum IntegrationReadiness { Ready, MissingKey, MissingIds }

/// <summary>Everything the card partial needs, read fresh from the database by one loader for pages, handlers and live updates.</summary>
public sealed record VideoCard(
    Guid ContentId,
    VideoSlot Slot,
    string? VideoUrl,
    string? VideoFileName,
    bool HasScript,
    IntegrationReadiness Integration,
    VideoGeneration? Generation,
    CardState State)
{
    public const string MissingScriptMessage = "Video script is required to generate an AI avatar video.";
    public const string MissingKeyMessage = "HeyGen API key is not configured. Please set it up in Settings.";
    public const string MissingIdsMessage = "HeyGen avatar and voice IDs are required. Please configure them in Settings.";

    /// <summary>A one-off message for this response only (a refused action), shown as an alert on the card.</summary>
    public string? Message { get; init; }

    public string DomId => DomIdFor(Slot);

    public static string DomIdFor(VideoSlot slot) => $"video-card-{slot.Key()}";

    public string StateName => State switch
    {
        CardState.NotConfigured => "not-configured",
        _ => State.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// Names what the card shows. The page drops a live update whose fingerprint matches the card it has (a reconnect, a
    /// change of the other slot's integration), since replacing an identical card would stop a video that is playing.
    /// </summary>
    public string Fingerprint => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('|',
        StateName, VideoUrl, VideoFileName, HasScript, Integration, Generation?.Id, Generation?.Status, Generation?.ErrorMessage,
        Generation?.UpdatedAt.UtcTicks, Message))).AsSpan(0, 8));

    public string ScriptAnchor => Slot == VideoSlot.Long ? "main-script" : "short-script";

    public bool CanGenerate => HasScript && Integration == IntegrationReadiness.Ready && State != CardState.Generating;

    /// <summary>Why Generate is refused right now, in the words of the spec, or null when it may run.</summary>
    public string? GenerateRefusal =>
        !HasScript ? MissingScriptMessage
        : Integration == IntegrationReadiness.MissingKey ? MissingKeyMessage
        : Integration == IntegrationReadiness.MissingIds ? MissingIdsMessage
        : null;

    public static async Task<VideoCard?> LoadAsync(StudioDb db, Guid contentId, VideoSlot slot, CancellationToken ct = default) =>
        (await LoadAsync(db, contentId, [slot], ct)).SingleOrDefault();

    /// <summary>
    /// The cards of the given slots, in that order, in one statement; none when the content does not exist.
    /// Hand-written because EF translates "latest generation of this slot" into a window over every generation of every
    /// content item, which grows with the table; LATERAL ... LIMIT 1 reads one index entry per slot.
    /// </summary>
    public static async Task<IReadOnlyList<VideoCard>> LoadAsync(StudioDb db, Guid contentId, VideoSlot[] slots, CancellationToken ct = default)
    {
        var keys = slots.Select(s => s.Key()).ToArray();
        var rows = await db.Database.SqlQuery<CardRow>($"""
            SELECT s.slot,
                   CASE s.slot WHEN 'long' THEN c.video_long_url ELSE c.video_short_url END AS video_url,
                   coalesce(CASE s.slot WHEN 'long' THEN c.video_script ELSE c.short_video_script END ~ '\S', false) AS has_script,
                   coalesce(i.secret_id IS NOT NULL, false) AS has_key,
                   i.avatar_id, i.voice_id,
                   a.original_file_name AS video_file_name,
                   changed.last_asset_change,
                   g.id AS generation_id, g.status AS generation_status, g.provider_video_id, g.error_code, g.error_message,
                   g.attempts, g.requested_by, g.asset_id, g.created_at, g.submitted_at, g.finished_at, g.updated_at
            FROM content c
            CROSS JOIN unnest({keys}) WITH ORDINALITY AS s(slot, position)
            LEFT JOIN ai_avatar_integrations i ON i.business_id = c.business_id AND i.provider = 'heygen' AND i.status = 'active'
            LEFT JOIN LATERAL (
                SELECT * FROM video_generations
                WHERE content_id = c.id AND slot = s.slot
                ORDER BY created_at DESC LIMIT 1) g ON true
            LEFT JOIN LATERAL (
                SELECT original_file_name FROM video_assets
                WHERE content_id = c.id AND slot = s.slot AND replaced_at IS NULL AND deleted_at IS NULL
                ORDER BY created_at DESC LIMIT 1) a ON true
            LEFT JOIN LATERAL (
                SELECT max(coalesce(deleted_at, created_at)) AS last_asset_change FROM video_assets
                WHERE content_id = c.id AND slot = s.slot) changed ON true
            WHERE c.id = {contentId}
            ORDER BY s.position
            """).ToListAsync(ct);
        return rows.Select(r => r.ToCard(contentId)).ToList();
    }

    private sealed class CardRow
    {
        // Strings: the enum conventions of the model do not reach types that are only read by SqlQuery.
        public required string Slot { get; init; }
        public string? VideoUrl { get; init; }
        public bool HasScript { get; init; }
        public bool HasKey { get; init; }
        public string? AvatarId { get; init; }
        public string? VoiceId { get; init; }
        public string? VideoFileName { get; init; }
        public DateTimeOffset? LastAssetChange { get; init; }
        public Guid? GenerationId { get; init; }
        public string? GenerationStatus { get; init; }
        public string? ProviderVideoId { get; init; }
        public string? ErrorCode { get; init; }
        public string? ErrorMessage { get; init; }
        public int? Attempts { get; init; }
        public string? RequestedBy { get; init; }
        public Guid? AssetId { get; init; }
        public DateTimeOffset? CreatedAt { get; init; }
        public DateTimeOffset? SubmittedAt { get; init; }
        public DateTimeOffset? FinishedAt { get; init; }
        public DateTimeOffset? UpdatedAt { get; init; }

        public VideoCard ToCard(Guid contentId)
        {
            var integration =
                !HasKey ? IntegrationReadiness.MissingKey
                : string.IsNullOrEmpty(AvatarId) || string.IsNullOrEmpty(VoiceId) ? IntegrationReadiness.MissingIds
                : IntegrationReadiness.Ready;

            var slot = SnakeCaseEnumConverter<VideoSlot>.Parse(Slot);
            var generation = GenerationId is { } id
                ? new VideoGeneration
                {
                    Id = id,
                    ContentId = contentId,
                    Slot = slot,
                    Status = SnakeCaseEnumConverter<GenerationStatus>.Parse(GenerationStatus!),
                    ProviderVideoId = ProviderVideoId,
                    ErrorCode = ErrorCode,
                    ErrorMessage = ErrorMessage,
                    Attempts = Attempts!.Value,
                    RequestedBy = RequestedBy,
                    AssetId = AssetId,
                    CreatedAt = CreatedAt!.Value,
                    SubmittedAt = SubmittedAt,
                    FinishedAt = FinishedAt,
                    UpdatedAt = UpdatedAt!.Value,
                }
                : null;

            // A failure stays on the card until the editor does something else with the slot.
            var failureStillRelevant = generation is { Status: Core.GenerationStatus.Failed or Core.GenerationStatus.TimedOut }
                && (LastAssetChange is null || generation.UpdatedAt > LastAssetChange);

            var state =
                generation is not null && generation.Status.IsActive() ? CardState.Generating
                : failureStillRelevant ? CardState.Failed
                : VideoUrl is not null ? CardState.Video
                : integration != IntegrationReadiness.Ready ? CardState.NotConfigured
                : CardState.Empty;

            return new VideoCard(contentId, slot, VideoUrl, VideoFileName, HasScript, integration, generation, state);
        }
    }
}
