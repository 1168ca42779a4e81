using Microsoft.EntityFrameworkCore;
using VideoStudio.Core.Data;

namespace VideoStudio.Jobs.Generation;

/// <summary>
/// A PostgreSQL advisory lock per generation, held on the DbContext's own connection while one step runs. Hangfire delivers
/// a job at least once and the webhook may arrive at the same moment; whoever holds the lock acts, after re-reading the row.
/// </summary>
public static class GenerationLock
{
    // Arbitrary, only distinct from the other advisory lock users (migrations use a single bigint key).
    private const int LockClass = 0x4847;

    public static Task<AdvisoryLock?> TryTakeAsync(StudioDb db, Guid generationId, CancellationToken ct) =>
        AdvisoryLock.TakeAsync(db, LockClass, generationId, wait: false, ct);

    public static async Task<AdvisoryLock> TakeAsync(StudioDb db, Guid generationId, CancellationToken ct) =>
        (await AdvisoryLock.TakeAsync(db, LockClass, generationId, wait: true, ct))!;

    /// <summary>
    /// Serialises one business's "may this generation be sent now" decisions until the caller's transaction ends, so two
    /// workers cannot both take the last render slot.
    /// </summary>
    public static Task LockBusinessForTransactionAsync(StudioDb db, Guid businessId, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({BusinessLockClass}, {AdvisoryLock.KeyOf(businessId)})", ct);

    private const int BusinessLockClass = 0x4842;
}
