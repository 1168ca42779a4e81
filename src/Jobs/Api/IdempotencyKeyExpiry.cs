using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using VideoStudio.Core.Data;

namespace VideoStudio.Jobs.Api;

/// <summary>
/// Removes the API's Idempotency-Key records older than <see cref="ApiIdempotencyKey.Lifetime"/>: Generate stops replaying
/// them at that age anyway, so the table holds about a day of keys. One conditional delete: running it twice, or beside a
/// request that reuses an expired key, removes nothing twice.
/// </summary>
public sealed class IdempotencyKeyExpiry(StudioDb db, TimeProvider clock, ILogger<IdempotencyKeyExpiry> log)
{
    public const string RecurringJobId = "remove-expired-idempotency-keys";

    [JobDisplayName("Remove expired API idempotency keys")]
    [AutomaticRetry(Attempts = 0)]
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var before = clock.GetUtcNow() - ApiIdempotencyKey.Lifetime;
        var removed = await db.ApiIdempotencyKeys.Where(k => k.CreatedAt < before).ExecuteDeleteAsync(ct);
        if (removed > 0)
        {
            log.LogInformation("Removed {Count} expired API idempotency keys", removed);
        }
        return removed;
    }
}
