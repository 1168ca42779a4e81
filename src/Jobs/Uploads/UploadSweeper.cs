using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using VideoStudio.Core.Data;
using VideoStudio.Core.Media;

namespace VideoStudio.Jobs.Uploads;

/// <summary>
/// Frees what uploads leave behind: resumable uploads past their Upload-Expires (bytes and row; finished ones only lose their
/// row), and any file in media storage's temporary area that no live upload owns (a process killed mid-upload). Runs at
/// start-up and every quarter hour; safe to run twice, and an upload a request is writing right now is skipped.
/// </summary>
public sealed class UploadSweeper(StudioDb db, MediaStore store, TimeProvider clock, ILogger<UploadSweeper> log)
{
    public const string RecurringJobId = "sweep-uploads";

    /// <summary>A single upload's part file is written to continuously (a stalled one is ended sooner): one this old is a leftover.</summary>
    public static readonly TimeSpan PartAge = TimeSpan.FromHours(1);

    [JobDisplayName("Remove expired uploads and leftover temporary files")]
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var expired = await db.UploadSessions.AsNoTracking().Where(u => u.ExpiresAt < now).Select(u => u.Id).ToListAsync(ct);
        var removed = 0;
        foreach (var id in expired)
        {
            await using var held = await UploadLock.TryTakeAsync(db, id, ct);
            if (held is null)
            {
                continue;
            }
            // Re-checked under the lock: a chunk that arrived meanwhile moved its expiry on.
            var upload = await db.UploadSessions.AsNoTracking().Where(u => u.Id == id).Select(u => new { u.Format, u.AssetId }).SingleOrDefaultAsync(ct);
            if (upload is not null && await db.UploadSessions.Where(u => u.Id == id && u.ExpiresAt < now).ExecuteDeleteAsync(ct) > 0)
            {
                // A finished upload's bytes are its asset's video now (under the same id in object storage): only the row goes.
                if (upload.AssetId is null)
                {
                    await store.DiscardUploadAsync(id, VideoFormat.FromExtension(upload.Format ?? ""));
                }
                removed++;
            }
        }
        // Listed before the live uploads are read: an upload's row is written before its file, so a file listed here whose
        // row is missing below is an orphan.
        var listed = await store.ListTemporaryAsync(ct);
        var live = (await db.UploadSessions.AsNoTracking().Where(u => u.AssetId == null).Select(u => u.Id).ToListAsync(ct)).ToHashSet();
        var orphans = await store.SweepTemporaryAsync(listed, live, PartAge, now);
        if (removed + orphans > 0)
        {
            log.LogInformation("Upload sweep removed {Expired} expired uploads and {Orphans} leftover temporary files", removed, orphans);
        }
    }
}
