using System.Security.Cryptography;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Core.Generation;
using VideoStudio.Core.Media;
using VideoStudio.Jobs.HeyGen;

namespace VideoStudio.Jobs.Generation;

/// <summary>
/// Takes one generation from queued to completed, failed or timed out, one short step per run: submit, then poll through
/// scheduled continuations (no thread waits for a render). Every step re-reads the row under <see cref="GenerationLock"/>
/// and acts on what it finds, so a second delivery of the same run never submits twice.
/// </summary>
public sealed class GenerateVideoJob(
    StudioDb db,
    HeyGenClient heygen,
    HeyGenSecrets secrets,
    MediaStore store,
    IBackgroundJobClient jobs,
    IOptions<HeyGenOptions> options,
    TimeProvider clock,
    ILogger<GenerateVideoJob> logger)
{
    private HeyGenOptions Options => options.Value;

    public static string Enqueue(IBackgroundJobClient jobs, Guid generationId) =>
        jobs.Enqueue<GenerateVideoJob>(j => j.RunAsync(generationId, CancellationToken.None));

    // Failures HeyGen causes are handled inside the step; a retry here only covers our own database or disk hiccups.
    [GenerationJobName]
    [AutomaticRetry(Attempts = 3, DelaysInSeconds = [10, 30, 60])]
    public async Task RunAsync(Guid generationId, CancellationToken ct)
    {
        if (await StepAsync(generationId, ct) is { } next)
        {
            jobs.Schedule<GenerateVideoJob>(j => j.RunAsync(generationId, CancellationToken.None), next);
        }
    }

    /// <summary>Does whatever the generation needs next; returns when to look again, or null when it is settled (or someone else is on it).</summary>
    public async Task<TimeSpan?> StepAsync(Guid generationId, CancellationToken ct)
    {
        await using var guard = await GenerationLock.TryTakeAsync(db, generationId, ct);
        if (guard is null)
        {
            // Another run of this generation holds it and schedules what follows.
            return null;
        }

        var generation = await db.VideoGenerations.SingleOrDefaultAsync(g => g.Id == generationId, ct);
        if (generation is null || !generation.Status.IsActive())
        {
            return null;
        }
        var content = await db.Content.AsNoTracking().SingleAsync(c => c.Id == generation.ContentId, ct);

        if (clock.GetUtcNow() - generation.CreatedAt > Options.GenerationTimeout)
        {
            await SettleAsync(generation, content, GenerationStatus.TimedOut, "timed_out",
                IsSentButUnconfirmed(generation) ? UnconfirmedMessage : TimedOutMessage(Options.GenerationTimeout));
            return null;
        }

        HeyGenAccount? account;
        try
        {
            account = await secrets.AccountForAsync(db, content.BusinessId, ct);
        }
        catch (CryptographicException)
        {
            await SettleAsync(generation, content, GenerationStatus.Failed, "key_unreadable",
                "The saved HeyGen API key can no longer be decrypted (the app's encryption keys changed). Enter the key again in Settings, then retry.");
            return null;
        }
        if (account is null)
        {
            await SettleAsync(generation, content, GenerationStatus.Failed, "not_configured",
                "HeyGen is no longer configured for this business (API key, avatar or voice missing, or the integration is inactive). Check Settings, then retry.");
            return null;
        }

        try
        {
            return generation.ProviderVideoId is null
                ? await SubmitAsync(generation, content, account, ct)
                : await PollAsync(generation, content, account, ct);
        }
        catch (HeyGenException e) when (e.IsTransient)
        {
            Reattach(generation);
            generation.Attempts++;
            generation.UpdatedAt = clock.GetUtcNow();
            if (generation.ProviderVideoId is null && generation.Attempts >= Options.MaxSubmitAttempts)
            {
                await SettleAsync(generation, content, GenerationStatus.Failed, e.KindName,
                    $"HeyGen could not be reached after {generation.Attempts} attempts. {e.Message} Try again later.");
                return null;
            }
            await db.SaveChangesAsync(CancellationToken.None);
            var delay = Backoff(generation.Attempts, e.RetryAfter);
            logger.LogWarning("Generation {GenerationId}: {Error} Next try in {Delay}.", generation.Id, e.Message, delay);
            return delay;
        }
        catch (HeyGenException e)
        {
            Reattach(generation);
            await SettleAsync(generation, content, GenerationStatus.Failed, e.KindName, e.Message);
            return null;
        }
        catch (MediaRejectedException e)
        {
            Reattach(generation);
            await SettleAsync(generation, content, GenerationStatus.Failed, "bad_file", "HeyGen's file could not be stored: " + e.Message);
            return null;
        }
    }

    /// <summary>A failure HeyGen announced by webhook; recorded now instead of at the next poll.</summary>
    public async Task RecordRenderFailureAsync(Guid generationId, string? providerVideoId, string? reason, CancellationToken ct)
    {
        await using var guard = await GenerationLock.TakeAsync(db, generationId, ct);
        var generation = await db.VideoGenerations.SingleOrDefaultAsync(g => g.Id == generationId, ct);
        if (generation is null || !generation.Status.IsActive()
            || (generation.ProviderVideoId is not null && providerVideoId is not null && generation.ProviderVideoId != providerVideoId))
        {
            return;
        }
        var content = await db.Content.AsNoTracking().SingleAsync(c => c.Id == generation.ContentId, ct);
        await SettleAsync(generation, content, GenerationStatus.Failed, "render_failed", RenderFailure(reason));
    }

    /// <summary>
    /// A success webhook for a generation that was sent but has no video id: the run that sent it died before it stored
    /// HeyGen's answer. The event's callback_id names the generation, so the video is taken over instead of made again.
    /// </summary>
    public async Task AdoptAsync(Guid generationId, string providerVideoId, CancellationToken ct)
    {
        await using var guard = await GenerationLock.TakeAsync(db, generationId, ct);
        var generation = await db.VideoGenerations.SingleOrDefaultAsync(g => g.Id == generationId, ct);
        if (generation is null || !generation.Status.IsActive() || !IsSentButUnconfirmed(generation))
        {
            return;
        }
        generation.ProviderVideoId = providerVideoId;
        generation.Status = GenerationStatus.Submitted;
        generation.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogWarning("Generation {GenerationId}: HeyGen's webhook named video {VideoId}, which the run that sent it never stored; taken over.", generation.Id, providerVideoId);
    }

    private async Task<TimeSpan?> SubmitAsync(VideoGeneration generation, Content content, HeyGenAccount account, CancellationToken ct)
    {
        var script = content.Script(generation.Slot);
        if (GenerationPolicy.ScriptRefusal(generation.Slot, script) is var (code, refusal))
        {
            await SettleAsync(generation, content, GenerationStatus.Failed, code, refusal);
            return null;
        }
        if (IsSentButUnconfirmed(generation))
        {
            if (!string.IsNullOrEmpty(Options.WebhookSecret))
            {
                // Sending again could make and bill a second video; the webhook will name the first one (AdoptAsync), or the
                // generation times out saying why.
                return Options.PollInterval;
            }
            logger.LogWarning("Generation {GenerationId}: a run died waiting for HeyGen's answer and no webhook can confirm it; sending again, which may make a second video.", generation.Id);
        }

        // Stored before sending: a run that dies waiting for the answer then leaves a trace instead of a silent resend.
        generation.SubmittedAt = generation.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(CancellationToken.None);
        var (width, height) = (generation.Slot.Facts().Width, generation.Slot.Facts().Height);
        string videoId;
        try
        {
            videoId = await heygen.GenerateAsync(account.ApiKey,
                new HeyGenVideoRequest(account.AvatarId, account.VoiceId, script!, width, height, $"{content.Title} · {generation.Slot.Title()}", generation.Id.ToString()),
                ct);
        }
        catch (HeyGenException)
        {
            // HeyGen answered with an error or could not be reached: no video was made, so a later try may send again.
            generation.SubmittedAt = null;
            throw;
        }

        // Stored before anything else can go wrong, so no later run submits again.
        generation.ProviderVideoId = videoId;
        generation.Status = GenerationStatus.Submitted;
        generation.SubmittedAt = generation.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogInformation("Generation {GenerationId}: submitted to HeyGen as video {VideoId}.", generation.Id, videoId);
        return Options.PollInterval;
    }

    private async Task<TimeSpan?> PollAsync(VideoGeneration generation, Content content, HeyGenAccount account, CancellationToken ct)
    {
        var status = await heygen.GetStatusAsync(account.ApiKey, generation.ProviderVideoId!, ct);
        if (status.IsFailed)
        {
            await SettleAsync(generation, content, GenerationStatus.Failed, "render_failed", RenderFailure(status.Error));
            return null;
        }
        if (!status.IsCompleted)
        {
            if (generation.Status != GenerationStatus.Processing)
            {
                generation.Status = GenerationStatus.Processing;
                generation.UpdatedAt = clock.GetUtcNow();
                await db.SaveChangesAsync(CancellationToken.None);
            }
            return Options.PollInterval;
        }
        if (status.VideoUrl is null)
        {
            throw new HeyGenException(HeyGenErrorKind.Transient, "HeyGen reported the video completed but sent no link yet.");
        }

        StagedVideo staged;
        using (var response = await heygen.DownloadAsync(status.VideoUrl, ct))
        {
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(ct);
                staged = await store.StageAsync(body, Options.MaxDownloadBytes, ct);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw new HeyGenException(HeyGenErrorKind.Transient, "The download from HeyGen broke off: " + e.Message, inner: e);
            }
        }

        var now = clock.GetUtcNow();
        generation.Status = GenerationStatus.Completed;
        generation.FinishedAt = generation.UpdatedAt = now;
        generation.ErrorCode = generation.ErrorMessage = null;
        var completed = Record(generation, content, VideoEventLog.Succeeded, null, now);
        // AttachAsync saves every tracked change inside its own transaction, so the slot's new video and the generation's
        // completion commit together: a crash cannot leave one without the other and make a later run attach twice.
        var asset = await SlotVideos.AttachAsync(db, store, content.Id, generation.Slot, staged, VideoSource.Ai,
            FileNameFor(content, generation.Slot, staged.Format), generation.RequestedBy, CancellationToken.None);
        generation.AssetId = completed.AssetId = asset.Id;
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogInformation("Generation {GenerationId}: completed as asset {AssetId}.", generation.Id, asset.Id);
        return null;
    }

    private async Task SettleAsync(VideoGeneration generation, Content content, GenerationStatus status, string errorKind, string message)
    {
        var now = clock.GetUtcNow();
        generation.Status = status;
        generation.ErrorCode = errorKind;
        generation.ErrorMessage = message;
        generation.FinishedAt = generation.UpdatedAt = now;
        Record(generation, content, VideoEventLog.Failed, errorKind, now);
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogWarning("Generation {GenerationId}: {Status} ({ErrorKind}).", generation.Id, status, errorKind);
    }

    private VideoEvent Record(VideoGeneration generation, Content content, string outcome, string? errorKind, DateTimeOffset now) =>
        db.Record(content.BusinessId, content.Id, generation.Slot, VideoEventLog.Generation, outcome, generation.RequestedBy,
            durationMs: (long)(now - generation.CreatedAt).TotalMilliseconds, errorKind: errorKind, generationId: generation.Id);

    // A failed attach clears the change tracker; the generation must be tracked again to record the outcome.
    private void Reattach(VideoGeneration generation)
    {
        if (db.Entry(generation).State == EntityState.Detached)
        {
            db.VideoGenerations.Attach(generation);
        }
    }

    private TimeSpan Backoff(int attempts, TimeSpan? retryAfter)
    {
        if (retryAfter is { } wait && wait > TimeSpan.Zero)
        {
            return wait < Options.MaxRetryDelay ? wait : Options.MaxRetryDelay;
        }
        var exponential = Options.RetryBaseDelay * Math.Pow(2, Math.Min(attempts - 1, 10));
        return exponential < Options.MaxRetryDelay ? exponential : Options.MaxRetryDelay;
    }

    private static bool IsSentButUnconfirmed(VideoGeneration generation) => generation is { ProviderVideoId: null, SubmittedAt: not null };

    private const string UnconfirmedMessage =
        "The app stopped while sending this video to HeyGen and HeyGen never confirmed it. Check your HeyGen account for it before you retry, so it is not made twice.";

    public static string TimedOutMessage(TimeSpan timeout)
    {
        var minutes = (int)Math.Round(timeout.TotalMinutes);
        return $"HeyGen did not finish the video within {minutes} minute{(minutes == 1 ? "" : "s")}. Try again; if it keeps happening, check the render in your HeyGen account.";
    }

    private static string RenderFailure(string? reason) =>
        "HeyGen could not render the video: " + (string.IsNullOrWhiteSpace(reason) ? "it gave no reason." : reason.Trim());

    private static string FileNameFor(Content content, VideoSlot slot, VideoFormat format)
    {
        var title = new string(content.Title.Where(ch => !Path.GetInvalidFileNameChars().Contains(ch)).ToArray()).Trim();
        if (title.Length > 200)
        {
            title = title[..200];
        }
        return $"{(title.Length == 0 ? "AI video" : title)} ({slot.Key()}).{format.Extension}";
    }
}
