using Microsoft.EntityFrameworkCore;
using VideoStudio.Core.Data;

namespace VideoStudio.Core.Media;

/// <summary>The only way a slot's video changes: a new asset row, the previous one kept as history, the slot's URL pointed at the new one.</summary>
public static class SlotVideos
{
    public const string MediaPrefix = "/media/";

    public static string UrlOf(string storageKey) => MediaPrefix + storageKey;

    /// <summary>
    /// Makes a staged file the slot's video in one transaction: the caller's when one is open (a job that records its own
    /// outcome in the same commit), otherwise its own. The file is moved into place first, so a row never points at a
    /// missing file; if this fails, the moved file is removed again.
    /// </summary>
    /// <param name="unlessChangedSince">
    /// For a background job: when the slot was uploaded to, restored or emptied after this moment (the editor's own later
    /// choice), the file is kept aside as a version that was never current (ReplacedAt = CreatedAt) and the slot stays as
    /// the editor left it.
    /// </param>
    public static async Task<VideoAsset> AttachAsync(
        StudioDb db, MediaStore store, Guid contentId, VideoSlot slot, StagedVideo staged,
        VideoSource source, string originalFileName, string? userId, CancellationToken ct, Guid? assetId = null,
        DateTimeOffset? unlessChangedSince = null)
    {
        var asset = new VideoAsset
        {
            Id = assetId ?? Guid.NewGuid(),
            ContentId = contentId,
            Slot = slot,
            Source = source,
            StorageKey = "",
            OriginalFileName = originalFileName,
            ContentType = staged.Format.ContentType,
            SizeBytes = staged.SizeBytes,
            Sha256 = staged.Sha256,
            CreatedBy = userId,
            CreatedAt = DateTimeOffset.UtcNow,
            PosterKey = staged.PosterKey,
            DurationSeconds = staged.Probe?.DurationSeconds,
            Width = staged.Probe?.DisplayWidth,
            Height = staged.Probe?.DisplayHeight,
            VideoCodec = staged.Probe?.VideoCodec,
            AudioCodec = staged.Probe?.AudioCodec,
            ShapeAccepted = staged.ShapeAccepted,
        };
        asset.StorageKey = store.Promote(staged, asset.Id);
        try
        {
            await using var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
            await LockContentAsync(db, contentId, ct);
            if (unlessChangedSince is { } since && await db.VideoAssets.AnyAsync(a => a.ContentId == contentId && a.Slot == slot
                    && (a.CreatedAt > since || a.DeletedAt > since), ct))
            {
                asset.ReplacedAt = asset.CreatedAt;
                db.VideoAssets.Add(asset);
                await db.SaveChangesAsync(ct);
            }
            else
            {
                await db.VideoAssets
                    .Where(a => a.ContentId == contentId && a.Slot == slot && a.ReplacedAt == null && a.DeletedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.ReplacedAt, asset.CreatedAt), ct);
                db.VideoAssets.Add(asset);
                await db.SaveChangesAsync(ct);
                await SetUrlAsync(db, contentId, slot, UrlOf(asset.StorageKey), ct);
            }
            if (own is not null)
            {
                await own.CommitAsync(ct);
            }
            return asset;
        }
        catch
        {
            db.ChangeTracker.Clear();
            store.Delete(asset.StorageKey);
            if (staged.PosterKey is not null)
            {
                store.Delete(staged.PosterKey);
            }
            throw;
        }
    }

    /// <summary>Empties the slot; the asset row stays, marked deleted, as history.</summary>
    public static async Task<bool> DeleteAsync(StudioDb db, Guid contentId, VideoSlot slot, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await LockContentAsync(db, contentId, ct);
        var deleted = await db.VideoAssets
            .Where(a => a.ContentId == contentId && a.Slot == slot && a.ReplacedAt == null && a.DeletedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.DeletedAt, DateTimeOffset.UtcNow), ct);
        await SetUrlAsync(db, contentId, slot, null, ct);
        await tx.CommitAsync(ct);
        return deleted > 0;
    }

    // Two changes of one slot at once take turns, so exactly one asset is ever current.
    private static Task<int> LockContentAsync(StudioDb db, Guid contentId, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM content WHERE id = {contentId} FOR UPDATE", ct);

    private static Task<int> SetUrlAsync(StudioDb db, Guid contentId, VideoSlot slot, string? url, CancellationToken ct) =>
        slot == VideoSlot.Long
            ? db.Content.Where(c => c.Id == contentId).ExecuteUpdateAsync(s => s.SetProperty(c => c.VideoLongUrl, url).SetProperty(c => c.UpdatedAt, DateTimeOffset.UtcNow), ct)
            : db.Content.Where(c => c.Id == contentId).ExecuteUpdateAsync(s => s.SetProperty(c => c.VideoShortUrl, url).SetProperty(c => c.UpdatedAt, DateTimeOffset.UtcNow), ct);
}
