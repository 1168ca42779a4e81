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
        VideoSource source, string originalFileName, string? userId, CancellationToken ct, DateTimeOffset? unlessChangedSince = null)
    {
        var asset = new VideoAsset
        {
            Id = staged.AssetId,
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
        asset.StorageKey = await store.PromoteAsync(staged, ct);
        try
        {
            await using var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
            await LockContentAsync(db, contentId, ct);
            if (unlessChangedSince is { } since && await db.VideoAssets.AnyAsync(a => a.ContentId == contentId && a.Slot == slot
                    && (a.CreatedAt > since || a.DeletedAt > since || a.CurrentSince > since), ct))
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
                asset.CurrentSince = asset.CreatedAt;
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
            await DeleteQuietlyAsync(store, asset.StorageKey, staged.PosterKey);
            throw;
        }
    }

    /// <summary>Empties the slot; the asset row stays, marked deleted, as history. Returns the version it deleted, if any.</summary>
    public static async Task<Guid?> DeleteAsync(StudioDb db, Guid contentId, VideoSlot slot, CancellationToken ct)
    {
        await using var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        await LockContentAsync(db, contentId, ct);
        var current = await db.VideoAssets
            .Where(a => a.ContentId == contentId && a.Slot == slot && a.ReplacedAt == null && a.DeletedAt == null)
            .Select(a => (Guid?)a.Id).SingleOrDefaultAsync(ct);
        if (current is not null)
        {
            await db.VideoAssets.Where(a => a.Id == current).ExecuteUpdateAsync(s => s.SetProperty(a => a.DeletedAt, DateTimeOffset.UtcNow), ct);
        }
        await SetUrlAsync(db, contentId, slot, null, ct);
        if (own is not null)
        {
            await own.CommitAsync(ct);
        }
        return current;
    }

    /// <summary>
    /// Makes an earlier version of the slot its video again, in the caller's transaction when one is open: the version that
    /// was current is marked replaced (and stays in the history) at the same moment the restored one becomes current, which
    /// is how Undo finds what a change replaced. Given <paramref name="expectedCurrent"/>, it only acts while the slot still
    /// shows that version (none = empty), so an Undo never takes back a later change than the one it was offered for.
    /// </summary>
    public static async Task<RestoreResult> RestoreAsync(
        StudioDb db, Guid contentId, VideoSlot slot, Guid assetId, CancellationToken ct, Expected? expectedCurrent = null)
    {
        await using var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        await LockContentAsync(db, contentId, ct);
        var versions = await db.VideoAssets.AsNoTracking()
            .Where(a => a.ContentId == contentId && a.Slot == slot && (a.Id == assetId || (a.ReplacedAt == null && a.DeletedAt == null)))
            .ToListAsync(ct);
        var target = versions.SingleOrDefault(a => a.Id == assetId);
        var current = versions.SingleOrDefault(a => a.IsCurrent);
        if (target is null || target.RemovedAt is not null)
        {
            return RestoreResult.Gone;
        }
        if (expectedCurrent is { } expected && expected.AssetId != current?.Id)
        {
            return RestoreResult.SlotChanged;
        }
        if (target.IsCurrent)
        {
            return RestoreResult.AlreadyCurrent;
        }
        var now = DateTimeOffset.UtcNow;
        if (current is not null)
        {
            await db.VideoAssets.Where(a => a.Id == current.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.ReplacedAt, now), ct);
        }
        await db.VideoAssets.Where(a => a.Id == assetId).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.ReplacedAt, (DateTimeOffset?)null)
            .SetProperty(a => a.DeletedAt, (DateTimeOffset?)null)
            .SetProperty(a => a.CurrentSince, now), ct);
        await SetUrlAsync(db, contentId, slot, UrlOf(target.StorageKey), ct);
        if (own is not null)
        {
            await own.CommitAsync(ct);
        }
        return RestoreResult.Restored;
    }

    /// <summary>What the slot must show for a restore to go ahead: that version, or none for an empty slot.</summary>
    public sealed record Expected(Guid? AssetId);

    /// <summary>
    /// Deletes a version's files for good and marks its row removed (the row stays for the audit trail); never the current
    /// version. The files go before the commit: if the commit fails the row is simply removed again later, while a file
    /// left behind by a committed row would never be found.
    /// </summary>
    public static async Task<VideoAsset?> RemoveAsync(StudioDb db, MediaStore store, Guid contentId, VideoSlot slot, Guid assetId,
        DateTimeOffset now, CancellationToken ct, DateTimeOffset? onlyIfStoppedBefore = null)
    {
        await using var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        await LockContentAsync(db, contentId, ct);
        var removed = await db.VideoAssets
            .Where(a => a.Id == assetId && a.ContentId == contentId && a.Slot == slot && a.RemovedAt == null && (a.ReplacedAt != null || a.DeletedAt != null))
            .Where(a => onlyIfStoppedBefore == null || (a.DeletedAt ?? a.ReplacedAt) < onlyIfStoppedBefore)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.RemovedAt, now), ct);
        if (removed == 0)
        {
            return null;
        }
        var asset = await db.VideoAssets.AsNoTracking().SingleAsync(a => a.Id == assetId, ct);
        foreach (var key in KeysOf(asset))
        {
            await store.DeleteAsync(key, ct);
        }
        if (own is not null)
        {
            await own.CommitAsync(ct);
        }
        return asset;
    }

    /// <summary>Every stored file of an asset: the video and whichever companions it has.</summary>
    public static IEnumerable<string> KeysOf(VideoAsset asset) => new[] { asset.StorageKey, asset.PosterKey, asset.CaptionsKey }.OfType<string>();

    /// <summary>Removes files that nothing points at (after an attach that failed); one that cannot go now costs space only.</summary>
    public static async Task DeleteQuietlyAsync(MediaStore store, params string?[] keys)
    {
        foreach (var key in keys.OfType<string>())
        {
            try
            {
                await store.DeleteAsync(key, CancellationToken.None);
            }
            catch (Exception e) when (e is IOException or MediaUnavailableException)
            {
                // Nothing points at it; it costs space only.
            }
        }
    }

    // Two changes of one slot at once take turns, so exactly one asset is ever current.
    private static Task<int> LockContentAsync(StudioDb db, Guid contentId, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM content WHERE id = {contentId} FOR UPDATE", ct);

    private static Task<int> SetUrlAsync(StudioDb db, Guid contentId, VideoSlot slot, string? url, CancellationToken ct) =>
        slot == VideoSlot.Long
            ? db.Content.Where(c => c.Id == contentId).ExecuteUpdateAsync(s => s.SetProperty(c => c.VideoLongUrl, url).SetProperty(c => c.UpdatedAt, DateTimeOffset.UtcNow), ct)
            : db.Content.Where(c => c.Id == contentId).ExecuteUpdateAsync(s => s.SetProperty(c => c.VideoShortUrl, url).SetProperty(c => c.UpdatedAt, DateTimeOffset.UtcNow), ct);
}

public enum RestoreResult { Restored, AlreadyCurrent, Gone, SlotChanged }
