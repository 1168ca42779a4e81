namespace VideoStudio.Core.Data;

/// <summary>Kinds and outcomes of <see cref="VideoEvent"/> rows, shared by every writer and by the metrics that read them.</summary>
public static class VideoEventLog
{
    public const string Upload = "upload";
    public const string Delete = "delete";
    public const string Generation = "generation";
    /// <summary>An earlier version made current again from History (Undo is its own kind, so the trail can say which).</summary>
    public const string Restore = "restore";
    public const string Undo = "undo";
    /// <summary>A version's files deleted for good: by retention (no user) or by a business admin.</summary>
    public const string Remove = "remove";

    public const string Started = "started";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    /// <summary>Adds an event row; it is saved with the caller's next SaveChanges, in the caller's transaction.</summary>
    public static VideoEvent Record(this StudioDb db, Guid businessId, Guid contentId, VideoSlot slot, string kind, string outcome,
        string? userId, long? bytes = null, long? durationMs = null, string? errorKind = null, Guid? assetId = null, Guid? generationId = null, DateTimeOffset? at = null)
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
            At = at ?? DateTimeOffset.UtcNow,
        };
        db.VideoEvents.Add(row);
        return row;
    }
}
