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

    public string ScriptAnchor => Slot == VideoSlot.Long ? "main-script" : "short-script";

    public bool CanGenerate => HasScript && Integration == IntegrationReadiness.Ready && State != CardState.Generating;

    /// <summary>Why Generate is refused right now, in the words of the spec, or null when it may run.</summary>
    public string? GenerateRefusal =>
        !HasScript ? MissingScriptMessage
        : Integration == IntegrationReadiness.MissingKey ? MissingKeyMessage
        : Integration == IntegrationReadiness.MissingIds ? MissingIdsMessage
        : null;

    public static async Task<VideoCard?> LoadAsync(StudioDb db, Guid contentId, VideoSlot slot, CancellationToken ct = default)
    {
        var content = await db.Content.AsNoTracking()
            .Where(c => c.Id == contentId)
            .Select(c => new
            {
                Script = slot == VideoSlot.Long ? c.VideoScript : c.ShortVideoScript,
                Url = slot == VideoSlot.Long ? c.VideoLongUrl : c.VideoShortUrl,
                Integration = db.AiAvatarIntegrations
                    .Where(i => i.BusinessId == c.BusinessId && i.Provider == "heygen" && i.Status == IntegrationStatus.Active)
                    .Select(i => new { HasKey = i.SecretId != null, i.AvatarId, i.VoiceId })
                    .FirstOrDefault(),
                Generation = db.VideoGenerations
                    .Where(g => g.ContentId == c.Id && g.Slot == slot)
                    .OrderByDescending(g => g.CreatedAt)
                    .FirstOrDefault(),
                FileName = db.VideoAssets
                    .Where(a => a.ContentId == c.Id && a.Slot == slot && a.ReplacedAt == null && a.DeletedAt == null)
                    .OrderByDescending(a => a.CreatedAt)
                    .Select(a => a.OriginalFileName)
                    .FirstOrDefault(),
                LastAssetChange = db.VideoAssets
                    .Where(a => a.ContentId == c.Id && a.Slot == slot)
                    .Max(a => (DateTimeOffset?)(a.DeletedAt ?? a.CreatedAt)),
            })
            .SingleOrDefaultAsync(ct);
        if (content is null)
        {
            return null;
        }

        var integration = content.Integration switch
        {
            null or { HasKey: false } => IntegrationReadiness.MissingKey,
            { AvatarId: null or "" } or { VoiceId: null or "" } => IntegrationReadiness.MissingIds,
            _ => IntegrationReadiness.Ready,
        };

        var generation = content.Generation;
        // A failure stays on the card until the editor does something else with the slot.
        var failureStillRelevant = generation is { Status: GenerationStatus.Failed or GenerationStatus.TimedOut }
            && (content.LastAssetChange is null || generation.UpdatedAt > content.LastAssetChange);

        var state =
            generation is not null && generation.Status.IsActive() ? CardState.Generating
            : failureStillRelevant ? CardState.Failed
            : content.Url is not null ? CardState.Video
            : integration != IntegrationReadiness.Ready ? CardState.NotConfigured
            : CardState.Empty;

        return new VideoCard(contentId, slot, content.Url, content.FileName, !string.IsNullOrWhiteSpace(content.Script), integration, generation, state);
    }
}
