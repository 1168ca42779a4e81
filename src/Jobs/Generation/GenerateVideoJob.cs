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
    VideoProbe probe,
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

        // A generation waiting for one of the business's render slots has not started yet; its clock starts when it is sent.
        if (!generation.WaitsForRenderSlot && clock.GetUtcNow() - (generation.SubmittedAt ?? generation.CreatedAt) > Options.GenerationTimeout)
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
        catch (MediaUnavailableException down)
        {
            // The render is done and paid for at HeyGen; only our media store is away. The next poll downloads it again
            // (the generation timeout still bounds how long), and nothing of this attempt was kept.
            db.ChangeTracker.Clear();
            logger.LogWarning("Generation {GenerationId}: the media store did not answer ({Error}); downloading again in {Delay}.",
                generationId, down.Message, Options.PollInterval);
            return Options.PollInterval;
        }
        catch (Exception e) when (e is HeyGenException or MediaRejectedException)
        {
            // Whatever the failed step had changed is dropped; the outcome is written to the row as it is in the database.
            db.ChangeTracker.Clear();
            generation = await db.VideoGenerations.SingleAsync(g => g.Id == generationId, CancellationToken.None);
            return e switch
            {
                HeyGenException { IsTransient: true } transient => await PostponeAsync(generation, content, transient),
                HeyGenException permanent => await FailAsync(generation, content, permanent.KindName, permanent.Message, permanent.Detail),
                _ => await FailAsync(generation, content, "bad_file",
                    "The finished video could not be stored: " + e.Message + " Generate it again; if it keeps happening, download it from your HeyGen account and upload it here."),
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
        var now = generation.UpdatedAt = clock.GetUtcNow();
        if (generation.ProviderVideoId is null && generation.Attempts >= Options.MaxSubmitAttempts)
        {
            return await FailAsync(generation, content, e.KindName,
                $"HeyGen could not be reached after {generation.Attempts} attempts. {e.Message} Try again later.", e.Detail);
        }
        var delay = Backoff(generation.Attempts, e.RetryAfter);
        generation.NextAttemptAt = now + delay;
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogWarning("Generation {GenerationId}: {Error} Next try in {Delay}.", generation.Id, e.Message, delay);
        return delay;
    }

    private async Task<TimeSpan?> FailAsync(VideoGeneration generation, Content content, string errorKind, string message, string? detail = null)
    {
        await SettleAsync(generation, content, GenerationStatus.Failed, errorKind, message, detail);
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

        if (generation.SubmittedAt is null && !await TakeRenderSlotAsync(generation, content.BusinessId, account.MaxConcurrentRenders ?? Options.MaxConcurrentRenders))
        {
            return Options.PollInterval;
        }
        var videoId = await heygen.CreateVideoAsync(account.ApiKey,
            new HeyGenVideoRequest(account.AvatarFor(generation.Slot), account.VoiceId, script!, generation.Slot.Facts().AspectRatio, Options.Resolution, account.Engine,
                $"{content.Title} · {generation.Slot.Title()}", generation.Id.ToString(), IdempotencyKey(generation.Id)),
            ct);

        generation.ProviderVideoId = videoId;
        (generation.AvatarId, generation.VoiceId, generation.ScriptExcerpt) = (account.AvatarFor(generation.Slot), account.VoiceId, Excerpt(script!));
        generation.Status = GenerationStatus.Submitted;
        generation.NextAttemptAt = null;
        generation.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogInformation("Generation {GenerationId}: submitted to HeyGen as video {VideoId}.", generation.Id, videoId);
        return Options.PollInterval;
    }

    public static string IdempotencyKey(Guid generationId) => generationId.ToString();

    /// <summary>The start of the script a render was made from, for the slot's history (the script itself may change later).</summary>
    public static string Excerpt(string script)
    {
        var flat = string.Join(' ', script.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= 280 ? flat : flat[..279].TrimEnd() + "…";
    }

    /// <summary>
    /// Marks the generation sent (SubmittedAt, committed before the call) when the business has fewer than
    /// <paramref name="limit"/> renders in flight, counting older generations already waiting as ahead of this one.
    /// Otherwise it waits, shown on the card, instead of HeyGen answering 429.
    /// </summary>
    private async Task<bool> TakeRenderSlotAsync(VideoGeneration generation, Guid businessId, int limit)
    {
        await using var tx = await db.Database.BeginTransactionAsync(CancellationToken.None);
        await GenerationLock.LockBusinessForTransactionAsync(db, businessId, CancellationToken.None);
        var ahead = await db.VideoGenerations
            .Where(g => g.Id != generation.Id && GenerationStatuses.Active.Contains(g.Status))
            .Where(g => g.SubmittedAt != null || (g.WaitsForRenderSlot && g.CreatedAt < generation.CreatedAt))
            .CountAsync(g => db.Content.Any(c => c.Id == g.ContentId && c.BusinessId == businessId), CancellationToken.None);
        var now = clock.GetUtcNow();
        var free = ahead < limit;
        if (free)
        {
            generation.SubmittedAt = generation.UpdatedAt = now;
            generation.WaitsForRenderSlot = false;
        }
        else if (!generation.WaitsForRenderSlot || now - generation.UpdatedAt > WaitingHeartbeat)
        {
            // Touched now and then, so the sweeper can tell a waiting generation from one whose chain was lost.
            generation.WaitsForRenderSlot = true;
            generation.UpdatedAt = now;
        }
        await db.SaveChangesAsync(CancellationToken.None);
        await tx.CommitAsync(CancellationToken.None);
        if (!free)
        {
            logger.LogInformation("Generation {GenerationId}: waits, {Ahead} renders of the business are in flight or ahead (limit {Limit}).", generation.Id, ahead, limit);
        }
        return free;
    }

    public static readonly TimeSpan WaitingHeartbeat = TimeSpan.FromMinutes(5);

    private async Task<TimeSpan?> PollAsync(VideoGeneration generation, Content content, HeyGenAccount account, CancellationToken ct)
    {
        HeyGenVideo video;
        try
        {
            video = await heygen.GetVideoAsync(account.ApiKey, generation.ProviderVideoId!, ct);
        }
        catch (HeyGenException e) when (e.Kind == HeyGenErrorKind.NotFound)
        {
            return await FailAsync(generation, content, e.KindName,
                "HeyGen no longer knows this video (it may have been deleted there, or the API key belongs to another account now). Generate it again.",
                e.Detail);
        }
        if (video.IsFailed)
        {
            return await FailAsync(generation, content, "render_failed", RenderFailedMessage, RenderFailureDetail(video));
        }
        if (!video.IsCompleted)
        {
            // HeyGen answered, so a retry it was waiting for is over.
            if (generation.Status != GenerationStatus.Processing || generation.NextAttemptAt is not null)
            {
                generation.Status = GenerationStatus.Processing;
                generation.NextAttemptAt = null;
                generation.UpdatedAt = clock.GetUtcNow();
                await db.SaveChangesAsync(CancellationToken.None);
            }
            return Options.PollInterval;
        }

        (var staged, video) = await DownloadVideoAsync(account, video, ct);
        try
        {
            // The same facts as an upload's (picture size, codecs, length); HeyGen's own poster and length win where given.
            staged = staged with { Probe = await probe.ProbeAsync(await store.ToolInputAsync(staged, ct), ct) };
        }
        catch (MediaRejectedException unreadable)
        {
            logger.LogWarning("Generation {GenerationId}: ffprobe could not read HeyGen's file: {Error}", generation.Id, unreadable.Message);
        }
        // The poster and captions come with the video when they are ready, so the card shows them from its first update.
        var assetId = staged.AssetId;
        var (poster, captions) = await StoreCompanionsAsync(generation, assetId, video, wantPoster: true, wantCaptions: true);
        var now = clock.GetUtcNow();
        // One explicit transaction: the slot's new video and the generation's completion commit together, so a crash cannot
        // leave one without the other and make a later run attach twice.
        await using var tx = await db.Database.BeginTransactionAsync(CancellationToken.None);
        VideoAsset? asset = null;
        try
        {
            asset = await SlotVideos.AttachAsync(db, store, content.Id, generation.Slot, staged, VideoSource.Ai,
                FileNameFor(content, generation.Slot, staged.Format), generation.RequestedBy, CancellationToken.None,
                unlessChangedSince: generation.CreatedAt);
            generation.Status = GenerationStatus.Completed;
            generation.FinishedAt = generation.UpdatedAt = now;
            generation.ErrorCode = generation.ErrorMessage = generation.ErrorDetail = null;
            generation.NextAttemptAt = null;
            generation.AssetId = asset.Id;
            (asset.PosterKey, asset.CaptionsKey, asset.DurationSeconds) = (poster, captions, video.Duration ?? asset.DurationSeconds);
            Record(generation, content, VideoEventLog.Succeeded, null, now).AssetId = asset.Id;
            await db.SaveChangesAsync(CancellationToken.None);
            await tx.CommitAsync(CancellationToken.None);
        }
        catch
        {
            await SlotVideos.DeleteQuietlyAsync(store, asset?.StorageKey, poster, captions);
            throw;
        }
        logger.LogInformation(asset.ReplacedAt is null
            ? "Generation {GenerationId}: completed as asset {AssetId}."
            : "Generation {GenerationId}: completed as asset {AssetId}, kept aside because the slot was changed by hand meanwhile.", generation.Id, asset.Id);
        CaptionsLaterIfMissing(generation, asset);
        return null;
    }

    /// <summary>
    /// The poster and captions of a completed generation's video, for the job scheduled when they were not ready (HeyGen
    /// finishes subtitles seconds after the video) or for a caption webhook. Safe to run any number of times.
    /// </summary>
    [JobDisplayName("Fetch poster and captions · {0}")]
    [AutomaticRetry(Attempts = 2, DelaysInSeconds = [30, 60])]
    public async Task FetchCompanionsAsync(Guid generationId, CancellationToken ct)
    {
        // Waits its turn: the generation's own steps hold the lock for seconds at most.
        await using var guard = await GenerationLock.TakeAsync(db, generationId, ct);
        var generation = await db.VideoGenerations.AsNoTracking().SingleOrDefaultAsync(g => g.Id == generationId, ct);
        if (generation is not { Status: GenerationStatus.Completed, AssetId: { } assetId, ProviderVideoId: { } videoId })
        {
            return;
        }
        var asset = await db.VideoAssets.SingleAsync(a => a.Id == assetId, ct);
        if (asset is { PosterKey: not null, CaptionsKey: not null })
        {
            return;
        }
        var businessId = await db.Content.Where(c => c.Id == generation.ContentId).Select(c => c.BusinessId).SingleAsync(ct);
        HeyGenAccount? account;
        try
        {
            account = await secrets.AccountForAsync(db, businessId, ct);
        }
        catch (CryptographicException)
        {
            return;
        }
        if (account is null)
        {
            return;
        }
        HeyGenVideo video;
        try
        {
            video = await heygen.GetVideoAsync(account.ApiKey, videoId, ct);
        }
        catch (HeyGenException e) when (e.IsTransient)
        {
            CaptionsLaterIfMissing(generation, asset);
            return;
        }
        catch (HeyGenException)
        {
            return;
        }
        var (poster, captions) = await StoreCompanionsAsync(generation, asset.Id, video, asset.PosterKey is null, asset.CaptionsKey is null);
        asset.PosterKey ??= poster;
        asset.DurationSeconds ??= video.Duration;
        await db.SaveChangesAsync(CancellationToken.None);
        if (captions is not null)
        {
            // Only where the asset still has none: captions an editor attached meanwhile are their explicit choice and stay.
            var taken = await db.VideoAssets.Where(a => a.Id == asset.Id && a.CaptionsKey == null)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.CaptionsKey, captions), CancellationToken.None);
            if (taken == 0)
            {
                await store.DeleteAsync(captions, CancellationToken.None);
            }
            asset.CaptionsKey ??= captions;
        }
        CaptionsLaterIfMissing(generation, asset);
    }

    /// <summary>Asks again later while the captions are missing and HeyGen may still be finishing them.</summary>
    private void CaptionsLaterIfMissing(VideoGeneration generation, VideoAsset asset)
    {
        if (asset.CaptionsKey is null && clock.GetUtcNow() - (generation.FinishedAt ?? clock.GetUtcNow()) < Options.CaptionWait)
        {
            ScheduleCompanions(generation, Options.PollInterval);
        }
    }

    private void ScheduleCompanions(VideoGeneration generation, TimeSpan delay) =>
        jobs.Schedule<GenerateVideoJob>(j => j.FetchCompanionsAsync(generation.Id, CancellationToken.None), delay);

    /// <summary>
    /// Writes what HeyGen has ready of an asset's poster (its thumbnail) and captions (its SRT as WebVTT); returns their
    /// storage keys, null for what is not ready. A failure here costs only the companion, never the video.
    /// </summary>
    private async Task<(string? Poster, string? Captions)> StoreCompanionsAsync(
        VideoGeneration generation, Guid assetId, HeyGenVideo video, bool wantPoster, bool wantCaptions)
    {
        var ct = CancellationToken.None;
        string? poster = null, captions = null;
        try
        {
            if (wantPoster && video.ThumbnailUrl is { } thumbnail
                && await DownloadSmallAsync(thumbnail, MaxPosterBytes, ct) is var image && PosterFormat.Detect(image) is { } format)
            {
                var key = VideoProbe.PosterKey(assetId, format);
                await store.SaveCompanionAsync(key, image, format.ContentType, ct);
                poster = key;
            }
            if (wantCaptions && video.SubtitleUrl is { } subtitles)
            {
                var srt = System.Text.Encoding.UTF8.GetString(await DownloadSmallAsync(subtitles, WebVtt.MaxBytes, ct));
                var key = $"{assetId:N}.captions.vtt";
                await store.SaveCompanionAsync(key, System.Text.Encoding.UTF8.GetBytes(WebVtt.FromSrt(srt)), WebVtt.ContentType, ct);
                captions = key;
            }
        }
        catch (Exception e) when (e is HeyGenException or MediaRejectedException or MediaUnavailableException or IOException or HttpRequestException)
        {
            logger.LogWarning("Generation {GenerationId}: poster or captions not stored yet: {Error}", generation.Id, e.Message);
        }
        return (poster, captions);
    }

    private const long MaxPosterBytes = 10 << 20;

    private async Task<byte[]> DownloadSmallAsync(string url, long maxBytes, CancellationToken ct)
    {
        using var response = await heygen.DownloadAsync(url, ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        return await body.ReadAtMostAsync(maxBytes, ct)
            ?? throw new MediaRejectedException($"HeyGen's file is larger than {MediaStore.FormatBytes(maxBytes)}.", "too_large");
    }

    /// <summary>Streams the finished file into staging; an expired link is renewed once by a fresh GET of the video.</summary>
    private async Task<(StagedVideo Staged, HeyGenVideo Video)> DownloadVideoAsync(HeyGenAccount account, HeyGenVideo video, CancellationToken ct)
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
                return (await store.StageAsync(Guid.NewGuid(), body, Options.MaxDownloadBytes, ct), video);
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

    private async Task SettleAsync(VideoGeneration generation, Content content, GenerationStatus status, string errorKind, string message, string? detail = null)
    {
        var now = clock.GetUtcNow();
        generation.Status = status;
        generation.ErrorCode = errorKind;
        generation.ErrorMessage = message;
        generation.ErrorDetail = detail;
        generation.NextAttemptAt = null;
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

    public const string RenderFailedMessage =
        "HeyGen started the render but could not finish it. Check the script for words or characters HeyGen may refuse, then retry; if it keeps failing, look at the render in your HeyGen account.";

    /// <summary>HeyGen's own words for a failed render: its message, and its failure code when it sent one.</summary>
    private static string? RenderFailureDetail(HeyGenVideo video) =>
        HeyGenException.DetailOf(
            string.Join(" ", new[] { video.FailureMessage?.Trim(), video.FailureCode is { Length: > 0 } code ? $"({code})" : null }.Where(p => !string.IsNullOrEmpty(p))),
            apiKey: null);

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
