using System.Security.Cryptography;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Jobs.HeyGen;

namespace VideoStudio.Jobs.Generation;

/// <summary>
/// Recovers what a missed webhook or a lost chain of continuations would leave hanging: every minute, the renders in
/// flight are asked for in batches (GET /v3/videos/statuses, 100 ids a call, one account at a time), and each one HeyGen
/// reports finished, failed or unknown gets its next step now, which confirms with GET /v3/videos/{id} and acts.
/// </summary>
public sealed class HeyGenReconciler(StudioDb db, HeyGenClient heygen, HeyGenSecrets secrets, IBackgroundJobClient jobs, ILogger<HeyGenReconciler> logger)
{
    public const string RecurringJobId = "reconcile-heygen-renders";

    private static readonly string[] Settled = ["completed", "failed", "not_found"];

    [JobDisplayName("Reconcile HeyGen renders")]
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(CancellationToken ct)
    {
        var inFlight = await db.VideoGenerations.AsNoTracking()
            .Where(g => GenerationStatuses.Active.Contains(g.Status) && g.ProviderVideoId != null)
            .Join(db.Content, g => g.ContentId, c => c.Id, (g, c) => new { g.Id, VideoId = g.ProviderVideoId!, c.BusinessId })
            .ToListAsync(ct);
        foreach (var business in inFlight.GroupBy(g => g.BusinessId))
        {
            HeyGenAccount? account;
            try
            {
                account = await secrets.AccountForAsync(db, business.Key, ct);
            }
            catch (CryptographicException)
            {
                account = null;
            }
            if (account is null)
            {
                // The generation's own step says why it cannot go on.
                continue;
            }
            IReadOnlyList<HeyGenVideoState> states;
            try
            {
                states = await heygen.GetStatusesAsync(account.ApiKey, business.Select(g => g.VideoId).ToList(), ct);
            }
            catch (HeyGenException e)
            {
                logger.LogWarning("Reconciling business {BusinessId}: {Error}", business.Key, e.Message);
                continue;
            }
            var settled = states.Where(s => Settled.Contains(s.Status)).Select(s => s.VideoId).ToHashSet();
            foreach (var generation in business.Where(g => settled.Contains(g.VideoId)))
            {
                GenerateVideoJob.Enqueue(jobs, generation.Id);
            }
        }
    }
}
