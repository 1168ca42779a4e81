using System.Text.Json;
using System.Text.Json.Serialization;
using VideoStudio.Core;
using VideoStudio.Core.Data;

namespace VideoStudio.Jobs.Webhooks;

/// <summary>
/// The events an endpoint can choose, each read from the one history every change writes (video_events): whatever made
/// the change (a page, the API, a job), the webhook follows from the same row.
/// </summary>
public static class WebhookEvents
{
    public const string VideoReady = "video.ready";
    public const string VideoFailed = "video.failed";
    public const string GenerationStarted = "generation.started";
    public const string VideoDeleted = "video.deleted";
    public const string VideoRestored = "video.restored";

    public static readonly IReadOnlyList<(string Type, string Label)> All =
    [
        (VideoReady, "Video ready (an AI video finished, or an upload was stored)"),
        (VideoFailed, "Video failed (an AI video could not be made)"),
        (GenerationStarted, "Generation started"),
        (VideoDeleted, "Video deleted"),
        (VideoRestored, "Video restored (from History, or by Undo)"),
    ];

    public static bool IsKnown(string type) => All.Any(e => e.Type == type);

    /// <summary>The event a history row stands for; null for rows no endpoint hears about (an upload starting, a version removed).</summary>
    public static string? TypeOf(VideoEvent row) => (row.Kind, row.Outcome) switch
    {
        (VideoEventLog.Generation, VideoEventLog.Started) => GenerationStarted,
        (VideoEventLog.Generation, VideoEventLog.Succeeded) or (VideoEventLog.Upload, VideoEventLog.Succeeded) => VideoReady,
        (VideoEventLog.Generation, VideoEventLog.Failed) => VideoFailed,
        (VideoEventLog.Delete, VideoEventLog.Succeeded) => VideoDeleted,
        (VideoEventLog.Restore or VideoEventLog.Undo, VideoEventLog.Succeeded) => VideoRestored,
        _ => null,
    };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// The body of one message: ids and the slot's new state, never a secret or a link that works without a token (the
    /// receiver asks the API for the file with its own token).
    /// </summary>
    public static string Payload(string type, VideoEvent row, VideoAsset? asset, VideoGeneration? generation) =>
        JsonSerializer.Serialize(new
        {
            type,
            timestamp = row.At,
            data = new
            {
                businessId = row.BusinessId,
                contentId = row.ContentId,
                slot = row.Slot.Key(),
                state = type switch
                {
                    VideoReady or VideoRestored => "video",
                    VideoFailed => "failed",
                    GenerationStarted => "generating",
                    _ => "empty",
                },
                assetId = row.AssetId ?? generation?.AssetId,
                generationId = row.GenerationId,
                source = asset is null ? null : asset.Source == VideoSource.Upload ? "upload" : "ai",
                durationSeconds = asset?.DurationSeconds,
                sizeBytes = asset?.SizeBytes,
                error = type == VideoFailed ? new { code = generation?.ErrorCode ?? row.ErrorKind, message = generation?.ErrorMessage } : null,
                links = new
                {
                    content = $"/api/v1/content/{row.ContentId}",
                    slot = $"/api/v1/content/{row.ContentId}/slots/{row.Slot.Key()}",
                },
            },
        }, Json);
}
