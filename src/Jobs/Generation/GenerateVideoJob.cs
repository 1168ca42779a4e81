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
            await SettleAsync(generation, content, GenerationStatus.TimedOut, "timed_out", TimedOutMessage(Options.GenerationTimeout));
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
        catch (Exception e) when (e is HeyGenException or MediaRejectedException)
        {
            // Whatever the failed step had changed is dropped; the outcome is written to the row as it is in the database.
            db.ChangeTracker.Clear();
            generation = await db.VideoGenerations.SingleAsync(g => g.Id == generationId, CancellationToken.None);
            return e switch
            {
                HeyGenException { IsTransient: true } transient => await PostponeAsync(generation, content, transient),
                HeyGenException permanent => await FailAsync(generation, content, permanent.KindName, permanent.Message),
                _ => await FailAsync(generation, content, "bad_file", "HeyGen's file could not be stored: " + e.Message),
            };
        }
    }

    private async Task<TimeSpan?> PostponeAsync(VideoGeneration generation, Content content, HeyGenException e)
    {
        // A 429 or a 409 request_in_progress only asks us to wait; the generation timeout bounds how long.
        if (!e.WaitOnly)
        {
            generation.Attempts++;
        }
        generation.UpdatedAt = clock.GetUtcNow();
        if (generation.ProviderVideoId is null && generation.Attempts >= Options.MaxSubmitAttempts)
        {
            return await FailAsync(generation, content, e.KindName,
                $"HeyGen could not be reached after {generation.Attempts} attempts. {e.Message} Try again later.");
        }
        await db.SaveChangesAsync(CancellationToken.None);
        var delay = Backoff(generation.Attempts, e.RetryAfter);
        logger.LogWarning("Generation {GenerationId}: {Error} Next try in {Delay}.", generation.Id, e.Message, delay);
        return delay;
    }

    private async Task<TimeSpan?> FailAsync(VideoGeneration generation, Content content, string errorKind, string message)
    {
        await SettleAsync(generation, content, GenerationStatus.Failed, errorKind, message);
        return null;
    }

    /// <summary>
    /// Sends the render with the generation id as Idempotency-Key. A send that timed out, or whose worker died before the
    /// answer was stored, is simply sent again with the same key: HeyGen replays its first answer instead of making (and
    /// billing) a second video, within 24 hours, far beyond the generation timeout.
    /// </summary>
    private async Task<TimeSpan?> SubmitAsync(VideoGeneration generation, Content content, HeyGenAccount account, CancellationToken ct)
    {
        var script = content.Script(generation.Slot);
        if (GenerationPolicy.ScriptRefusal(generation.Slot, script) is var (code, refusal))
        {
            return await FailAsync(generation, content, code, refusal);
        }

        generation.SubmittedAt ??= clock.GetUtcNow();
        generation.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(CancellationToken.None);
        var videoId = await heygen.CreateVideoAsync(account.ApiKey,
            new HeyGenVideoRequest(account.AvatarId, account.VoiceId, script!, generation.Slot.Facts().AspectRatio, Options.Resolution, null,
                $"{content.Title} · {generation.Slot.Title()}", generation.Id.ToString(), IdempotencyKey(generation.Id)),
            ct);

        generation.ProviderVideoId = videoId;
        generation.Status = GenerationStatus.Submitted;
        generation.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogInformation("Generation {GenerationId}: submitted to HeyGen as video {VideoId}.", generation.Id, videoId);
        return Options.PollInterval;
    }

    public static string IdempotencyKey(Guid generationId) => generationId.ToString();

    private async Task<TimeSpan?> PollAsync(VideoGeneration generation, Content content, HeyGenAccount account, CancellationToken ct)
    {
        var video = await heygen.GetVideoAsync(account.ApiKey, generation.ProviderVideoId!, ct);
        if (video.IsFailed)
        {
            return await FailAsync(generation, content, "render_failed", RenderFailure(video.FailureMessage ?? video.FailureCode));
        }
        if (!video.IsCompleted)
        {
            if (generation.Status != GenerationStatus.Processing)
            {
                generation.Status = GenerationStatus.Processing;
                generation.UpdatedAt = clock.GetUtcNow();
                await db.SaveChangesAsync(CancellationToken.None);
            }
            return Options.PollInterval;
        }

        var staged = await DownloadVideoAsync(account, video, ct);
        var now = clock.GetUtcNow();
        // One explicit transaction: the slot's new video and the generation's completion commit together, so a crash cannot
        // leave one without the other and make a later run attach twice.
        await using var tx = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var asset = await SlotVideos.AttachAsync(db, store, content.Id, generation.Slot, staged, VideoSource.Ai,
            FileNameFor(content, generation.Slot, staged.Format), generation.RequestedBy, CancellationToken.None,
            unlessChangedSince: generation.CreatedAt);
        try
        {
            generation.Status = GenerationStatus.Completed;
            generation.FinishedAt = generation.UpdatedAt = now;
            generation.ErrorCode = generation.ErrorMessage = null;
            generation.AssetId = asset.Id;
            Record(generation, content, VideoEventLog.Succeeded, null, now).AssetId = asset.Id;
            await db.SaveChangesAsync(CancellationToken.None);
            await tx.CommitAsync(CancellationToken.None);
        }
        catch
        {
            store.Delete(asset.StorageKey);
            throw;
        }
        logger.LogInformation(asset.ReplacedAt is null
            ? "Generation {GenerationId}: completed as asset {AssetId}."
            : "Generation {GenerationId}: completed as asset {AssetId}, kept aside because the slot was changed by hand meanwhile.", generation.Id, asset.Id);
        return null;
    }

    /// <summary>Streams the finished file into staging; an expired link is renewed once by a fresh GET of the video.</summary>
    private async Task<StagedVideo> DownloadVideoAsync(HeyGenAccount account, HeyGenVideo video, CancellationToken ct)
    {
        for (var renewed = false; ; renewed = true)
        {
            if (video.VideoUrl is null)
            {
                throw new HeyGenException(HeyGenErrorKind.Transient, "HeyGen reported the video completed but sent no link yet.");
            }
            try
            {
                using var response = await heygen.DownloadAsync(video.VideoUrl, ct);
                await using var body = await response.Content.ReadAsStreamAsync(ct);
                return await store.StageAsync(body, Options.MaxDownloadBytes, ct);
            }
            catch (HeyGenException e) when (e.Kind == HeyGenErrorKind.LinkExpired && !renewed)
            {
                video = await heygen.GetVideoAsync(account.ApiKey, video.Id, ct);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw new HeyGenException(HeyGenErrorKind.Transient, "The download from HeyGen broke off: " + e.Message, inner: e);
            }
        }
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

    private TimeSpan Backoff(int attempts, TimeSpan? retryAfter)
    {
        if (retryAfter is { } wait && wait > TimeSpan.Zero)
        {
            return wait < Options.MaxRetryDelay ? wait : Options.MaxRetryDelay;
        }
        var exponential = Options.RetryBaseDelay * Math.Pow(2, Math.Min(attempts - 1, 10));
        return exponential < Options.MaxRetryDelay ? exponential : Options.MaxRetryDelay;
    }

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
