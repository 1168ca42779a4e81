using Microsoft.EntityFrameworkCore;
using VideoStudio.Core.Data;

namespace VideoStudio.Jobs.Generation;

/// <summary>
/// A PostgreSQL advisory lock per generation, held on the DbContext's own connection while one step runs. Hangfire delivers
/// a job at least once and the webhook may arrive at the same moment; whoever holds the lock acts, after re-reading the row.
/// </summary>
public sealed class GenerationLock : IAsyncDisposable
{
    // Arbitrary, only distinct from the other advisory lock users (migrations use a single bigint key).
    private const int LockClass = 0x4847;

    private readonly StudioDb _db;
    private readonly int _key;

    private GenerationLock(StudioDb db, int key)
    {
        _db = db;
        _key = key;
    }

    public static Task<GenerationLock?> TryTakeAsync(StudioDb db, Guid generationId, CancellationToken ct) =>
        TakeAsync(db, generationId, wait: false, ct);

    public static async Task<GenerationLock> TakeAsync(StudioDb db, Guid generationId, CancellationToken ct) =>
        (await TakeAsync(db, generationId, wait: true, ct))!;

    private static async Task<GenerationLock?> TakeAsync(StudioDb db, Guid generationId, bool wait, CancellationToken ct)
    {
        var key = KeyOf(generationId);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var taken = wait
                ? await db.Database.SqlQuery<bool>($"SELECT pg_advisory_lock({LockClass}, {key}) IS NOT NULL AS \"Value\"").SingleAsync(ct)
                : await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_lock({LockClass}, {key}) AS \"Value\"").SingleAsync(ct);
            if (taken)
            {
                return new GenerationLock(db, key);
            }
        }
        catch
        {
            await db.Database.CloseConnectionAsync();
            throw;
        }
        await db.Database.CloseConnectionAsync();
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _db.Database.SqlQuery<bool>($"SELECT pg_advisory_unlock({LockClass}, {_key}) AS \"Value\"").SingleAsync();
        }
        finally
        {
            // Npgsql discards session state (advisory locks included) when a pooled connection is reused, should the unlock fail.
            await _db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Serialises one business's "may this generation be sent now" decisions until the caller's transaction ends, so two
    /// workers cannot both take the last render slot.
    /// </summary>
    public static Task LockBusinessForTransactionAsync(StudioDb db, Guid businessId, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({BusinessLockClass}, {KeyOf(businessId)})", ct);

    private const int BusinessLockClass = 0x4842;

    private static int KeyOf(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        return BitConverter.ToInt32(bytes[..4]) ^ BitConverter.ToInt32(bytes[4..8]) ^ BitConverter.ToInt32(bytes[8..12]) ^ BitConverter.ToInt32(bytes[12..]);
    }
}
