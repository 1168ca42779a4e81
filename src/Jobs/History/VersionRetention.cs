using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoStudio.Core.Data;
using VideoStudio.Core.Media;

namespace VideoStudio.Jobs.History;

/// <summary>
/// Removes the files of versions that stopped being current longer ago than Studio:History:Retention (and than the Undo
/// window, so nothing Undo still offers goes), and marks their rows removed. Each version is removed in a transaction of
/// its own under its content's lock, by a conditional update: a second run at the same time, or a restore racing it, finds
/// the row already taken and leaves it, so running twice removes nothing twice and records nothing twice.
/// </summary>
public sealed class VersionRetention(StudioDb db, MediaStore store, IOptions<HistoryOptions> options, TimeProvider clock, ILogger<VersionRetention> logger)
{
    public const string RecurringJobId = "remove-expired-versions";

    [JobDisplayName("Remove replaced and deleted videos past their retention")]
    [AutomaticRetry(Attempts = 0)]
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var before = options.Value.RemovableBefore(now);
        var candidates = await db.VideoAssets.AsNoTracking()
            .Where(a => a.RemovedAt == null && (a.DeletedAt ?? a.ReplacedAt) < before)
            .Join(db.Content, a => a.ContentId, c => c.Id, (a, c) => new { a.Id, a.ContentId, a.Slot, c.BusinessId })
            .ToListAsync(ct);
        var removed = 0;
        foreach (var candidate in candidates)
        {
            ct.ThrowIfCancellationRequested();
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var asset = await SlotVideos.RemoveAsync(db, store, candidate.ContentId, candidate.Slot, candidate.Id, now, ct, onlyIfStoppedBefore: before);
            if (asset is null)
            {
                continue;
            }
            db.Record(candidate.BusinessId, candidate.ContentId, candidate.Slot, VideoEventLog.Remove, VideoEventLog.Succeeded, null,
                bytes: asset.SizeBytes, assetId: asset.Id, at: now);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            removed++;
        }
        if (removed > 0)
        {
            logger.LogInformation("Retention removed {Count} versions that stopped being current before {Before:u}.", removed, before);
        }
        return removed;
    }
}
