using Microsoft.EntityFrameworkCore;

namespace VideoStudio.Core.Data;

/// <summary>
/// A PostgreSQL session advisory lock on one row's id, held on the DbContext's own connection until disposed. The first key
/// names who locks (generations, uploads), the second is the id folded to 32 bits. A process that dies releases it with its
/// connection, so a lock never outlives its holder.
/// </summary>
public sealed class AdvisoryLock : IAsyncDisposable
{
    private readonly StudioDb _db;
    private readonly int _class;
    private readonly int _key;

    private AdvisoryLock(StudioDb db, int lockClass, int key)
    {
        _db = db;
        _class = lockClass;
        _key = key;
    }

    public static async Task<AdvisoryLock?> TakeAsync(StudioDb db, int lockClass, Guid id, bool wait, CancellationToken ct)
    {
        var key = KeyOf(id);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var taken = wait
                ? await db.Database.SqlQuery<bool>($"SELECT pg_advisory_lock({lockClass}, {key}) IS NOT NULL AS \"Value\"").SingleAsync(ct)
                : await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_lock({lockClass}, {key}) AS \"Value\"").SingleAsync(ct);
            if (taken)
            {
                return new AdvisoryLock(db, lockClass, key);
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
            await _db.Database.SqlQuery<bool>($"SELECT pg_advisory_unlock({_class}, {_key}) AS \"Value\"").SingleAsync();
        }
        finally
        {
            // Npgsql discards session state (advisory locks included) when a pooled connection is reused, should the unlock fail.
            await _db.Database.CloseConnectionAsync();
        }
    }

    public static int KeyOf(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        return BitConverter.ToInt32(bytes[..4]) ^ BitConverter.ToInt32(bytes[4..8]) ^ BitConverter.ToInt32(bytes[8..12]) ^ BitConverter.ToInt32(bytes[12..]);
    }
}
