using Hangfire;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Core.Generation;
using VideoStudio.Jobs.Generation;

namespace VideoStudio.Web.Pages.Content;

/// <summary>What a Generate or Retry click ended in: the card to show, with the refusal when it was refused; null when not found.</summary>
public sealed record GenerationOutcome(VideoCard Card, bool Refused);

/// <summary>
/// Starts an AI generation for one slot: one read (the card with membership and the policy's facts), the insert of a
/// queued generation, the job enqueued by id, and one read of the card it now shows.
/// </summary>
public sealed class GenerationStart(StudioDb db, IBackgroundJobClient jobs, TimeProvider clock, ILogger<GenerationStart> log)
{
    public async Task<GenerationOutcome?> StartAsync(Guid contentId, VideoSlot slot, string userId, CancellationToken ct)
    {
        var before = (await VideoCard.ReadAsync(db, contentId, [slot], userId, ct)).SingleOrDefault();
        if (before is null)
        {
            return null;
        }
        if (GenerationPolicy.Refusal(before.Facts) is { } refusal)
        {
            return new(before.Card with { Message = refusal }, Refused: true);
        }
        if (!before.Facts.Generating)
        {
            await QueueAsync(contentId, before.BusinessId, slot, userId, ct);
        }
        return new((await VideoCard.LoadAsync(db, contentId, slot, ct))!, Refused: false);
    }

    private async Task QueueAsync(Guid contentId, Guid businessId, VideoSlot slot, string userId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var generation = new VideoGeneration
        {
            Id = Guid.NewGuid(),
            ContentId = contentId,
            Slot = slot,
            Status = GenerationStatus.Queued,
            RequestedBy = userId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.VideoGenerations.Add(generation);
        db.Record(businessId, contentId, slot, VideoEventLog.Generation, VideoEventLog.Started, userId, generationId: generation.Id);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // A second click (or another editor) started one a moment ago; the card shows that one.
            db.ChangeTracker.Clear();
            return;
        }
        try
        {
            generation.JobId = GenerateVideoJob.Enqueue(jobs, generation.Id);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            generation.Status = GenerationStatus.Failed;
            generation.ErrorCode = "not_started";
            generation.ErrorMessage = "The video job could not be started. Retry in a moment.";
            generation.FinishedAt = generation.UpdatedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(CancellationToken.None);
            log.LogError(e, "Generation {GenerationId} could not be enqueued.", generation.Id);
            return;
        }
        await db.SaveChangesAsync(CancellationToken.None);
    }
}
