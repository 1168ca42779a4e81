using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using VideoStudio.Core.Data;
using VideoStudio.Core.Media;

namespace VideoStudio.Jobs.Media;

/// <summary>
/// Removes stored media that no row names: what a process killed between writing a file and committing its row leaves
/// (object storage has no temporary area to sweep, so such a blob would stay for good), and files whose removal failed.
/// A file is kept while a version row names it (current, replaced, deleted or kept aside; a version that retention or
/// "delete for good" removed no longer counts) as video, poster or captions, while an upload row has its id (an upload
/// whose editor is still asked about its shape), and while it is younger than <see cref="Grace"/>. Deleting twice is
/// harmless, so two runs at once are too.
/// </summary>
public sealed class OrphanSweep(StudioDb db, MediaStore store, TimeProvider clock, ILogger<OrphanSweep> log)
{
    public const string RecurringJobId = "sweep-orphan-media";

    /// <summary>
    /// Far longer than any write and its row's commit take (seconds), so a file whose row is still on its way is never
    /// touched, and a file restored from a backup before its rows has a day to be joined by them.
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromDays(1);

    private const int Batch = 500;

    [JobDisplayName("Remove stored media files that no version or upload names")]
    [AutomaticRetry(Attempts = 0)]
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var before = clock.GetUtcNow() - Grace;
        var removed = 0;
        var batch = new List<string>(Batch);
        await foreach (var file in store.ListStoredAsync(ct))
        {
            // Only what this app names (an asset id and a known kind of file); anything else in the store is left alone.
            if (file.LastWritten < before && MediaStore.AssetIdOf(file.Key) is not null)
            {
                batch.Add(file.Key);
            }
            if (batch.Count == Batch)
            {
                removed += await SweepAsync(batch, ct);
                batch.Clear();
            }
        }
        removed += await SweepAsync(batch, ct);
        if (removed > 0)
        {
            log.LogInformation("Orphan sweep removed {Count} stored media files that no version or upload names.", removed);
        }
        return removed;
    }

    private async Task<int> SweepAsync(List<string> keys, CancellationToken ct)
    {
        if (keys.Count == 0)
        {
            return 0;
        }
        // Read after the listing: a row committed since then protects its file; one deleted since then frees it, as meant.
        var named = (await db.VideoAssets.AsNoTracking()
            .Where(a => a.RemovedAt == null && (keys.Contains(a.StorageKey) || keys.Contains(a.PosterKey!) || keys.Contains(a.CaptionsKey!)))
            .Select(a => new[] { a.StorageKey, a.PosterKey, a.CaptionsKey })
            .ToListAsync(ct)).SelectMany(k => k).OfType<string>().ToHashSet();
        var ids = keys.Select(k => MediaStore.AssetIdOf(k)!.Value).Distinct().ToList();
        var uploading = (await db.UploadSessions.AsNoTracking().Where(u => ids.Contains(u.Id)).Select(u => u.Id).ToListAsync(ct)).ToHashSet();
        var removed = 0;
        foreach (var key in keys.Where(k => !named.Contains(k) && !uploading.Contains(MediaStore.AssetIdOf(k)!.Value)))
        {
            await store.DeleteAsync(key, ct);
            removed++;
        }
        return removed;
    }
}
