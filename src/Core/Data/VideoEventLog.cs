namespace VideoStudio.Core.Data;

/// <summary>Kinds and outcomes of <see cref="VideoEvent"/> rows, shared by every writer and by the metrics that read them.</summary>
public static class VideoEventLog
{
    public const string Upload = "upload";
    public const string Delete = "delete";
    public const string Generation = "generation";

    public const string Started = "started";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    /// <summary>Adds an event row; it is saved with the caller's next SaveChanges, in the caller's transaction.</summary>
    public static VideoEvent Record(this StudioDb db, Guid businessId, Guid contentId, VideoSlot slot, string kind, string outcome,
        string? userId, long? bytes = null, long? durationMs = null, string? errorKind = null, Guid? assetId = null, Guid? generationId = null)
    {
        var row = new VideoEvent
        {
            BusinessId = businessId,
            ContentId = contentId,
            Slot = slot,
            Kind = kind,
            Outcome = outcome,
            UserId = userId,
            Bytes = bytes,
            DurationMs = durationMs,
            ErrorKind = errorKind,
            AssetId = assetId,
            GenerationId = generationId,
            At = DateTimeOffset.UtcNow,
        };
        db.VideoEvents.Add(row);
        return row;
    }
}
