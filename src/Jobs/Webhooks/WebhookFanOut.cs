using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using VideoStudio.Core.Data;

namespace VideoStudio.Jobs.Webhooks;

/// <summary>
/// Turns history rows into deliveries. A trigger puts the id of each history row that some endpoint of its business may
/// want into webhook_outbox, in the transaction that made the change, so a change is announced if and only if it committed.
/// Each pass takes a batch of those ids (SKIP LOCKED: several worker processes never take the same one), writes one
/// delivery per subscribed endpoint with its body fixed, and enqueues a job for each by id.
/// </summary>
public sealed class WebhookFanOut(StudioDb db, IBackgroundJobClient jobs, TimeProvider clock, ILogger<WebhookFanOut> log)
{
    private const int BatchSize = 100;

    /// <summary>A delivery whose job could not be enqueued (a broken connection right after the commit) is enqueued again after this.</summary>
    private static readonly TimeSpan Unsent = TimeSpan.FromMinutes(1);

    /// <summary>One pass; answers how many outbox rows and unsent deliveries it took, so a caller knows whether more may wait.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var made = new List<WebhookDelivery>();
        var taken = 0;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var ids = await db.Database.SqlQuery<long>($"""
                DELETE FROM webhook_outbox WHERE video_event_id IN (
                    SELECT video_event_id FROM webhook_outbox ORDER BY video_event_id LIMIT {BatchSize} FOR UPDATE SKIP LOCKED)
                RETURNING video_event_id AS "Value"
                """).ToListAsync(ct);
            taken = ids.Count;
            if (ids.Count > 0)
            {
                made = await DeliveriesForAsync(ids, ct);
                db.WebhookDeliveries.AddRange(made);
                await db.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        var stale = clock.GetUtcNow() - Unsent;
        var unsent = await db.WebhookDeliveries
            .Where(d => d.Status == WebhookDeliveryStatus.Pending && d.JobId == null && d.CreatedAt < stale)
            .OrderBy(d => d.CreatedAt).Take(BatchSize).ToListAsync(ct);
        made.AddRange(unsent);
        foreach (var delivery in made)
        {
            delivery.JobId = WebhookDeliveryJob.Enqueue(jobs, delivery.Id);
        }
        await db.SaveChangesAsync(CancellationToken.None);
        if (made.Count > 0)
        {
            log.LogInformation("Enqueued {Count} webhook deliveries", made.Count);
        }
        return taken + unsent.Count;
    }

    private async Task<List<WebhookDelivery>> DeliveriesForAsync(List<long> ids, CancellationToken ct)
    {
        var rows = await db.VideoEvents.AsNoTracking().Where(e => ids.Contains(e.Id)).OrderBy(e => e.Id).ToListAsync(ct);
        var businesses = rows.Select(r => r.BusinessId).Distinct().ToList();
        var endpoints = await db.WebhookEndpoints.AsNoTracking()
            .Where(e => businesses.Contains(e.BusinessId) && e.DisabledAt == null).ToListAsync(ct);
        var assetIds = rows.Where(r => r.AssetId != null).Select(r => r.AssetId!.Value).ToList();
        var generationIds = rows.Where(r => r.GenerationId != null).Select(r => r.GenerationId!.Value).ToList();
        var generations = await db.VideoGenerations.AsNoTracking().Where(g => generationIds.Contains(g.Id)).ToDictionaryAsync(g => g.Id, ct);
        assetIds.AddRange(generations.Values.Where(g => g.AssetId != null).Select(g => g.AssetId!.Value));
        var assets = await db.VideoAssets.AsNoTracking().Where(a => assetIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);

        var now = clock.GetUtcNow();
        var made = new List<WebhookDelivery>();
        foreach (var row in rows)
        {
            if (WebhookEvents.TypeOf(row) is not { } type)
            {
                continue;
            }
            var generation = row.GenerationId is { } g ? generations.GetValueOrDefault(g) : null;
            var assetId = row.AssetId ?? generation?.AssetId;
            var payload = WebhookEvents.Payload(type, row, assetId is { } a ? assets.GetValueOrDefault(a) : null, generation);
            made.AddRange(endpoints.Where(e => e.BusinessId == row.BusinessId && e.Events.Contains(type)).Select(e => new WebhookDelivery
            {
                Id = Guid.NewGuid(),
                EndpointId = e.Id,
                VideoEventId = row.Id,
                EventType = type,
                Payload = payload,
                Status = WebhookDeliveryStatus.Pending,
                CreatedAt = now,
            }));
        }
        return made;
    }
}
