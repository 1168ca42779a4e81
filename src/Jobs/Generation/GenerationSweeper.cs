using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Jobs.HeyGen;

namespace VideoStudio.Jobs.Generation;

/// <summary>
/// The safety net behind the polling chain: a generation whose chain was lost (its job exhausted its retries, or its
/// storage was wiped) would otherwise show "Creating AI Video" forever. Each minute, overdue ones get one more step,
/// which times them out.
/// </summary>
public sealed class GenerationSweeper(StudioDb db, IBackgroundJobClient jobs, IOptions<HeyGenOptions> options, TimeProvider clock)
{
    public const string RecurringJobId = "sweep-overdue-generations";

    [JobDisplayName("Time out overdue AI generations")]
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(CancellationToken ct)
    {
        // A minute of grace, so a chain that is about to time out the generation itself does it first.
        var now = clock.GetUtcNow();
        var overdue = now - options.Value.GenerationTimeout - TimeSpan.FromMinutes(1);
        // One waiting for a render slot is overdue only when its chain stopped touching it.
        var silent = now - GenerateVideoJob.WaitingHeartbeat * 2;
        var ids = await db.VideoGenerations.AsNoTracking()
            .Where(g => GenerationStatuses.Active.Contains(g.Status))
            .Where(g => g.WaitsForRenderSlot ? g.UpdatedAt < silent : (g.SubmittedAt ?? g.CreatedAt) < overdue)
            .Select(g => g.Id)
            .ToListAsync(ct);
        foreach (var id in ids)
        {
            GenerateVideoJob.Enqueue(jobs, id);
        }
    }
}
