using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Npgsql;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Core.Media;

namespace VideoStudio.Web.Pages.Content;

public sealed class UploadOptions
{
    public long MaxBytes { get; set; } = 2L << 30;

    /// <summary>What the file picker offers; the server decides by the file's first bytes, whatever the name says.</summary>
    public string Accept { get; set; } = ".mp4,.mov,.webm,video/mp4,video/quicktime,video/webm";

    /// <summary>How much the dialog sends per request of a resumable upload: what a dropped connection costs again at most.</summary>
    public int ChunkBytes { get; set; } = 8 << 20;

    /// <summary>A resumable upload left untouched this long is removed with its bytes (tus's Upload-Expires).</summary>
    public TimeSpan Expiry { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Video bytes one business may keep (current videos, earlier versions, uploads under way); 0 for no limit.</summary>
    public long BusinessQuotaBytes { get; set; } = 100L << 30;

    /// <summary>Resumable uploads one user may send at once (one that sent nothing for <see cref="StallTimeout"/> does not count).</summary>
    public int MaxConcurrentPerUser { get; set; } = 3;

    /// <summary>A request that sends nothing for this long is ended and what it held is freed.</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(60);
}

public sealed record UploadOutcome(VideoAsset? Asset, string? Error, int Status);

/// <summary>
/// Streams one multipart upload (the form without JavaScript; the dialog uses <see cref="ResumableUploads"/>) straight into
/// media storage: no form buffering, the size limit enforced while reading, the type decided by magic bytes and ffprobe,
/// and the slot changed only once the whole file is safely on disk.
/// </summary>
public sealed class VideoUpload(StudioDb db, MediaStore store, VideoProbe probe, Microsoft.Extensions.Options.IOptions<UploadOptions> options, ILogger<VideoUpload> log)
{
    // Multipart framing around the file: boundaries, part headers and the small fields before it.
    private const long FramingAllowance = 64 * 1024;

    public const string TokenHeader = "RequestVerificationToken";
    public const string TokenField = "__RequestVerificationToken";
    public const string ShapeField = "shape";

    private static readonly UploadOutcome Expired = new(null, "This page has expired, so the upload was not accepted. Reload the page and upload again.", StatusCodes.Status400BadRequest);

    public UploadOptions Options => options.Value;

    public const string SingleUploadUnavailableMessage =
        "The video store is not answering, so the upload was not saved; your previous video is unchanged. Try again in a minute.";

    public async Task<UploadOutcome> ReceiveAsync(HttpContext http, Core.Data.Content content, VideoSlot slot, string userId)
    {
        var clock = Stopwatch.StartNew();
        var max = options.Value.MaxBytes;
        var request = http.Request;

        if (request.ContentLength > max + FramingAllowance)
        {
            await RecordAsync(content, slot, VideoEventLog.Failed, userId, request.ContentLength, clock, "too_large");
            return new(null, $"This file is larger than the limit of {MediaStore.FormatBytes(max)}. Upload a smaller or more compressed video.", StatusCodes.Status413PayloadTooLarge);
        }
        var sizeFeature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = max + FramingAllowance;
        }

        // The token comes in the header (htmx, scripts) or as the form's first field (a browser without JavaScript): either
        // way it is checked before a byte of the file is read, and the body is never buffered as a form.
        var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
        var tokenChecked = false;
        if (request.Headers.ContainsKey(TokenHeader))
        {
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Expired;
            }
            tokenChecked = true;
        }
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
        {
            return tokenChecked ? new(null, "Choose a video file to upload.", StatusCodes.Status422UnprocessableEntity) : Expired;
        }

        UploadSession? underWay = null;
        try
        {
            var shapeAccepted = false;
            var reader = new MultipartReader(boundary, request.Body);
            while (await reader.ReadNextSectionAsync(http.RequestAborted) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    continue;
                }
                if (!disposition.IsFileDisposition())
                {
                    var value = await section.Body.ReadAtMostAsync(4096, http.RequestAborted) is { } bytes ? Encoding.UTF8.GetString(bytes) : "";
                    if (disposition.Name.Value == TokenField && !tokenChecked)
                    {
                        request.Headers[TokenHeader] = value;
                        if (!await antiforgery.IsRequestValidAsync(http))
                        {
                            return Expired;
                        }
                        tokenChecked = true;
                    }
                    shapeAccepted |= disposition.Name.Value == ShapeField && value == SlotShape.UseAnyway;
                    continue;
                }
                if (!tokenChecked)
                {
                    return Expired;
                }
                if (disposition.Name.Value != "file")
                {
                    continue;
                }
                var fileName = SafeFileName(disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : disposition.FileName.Value);
                var now = DateTimeOffset.UtcNow;
                // The multipart framing is counted with the file: a few hundred bytes, never more than FramingAllowance.
                var length = request.ContentLength ?? 0;
                if (await UploadLimits.CheckAsync(db, content.BusinessId, userId, length, options.Value, now, http.RequestAborted) is { } limited)
                {
                    await RecordAsync(content, slot, VideoEventLog.Failed, userId, request.ContentLength, clock, limited.Kind);
                    return new(null, limited.Message, limited.Status);
                }
                underWay = new UploadSession
                {
                    Id = Guid.NewGuid(), BusinessId = content.BusinessId, ContentId = content.Id, Slot = slot, UserId = userId, FileName = fileName,
                    Length = length, CreatedAt = now, UpdatedAt = now, ExpiresAt = now + options.Value.Expiry,
                };
                db.UploadSessions.Add(underWay);
                db.Record(content.BusinessId, content.Id, slot, VideoEventLog.Upload, VideoEventLog.Started, userId, request.ContentLength);
                await db.SaveChangesAsync(http.RequestAborted);
                var body = new UploadLimits.Arriving(section.Body, () => TouchAsync(underWay.Id), options.Value.StallTimeout / 3);
                var staged = await store.StageAsync(Guid.NewGuid(), body, max, http.RequestAborted);
                try
                {
                    staged = await probe.DescribeAsync(staged, store, CancellationToken.None);
                    if (SlotShape.Misfit(slot, staged.Probe) is { } question)
                    {
                        if (!shapeAccepted)
                        {
                            throw new MediaRejectedException(question + " To use it, tick “Use it even if its shape does not fit the slot” and upload it again.", "shape");
                        }
                        staged = staged with { ShapeAccepted = true };
                    }
                }
                catch
                {
                    await store.DiscardAsync(staged);
                    await SlotVideos.DeleteQuietlyAsync(store, staged.PosterKey);
                    throw;
                }
                VideoAsset asset;
                try
                {
                    asset = await SlotVideos.AttachAsync(db, store, content.Id, slot, staged, VideoSource.Upload, fileName, userId, CancellationToken.None);
                }
                catch (Exception down) when (IsDatabaseUnavailable(down))
                {
                    // The file arrived while PostgreSQL was away (a restart, a failover): AttachAsync removed it again and the
                    // slot never changed, which is what the editor must hear instead of an error page.
                    log.LogWarning("Upload for content {ContentId} {Slot} arrived but could not be saved: {Reason}", content.Id, slot.Key(), down.Message);
                    await TryRecordAsync(content, slot, VideoEventLog.Failed, userId, staged.SizeBytes, clock, "database_unavailable");
                    return new(null, "The video arrived but could not be saved because the database is not answering. Your previous video is unchanged; try again in a minute.",
                        StatusCodes.Status503ServiceUnavailable);
                }
                await RecordAsync(content, slot, VideoEventLog.Succeeded, userId, asset.SizeBytes, clock, null, asset.Id);
                log.LogInformation("Upload stored as asset {AssetId} for content {ContentId} {Slot}: {Bytes} bytes in {Ms} ms",
                    asset.Id, content.Id, slot.Key(), asset.SizeBytes, clock.ElapsedMilliseconds);
                return new(asset, null, StatusCodes.Status200OK);
            }
            if (!tokenChecked)
            {
                return Expired;
            }
            await RecordAsync(content, slot, VideoEventLog.Failed, userId, null, clock, "no_file");
            return new(null, "Choose a video file to upload.", StatusCodes.Status422UnprocessableEntity);
        }
        catch (MediaRejectedException rejected)
        {
            await RecordAsync(content, slot, VideoEventLog.Failed, userId, request.ContentLength, clock, rejected.Kind);
            return new(null, rejected.Message, rejected.Kind == "too_large" ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status422UnprocessableEntity);
        }
        catch (IOException full) when (MediaStore.IsDiskFull(full))
        {
            log.LogError(full, "Media storage is out of space; an upload for content {ContentId} {Slot} was refused", content.Id, slot.Key());
            await RecordAsync(content, slot, VideoEventLog.Failed, userId, request.ContentLength, clock, "disk_full");
            return new(null, MediaStore.DiskFullMessage, StatusCodes.Status507InsufficientStorage);
        }
        catch (MediaUnavailableException down)
        {
            log.LogError("Media storage did not answer; an upload for content {ContentId} {Slot} was refused: {Reason}", content.Id, slot.Key(), down.Message);
            await RecordAsync(content, slot, VideoEventLog.Failed, userId, request.ContentLength, clock, "store_unavailable");
            return new(null, SingleUploadUnavailableMessage, StatusCodes.Status503ServiceUnavailable);
        }
        catch (Exception broken) when (broken is IOException or BadHttpRequestException or OperationCanceledException)
        {
            // The client went away or sent a malformed body; the slot was never touched.
            await RecordAsync(content, slot, VideoEventLog.Failed, userId, request.ContentLength, clock, "interrupted");
            log.LogInformation("Upload for content {ContentId} {Slot} was interrupted after {Ms} ms: {Reason}", content.Id, slot.Key(), clock.ElapsedMilliseconds, broken.Message);
            return new(null, "The upload was interrupted before the whole file arrived. Your previous video is unchanged; try again.", StatusCodes.Status400BadRequest);
        }
        finally
        {
            if (underWay is not null)
            {
                await ForgetAsync(underWay.Id);
            }
        }
    }

    /// <summary>The upload still arrives, so it goes on counting as under way; while PostgreSQL is away it simply stops counting.</summary>
    private async Task TouchAsync(Guid uploadId)
    {
        try
        {
            await db.UploadSessions.Where(u => u.Id == uploadId).ExecuteUpdateAsync(s => s.SetProperty(u => u.UpdatedAt, DateTimeOffset.UtcNow), CancellationToken.None);
        }
        catch (Exception down) when (IsDatabaseUnavailable(down))
        {
        }
    }

    /// <summary>No longer under way, whatever the outcome; a row left by a database outage or a killed process goes with the sweep at its expiry.</summary>
    private async Task ForgetAsync(Guid uploadId)
    {
        try
        {
            await db.UploadSessions.Where(u => u.Id == uploadId).ExecuteDeleteAsync(CancellationToken.None);
        }
        catch (Exception down) when (IsDatabaseUnavailable(down))
        {
        }
    }

    private async Task TryRecordAsync(Core.Data.Content content, VideoSlot slot, string outcome, string userId, long? bytes, Stopwatch clock, string errorKind)
    {
        try
        {
            await RecordAsync(content, slot, outcome, userId, bytes, clock, errorKind);
        }
        catch (Exception down) when (IsDatabaseUnavailable(down))
        {
            // Still away: this failure goes unrecorded, like everything else written during the outage.
        }
    }

    /// <summary>PostgreSQL unreachable or going down, possibly wrapped by EF Core (DbUpdateException, transient-failure wrappers).</summary>
    private static bool IsDatabaseUnavailable(Exception e) =>
        e is NpgsqlException { IsTransient: true } || (e.InnerException is { } inner && IsDatabaseUnavailable(inner));

    private async Task RecordAsync(Core.Data.Content content, VideoSlot slot, string outcome, string userId, long? bytes, Stopwatch clock, string? errorKind, Guid? assetId = null)
    {
        db.ChangeTracker.Clear();
        db.Record(content.BusinessId, content.Id, slot, VideoEventLog.Upload, outcome, userId, bytes, clock.ElapsedMilliseconds, errorKind, assetId);
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>Keeps only the last path segment, without control characters, at most 255 characters: it is shown, never used as a path.</summary>
    public static string SafeFileName(string? raw)
    {
        var name = (raw ?? "").Trim('"');
        name = name[(name.LastIndexOfAny(['/', '\\']) + 1)..];
        var clean = new StringBuilder(name.Length);
        foreach (var ch in name)
        {
            if (!char.IsControl(ch) && ch is not ('\u202E' or '\u202D' or '\u200E' or '\u200F'))
            {
                clean.Append(ch);
            }
        }
        var result = clean.ToString().Trim().TrimStart('.');
        if (result.Length > 255)
        {
            result = result[..255];
        }
        return result.Length == 0 ? "video" : result;
    }
}
