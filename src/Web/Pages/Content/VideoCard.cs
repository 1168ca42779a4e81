using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Core.Generation;
using VideoStudio.Core.Media;

namespace VideoStudio.Web.Pages.Content;

public enum CardState { Empty, Video, Generating, NotConfigured, Failed }

/// <summary>
/// Exactly what one slot's card shows, as plain values: the same for every viewer, so a changed card can be rendered once
/// and sent to every stream. <see cref="Fingerprint"/> is derived from this value, so a new field is covered without
/// anyone remembering to add it. <see cref="Version"/> counts the slot's committed changes (card_versions, kept by the
/// same triggers that announce them): the page never replaces a card with one of a lower version. It is left out of the
/// fingerprint, so a change that shows nothing new moves the version on without replacing the card.
/// </summary>
public sealed record VideoCard(
    [property: JsonIgnore] long Version,
    Guid ContentId,
    VideoSlot Slot,
    CardState State,
    string? VideoUrl,
    string? VideoFileName,
    bool HasScript,
    IntegrationReadiness Integration,
    string? GenerateRefusal,
    bool CanGenerate,
    bool TimedOut,
    string? FailureMessage,
    bool KeptAside,
    string? Progress,
    DateTimeOffset? StartedAt,
    string? Announcement,
    string? AnnouncementKey)
{
    /// <summary>The current video's poster, WebVTT captions and length, when HeyGen made it (our copies, never HeyGen's links).</summary>
    public string? PosterUrl { get; init; }
    public string? CaptionsUrl { get; init; }
    public double? DurationSeconds { get; init; }

    /// <summary>The current video's file size, shown beside its length.</summary>
    public long? SizeBytes { get; init; }

    /// <summary>The current video's shape does not fit the slot and the editor chose to use it anyway.</summary>
    public bool ShapeAccepted { get; init; }

    /// <summary>The generation waits before it is sent: the business has as many renders in flight as it may (null = the default).</summary>
    public bool WaitsForRenderSlot { get; init; }
    public int? RenderLimit { get; init; }

    /// <summary>What the next render may take and cost, from the script's length and the chosen engine; null when none can start.</summary>
    public int? ScriptLength { get; init; }
    public string? Engine { get; init; }

    /// <summary>A failure's kind in a few words (<see cref="GenerationFailure"/>), and HeyGen's own reason as a secondary detail.</summary>
    public string? FailureHeadline { get; init; }
    public string? FailureDetail { get; init; }

    /// <summary>When a step HeyGen did not answer is tried again; the page counts down to it.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>
    /// The slot's latest change and the version it took away, which Undo brings back while the page offers it
    /// (Studio:History:UndoWindow after <see cref="UndoOffer.At"/>); History keeps working after that.
    /// </summary>
    public UndoOffer? Undo { get; init; }

    /// <summary>The version the slot shows, which an Undo expects to find still current.</summary>
    public Guid? AssetId { get; init; }

    /// <summary>A one-off message for this response only (a refused action), shown as an alert on the card.</summary>
    public string? Message { get; init; }

    /// <summary>How long until a retry, as the page's script counts it down too ("in 30 s", "in 2 min", "now").</summary>
    public static string Countdown(TimeSpan left) =>
        left <= TimeSpan.Zero ? "now"
        : left < TimeSpan.FromSeconds(90) ? $"in {Math.Ceiling(left.TotalSeconds):0} s"
        : $"in {Math.Round(left.TotalMinutes):0} min";

    [JsonIgnore]
    public SlotFacts Facts => Slot.Facts();

    [JsonIgnore]
    public string DomId => Facts.CardDomId;

    [JsonIgnore]
    public string StateName => State == CardState.NotConfigured ? "not-configured" : State.ToString().ToLowerInvariant();

    /// <summary>
    /// Names what the card shows. The page drops a live update whose fingerprint matches the card it has (a reconnect, a
    /// change of the other slot's integration), since replacing an identical card would stop a video that is playing.
    /// </summary>
    [JsonIgnore]
    public string Fingerprint => Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(this)).AsSpan(0, 8));

    /// <summary>
    /// Every card of one content item in one statement: what the card shows and what decides whether the slot may generate.
    /// Hand-written because EF translates "latest generation of this slot" into a window over every generation of every
    /// content item, which grows with the table; LATERAL ... LIMIT 1 reads one index entry per slot. Each column read here
    /// must be covered by a trigger that sends video_card_changed (the migrations); a test reads both and compares.
    /// </summary>
    public const string Query = """
        SELECT s.slot, c.business_id, coalesce(v.version, 0) AS version,
               CASE s.slot WHEN 'long' THEN c.video_long_url ELSE c.video_short_url END AS video_url,
               coalesce(CASE s.slot WHEN 'long' THEN c.video_script ELSE c.short_video_script END ~ '\S', false) AS has_script,
               coalesce(length(CASE s.slot WHEN 'long' THEN c.video_script ELSE c.short_video_script END), 0) AS script_length,
               coalesce(i.secret_id IS NOT NULL, false) AS has_key,
               i.avatar_id, i.voice_id, i.engine, i.max_concurrent_renders,
               a.id AS asset_id, a.original_file_name AS video_file_name, a.source AS asset_source, a.created_at AS asset_created_at,
               a.poster_key, a.captions_key, a.duration_seconds, a.size_bytes, coalesce(a.shape_accepted, false) AS shape_accepted, a.current_since AS asset_current_since,
               undo.id AS undo_asset_id, undo.original_file_name AS undo_file_name,
               changed.last_asset_change, changed.last_deleted_at,
               g.id AS generation_id, g.status AS generation_status, g.error_code, g.error_message, g.error_detail,
               g.next_attempt_at, g.updated_at AS generation_updated_at,
               g.waits_for_render_slot, g.created_at AS generation_created_at, g.attempts AS generation_attempts,
               coalesce(ga.replaced_at = ga.created_at AND changed.last_asset_change <= ga.created_at, false) AS kept_aside
        FROM content c
        CROSS JOIN unnest(@slots) WITH ORDINALITY AS s(slot, position)
        LEFT JOIN card_versions v ON v.content_id = c.id AND v.slot = s.slot
        LEFT JOIN ai_avatar_integrations i ON i.business_id = c.business_id AND i.provider = 'heygen' AND i.status = 'active'
        LEFT JOIN LATERAL (
            SELECT id, status, error_code, error_message, error_detail, next_attempt_at, updated_at, waits_for_render_slot, created_at, attempts, asset_id
            FROM video_generations
            WHERE content_id = c.id AND slot = s.slot
            ORDER BY created_at DESC LIMIT 1) g ON true
        LEFT JOIN LATERAL (
            SELECT id, original_file_name, source, created_at, current_since, poster_key, captions_key, duration_seconds, size_bytes, shape_accepted FROM video_assets
            WHERE content_id = c.id AND slot = s.slot AND replaced_at IS NULL AND deleted_at IS NULL
            ORDER BY created_at DESC LIMIT 1) a ON true
        LEFT JOIN LATERAL (
            SELECT max(greatest(created_at, deleted_at, current_since)) AS last_asset_change, max(deleted_at) AS last_deleted_at FROM video_assets
            WHERE content_id = c.id AND slot = s.slot) changed ON true
        LEFT JOIN LATERAL (
            SELECT id, original_file_name FROM video_assets p
            WHERE p.content_id = c.id AND p.slot = s.slot AND p.removed_at IS NULL
              AND CASE WHEN a.id IS NULL THEN p.deleted_at = changed.last_deleted_at
                       ELSE p.id <> a.id AND p.replaced_at = a.current_since END
            LIMIT 1) undo ON true
        LEFT JOIN video_assets ga ON ga.id = g.asset_id
        WHERE c.id = @content_id
          AND (@user_id IS NULL OR EXISTS (SELECT 1 FROM business_members m WHERE m.business_id = c.business_id AND m.user_id = @user_id))
        ORDER BY s.position
        """;

    /// <summary>
    /// The content page's one statement: the item's own fields beside each card (each row carries its slot's script), so the
    /// page costs one round trip, not one for the item and another for its cards.
    /// </summary>
    private const string PageQuery = $"""
        SELECT card.*, c.title, c.archived_at, CASE card.slot WHEN 'long' THEN c.video_script ELSE c.short_video_script END AS script
        FROM ({Query}) card JOIN content c ON c.id = @content_id
        """;

    /// <summary>The item and both its cards, or null when it does not exist or <paramref name="userId"/> is not a member of its business.</summary>
    public static async Task<ContentPage?> ReadPageAsync(StudioDb db, Guid contentId, string userId, CancellationToken ct = default)
    {
        var rows = await db.Database.SqlQueryRaw<PageRow>(PageQuery, Parameters(contentId, VideoSlots.All, userId)).ToListAsync(ct);
        if (rows.Count == 0)
        {
            return null;
        }
        var slots = rows.Select(r => (Row: r, r.ToSnapshot(contentId).Card)).ToDictionary(r => r.Card.Slot);
        var (main, shortSlot) = (slots[VideoSlot.Long], slots[VideoSlot.Short]);
        return new ContentPage(new ContentPageItem(contentId, main.Row.Title, main.Row.ArchivedAt, main.Row.Script, shortSlot.Row.Script),
            main.Card, shortSlot.Card);
    }

    public static async Task<VideoCard?> LoadAsync(StudioDb db, Guid contentId, VideoSlot slot, CancellationToken ct = default) =>
        (await ReadAsync(db, contentId, [slot], visibleTo: null, ct)).SingleOrDefault()?.Card;

    public static async Task<IReadOnlyList<VideoCard>> LoadAsync(StudioDb db, Guid contentId, VideoSlot[] slots, CancellationToken ct = default) =>
        (await ReadAsync(db, contentId, slots, visibleTo: null, ct)).Select(s => s.Card).ToList();

    /// <summary>
    /// The cards of the given slots, in that order, with what a handler needs beside them; none when the content does not
    /// exist or, given a user, when that user is not a member of its business.
    /// </summary>
    public static async Task<IReadOnlyList<SlotSnapshot>> ReadAsync(
        StudioDb db, Guid contentId, VideoSlot[] slots, string? visibleTo, CancellationToken ct = default)
    {
        var rows = await db.Database.SqlQueryRaw<CardRow>(Query, Parameters(contentId, slots, visibleTo)).ToListAsync(ct);
        return rows.Select(r => r.ToSnapshot(contentId)).ToList();
    }

    private static object[] Parameters(Guid contentId, IEnumerable<VideoSlot> slots, string? visibleTo) =>
    [
        new NpgsqlParameter("content_id", contentId),
        new NpgsqlParameter("slots", slots.Select(s => s.Key()).ToArray()),
        new NpgsqlParameter("user_id", NpgsqlDbType.Text) { Value = (object?)visibleTo ?? DBNull.Value },
    ];

    private sealed class PageRow : CardRow
    {
        public required string Title { get; init; }
        public DateTimeOffset? ArchivedAt { get; init; }
        public string? Script { get; init; }
    }

    private class CardRow
    {
        // Strings: the enum conventions of the model do not reach types that are only read by SqlQuery.
        public required string Slot { get; init; }
        public Guid BusinessId { get; init; }
        public long Version { get; init; }
        public string? VideoUrl { get; init; }
        public bool HasScript { get; init; }
        public int ScriptLength { get; init; }
        public bool HasKey { get; init; }
        public string? AvatarId { get; init; }
        public string? VoiceId { get; init; }
        public string? Engine { get; init; }
        public int? MaxConcurrentRenders { get; init; }
        public string? PosterKey { get; init; }
        public string? CaptionsKey { get; init; }
        public double? DurationSeconds { get; init; }
        public long? SizeBytes { get; init; }
        public bool ShapeAccepted { get; init; }
        public bool? WaitsForRenderSlot { get; init; }
        public Guid? AssetId { get; init; }
        public string? VideoFileName { get; init; }
        public string? AssetSource { get; init; }
        public DateTimeOffset? AssetCreatedAt { get; init; }
        public DateTimeOffset? AssetCurrentSince { get; init; }
        public Guid? UndoAssetId { get; init; }
        public string? UndoFileName { get; init; }
        public DateTimeOffset? LastAssetChange { get; init; }
        public DateTimeOffset? LastDeletedAt { get; init; }
        public Guid? GenerationId { get; init; }
        public string? GenerationStatus { get; init; }
        public string? ErrorCode { get; init; }
        public string? ErrorMessage { get; init; }
        public string? ErrorDetail { get; init; }
        public DateTimeOffset? NextAttemptAt { get; init; }
        public DateTimeOffset? GenerationUpdatedAt { get; init; }
        public DateTimeOffset? GenerationCreatedAt { get; init; }
        public int? GenerationAttempts { get; init; }
        public bool KeptAside { get; init; }

        public SlotSnapshot ToSnapshot(Guid contentId)
        {
            var slot = SnakeCaseEnumConverter<VideoSlot>.Parse(Slot);
            var title = slot.Title();
            var status = GenerationStatus is { } s ? SnakeCaseEnumConverter<GenerationStatus>.Parse(s) : (GenerationStatus?)null;
            var generating = status?.IsActive() == true;
            var facts = new GenerationFacts(slot, HasScript, ScriptLength, GenerationPolicy.Readiness(HasKey, AvatarId, VoiceId), generating);

            // A failure stays on the card until the editor does something else with the slot.
            var failed = status is Core.GenerationStatus.Failed or Core.GenerationStatus.TimedOut
                && (LastAssetChange is null || GenerationUpdatedAt > LastAssetChange);
            var deletedLast = VideoUrl is null && LastDeletedAt is not null && LastDeletedAt >= LastAssetChange;
            var restored = AssetCurrentSince is { } since && since != AssetCreatedAt;

            var state =
                generating ? CardState.Generating
                : failed ? CardState.Failed
                : VideoUrl is not null ? CardState.Video
                : facts.Integration != IntegrationReadiness.Ready ? CardState.NotConfigured
                : CardState.Empty;

            // What the slot's latest change was, said in words; the page speaks it when the key differs from what it showed.
            var (announcement, key) = state switch
            {
                CardState.Generating => ($"Creating AI video for {title}", $"generation:{GenerationId}:active"),
                CardState.Failed => ($"AI video for {title} failed: {ErrorMessage}", $"generation:{GenerationId}:failed"),
                CardState.Video when restored => ($"Earlier video restored: {title}", $"asset:{AssetId}:{AssetCurrentSince!.Value.UtcTicks}"),
                CardState.Video when AssetSource == "ai" => ($"AI video for {title} is ready", $"asset:{AssetId}"),
                CardState.Video => ($"Upload finished: {title}", $"asset:{AssetId}"),
                _ when deletedLast => ($"Video deleted: {title}", $"deleted:{LastDeletedAt!.Value.UtcTicks}"),
                _ => ((string?)null, (string?)null),
            };

            // Where a running render is, in words; a step HeyGen did not answer is tried again at NextAttemptAt, which the
            // card counts down to after these words.
            var retrying = generating && NextAttemptAt is not null;
            var progress = !generating ? null
                : retrying && status == Core.GenerationStatus.Queued
                    ? GenerationAttempts > 0
                        ? $"HeyGen is not answering (attempt {GenerationAttempts}); trying again"
                        : "HeyGen asked us to wait; sending again"
                : retrying ? "HeyGen is not answering; asking about the render again"
                : status switch
                {
                    Core.GenerationStatus.Queued => "Sending the script to HeyGen.",
                    Core.GenerationStatus.Submitted => "Waiting for HeyGen to start rendering.",
                    _ => "HeyGen is rendering the video; renders usually take 5 to 15 minutes.",
                };

            var card = new VideoCard(Version, contentId, slot, state, VideoUrl, VideoFileName, HasScript, facts.Integration,
                GenerationPolicy.Refusal(facts), GenerationPolicy.MayStart(facts),
                TimedOut: status == Core.GenerationStatus.TimedOut, FailureMessage: failed ? ErrorMessage : null,
                KeptAside: KeptAside && status == Core.GenerationStatus.Completed, progress, generating ? GenerationCreatedAt : null,
                announcement, key)
            {
                FailureHeadline = failed ? GenerationFailure.Headline(ErrorCode, status == Core.GenerationStatus.TimedOut) : null,
                FailureDetail = failed ? ErrorDetail : null,
                NextAttemptAt = retrying ? NextAttemptAt : null,
                PosterUrl = PosterKey is null ? null : SlotVideos.UrlOf(PosterKey),
                CaptionsUrl = CaptionsKey is null ? null : SlotVideos.UrlOf(CaptionsKey),
                DurationSeconds = VideoUrl is null ? null : DurationSeconds,
                SizeBytes = VideoUrl is null ? null : SizeBytes,
                ShapeAccepted = VideoUrl is not null && ShapeAccepted,
                WaitsForRenderSlot = generating && WaitsForRenderSlot == true,
                RenderLimit = MaxConcurrentRenders,
                ScriptLength = GenerationPolicy.MayStart(facts) ? ScriptLength : null,
                Engine = GenerationPolicy.MayStart(facts) ? Engine : null,
                AssetId = AssetId,
                Undo = UndoAssetId is not { } undoId ? null
                    : AssetId is null ? new UndoOffer(undoId, UndoFileName!, UndoKind.Deleted, LastDeletedAt!.Value)
                    : new UndoOffer(undoId, UndoFileName!, restored ? UndoKind.Restored : AssetSource == "ai" ? UndoKind.ReplacedByAi : UndoKind.ReplacedByUpload,
                        AssetCurrentSince!.Value),
            };
            var changedAt = state switch
            {
                CardState.Video => AssetCurrentSince ?? AssetCreatedAt,
                CardState.Generating or CardState.Failed => GenerationUpdatedAt,
                _ => LastDeletedAt,
            };
            return new SlotSnapshot(BusinessId, facts, card, changedAt);
        }
    }
}

/// <summary>What the content page shows of the item itself.</summary>
public sealed record ContentPageItem(Guid Id, string Title, DateTimeOffset? ArchivedAt, string? VideoScript, string? ShortVideoScript);

/// <summary>The content page's item and its two cards, read in one statement.</summary>
public sealed record ContentPage(ContentPageItem Item, VideoCard LongCard, VideoCard ShortCard);

/// <summary>A card with what a handler or a stream needs beside it, from the same read: whose it is, and when its announced change happened.</summary>
public sealed record SlotSnapshot(Guid BusinessId, GenerationFacts Facts, VideoCard Card, DateTimeOffset? ChangedAt);

public enum UndoKind { Deleted, ReplacedByUpload, ReplacedByAi, Restored }

/// <summary>What Undo would bring back (<see cref="AssetId"/>, named <see cref="FileName"/>) and the change it takes back.</summary>
public sealed record UndoOffer(Guid AssetId, string FileName, UndoKind Kind, DateTimeOffset At)
{
    public string Outcome => Kind switch
    {
        UndoKind.Deleted => $"“{FileName}” was deleted.",
        UndoKind.ReplacedByUpload => $"The upload replaced “{FileName}”.",
        UndoKind.ReplacedByAi => $"The AI video replaced “{FileName}”.",
        _ => $"An earlier version was restored in place of “{FileName}”.",
    };
}
