using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Core.Media;
using VideoStudio.Web.Api;
using VideoStudio.Web.Auth;

namespace VideoStudio.Web.Pages.Content;

/// <summary>
/// tus 1.0 (core, creation, termination, expiration, checksum with sha1) for one slot's video. Each PATCH streams to the
/// upload's file in media storage under a PostgreSQL advisory lock, so any web process may take any chunk; the row's offset
/// is the truth, so bytes a killed process wrote past it are cut off by the next PATCH. When the last byte arrives, the
/// same checks as a single upload run once (magic bytes, size, hash) and the slot changes in the same transaction that
/// marks the upload finished; a repeated last PATCH only hears that it is done.
/// Cross-site requests: every POST, PATCH and DELETE carries the page's antiforgery token in the RequestVerificationToken
/// header (checked before anything else; the header means the body is never read as a form). The tus content type and
/// headers would need a CORS preflight anyway, which this app never grants.
/// </summary>
public static class ResumableUploads
{
    public const string TusVersion = "1.0.0";
    public const string OffsetContentType = "application/offset+octet-stream";
    private const int BufferSize = 1 << 20;
    // A PATCH that runs long records its progress now and then, so a killed process loses at most this much.
    private const long RecordEvery = 32L << 20;

    /// <summary>Sent on the last PATCH when the video's shape does not fit the slot (the answer carries the question).</summary>
    public const string ShapeMisfitHeader = "Shape-Misfit";

    /// <summary>The editor's answer, on an empty PATCH at the end of the file: <see cref="SlotShape.UseAnyway"/>.</summary>
    public const string ShapeChoiceHeader = "Shape-Choice";

    public static string CreateUrl(Guid contentId, VideoSlot slot) => $"/content/{contentId}/uploads/{slot.Key()}";

    public static string UploadUrl(Guid uploadId) => $"/uploads/{uploadId:N}";

    public static IEndpointRouteBuilder MapResumableUploads(this IEndpointRouteBuilder app)
    {
        MapTus(app, "", write => write.AddEndpointFilter(RequireToken));
        return app;
    }

    /// <summary>
    /// The protocol's endpoints under a prefix: the pages' (signed-in cookie, antiforgery token on every write) and the
    /// API's (<c>/api/v1</c>, a bearer token, which no browser sends by itself, so no antiforgery token is needed).
    /// </summary>
    public static RouteGroupBuilder MapTus(IEndpointRouteBuilder app, string prefix, Action<RouteHandlerBuilder> writes)
    {
        var group = app.MapGroup(prefix).WithMetadata(new TusPrefix(prefix));
        // What the server supports, at one address that names nothing of anyone's.
        group.MapMethods("/uploads", [HttpMethods.Options], Describe).WithSummary("Ask which tus version, extensions and largest upload the server supports");
        writes(group.MapPost("/content/{id:guid}/uploads/{slot}", CreateAsync)
            .WithSummary("Start a resumable upload of the slot's video (Upload-Length, Upload-Metadata filename)"));
        writes(group.MapPatch("/uploads/{uploadId}", PatchAsync).WithSummary("Send the next chunk (application/offset+octet-stream, Upload-Offset)"));
        writes(group.MapDelete("/uploads/{uploadId}", DeleteAsync).WithSummary("Cancel an upload"));
        group.MapMethods("/uploads/{uploadId}", [HttpMethods.Head], HeadAsync).WithSummary("Ask how much of an upload arrived (Upload-Offset)");
        return group;
    }

    private sealed record TusPrefix(string Value);

    private static async ValueTask<object?> RequireToken(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        try
        {
            await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            return Refuse(http, StatusCodes.Status400BadRequest, "This page has expired. Reload it and try the upload again.");
        }
        return await next(context);
    }

    /// <summary>Asked after the upload or content is found, so a stranger hears 404 whatever they send.</summary>
    private static IResult? UnsupportedVersion(HttpContext http)
    {
        if (http.Request.Headers["Tus-Resumable"] == TusVersion)
        {
            return null;
        }
        http.Response.Headers["Tus-Version"] = TusVersion;
        return Refuse(http, StatusCodes.Status412PreconditionFailed, "Only tus 1.0.0 is spoken here.");
    }

    private static IResult Describe(HttpContext http, IOptions<UploadOptions> options)
    {
        http.Response.Headers["Tus-Resumable"] = TusVersion;
        http.Response.Headers["Tus-Version"] = TusVersion;
        http.Response.Headers["Tus-Extension"] = "creation,termination,expiration,checksum";
        http.Response.Headers["Tus-Checksum-Algorithm"] = "sha1";
        http.Response.Headers["Tus-Max-Size"] = options.Value.MaxBytes.ToString(CultureInfo.InvariantCulture);
        return Results.NoContent();
    }

    private static async Task<IResult> CreateAsync(Guid id, string slot, HttpContext http, StudioDb db, MediaStore store, IOptions<UploadOptions> options, TimeProvider clock)
    {
        var ct = http.RequestAborted;
        var userId = http.User.UserId();
        var content = await db.ContentVisibleTo(http.User).AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        if (content is null || !VideoSlots.TryParse(slot, out var videoSlot))
        {
            return Results.NotFound();
        }
        if (UnsupportedVersion(http) is { } unsupported)
        {
            return unsupported;
        }
        if (http.Request.Headers.ContainsKey("Upload-Defer-Length")
            || !long.TryParse(http.Request.Headers["Upload-Length"], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            return Refuse(http, StatusCodes.Status400BadRequest, "The upload must say how large the file is (Upload-Length).");
        }
        var max = options.Value.MaxBytes;
        if (length > max)
        {
            http.Response.Headers["Tus-Max-Size"] = max.ToString(CultureInfo.InvariantCulture);
            return Refuse(http, StatusCodes.Status413PayloadTooLarge, MediaStore.TooLarge(max).Message);
        }
        if (length == 0)
        {
            return Refuse(http, StatusCodes.Status422UnprocessableEntity, "This file is empty. Choose the video file again.");
        }

        var now = clock.GetUtcNow();
        if (await UploadLimits.CheckAsync(db, content.BusinessId, userId, length, options.Value, now, ct) is { } limited)
        {
            return Refuse(http, limited.Status, limited.Message);
        }
        var session = new UploadSession
        {
            Id = Guid.NewGuid(),
            BusinessId = content.BusinessId,
            ContentId = id,
            Slot = videoSlot,
            UserId = userId,
            FileName = VideoUpload.SafeFileName(Metadata(http.Request.Headers["Upload-Metadata"], "filename")),
            Length = length,
            CreatedAt = now,
            UpdatedAt = now,
            ExpiresAt = now + options.Value.Expiry,
        };
        db.UploadSessions.Add(session);
        db.Record(content.BusinessId, id, videoSlot, VideoEventLog.Upload, VideoEventLog.Started, userId, length);
        await db.SaveChangesAsync(ct);
        try
        {
            await store.BeginUploadAsync(session.Id, ct);
        }
        catch (IOException full) when (MediaStore.IsDiskFull(full))
        {
            await ForgetAsync(db, store, session, ct);
            return DiskFull(http, full);
        }
        catch (MediaUnavailableException down)
        {
            await ForgetAsync(db, store, session, ct);
            return Unavailable(http, down);
        }

        http.Response.Headers["Tus-Resumable"] = TusVersion;
        http.Response.Headers["Upload-Expires"] = session.ExpiresAt.ToString("R");
        return Results.Created(http.GetEndpoint()?.Metadata.GetMetadata<TusPrefix>()?.Value + UploadUrl(session.Id), null);
    }

    private static async Task<IResult> HeadAsync(string uploadId, HttpContext http, StudioDb db, TimeProvider clock)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Tus-Resumable"] = TusVersion;
        var session = await FindAsync(uploadId, http, db);
        if (session is null)
        {
            return Results.NotFound();
        }
        if (session.ExpiresAt <= clock.GetUtcNow() && session.AssetId is null)
        {
            return Results.StatusCode(StatusCodes.Status410Gone);
        }
        http.Response.Headers["Upload-Offset"] = session.Offset.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers["Upload-Length"] = session.Length.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers["Upload-Expires"] = session.ExpiresAt.ToString("R");
        return Results.Ok();
    }

    private static async Task<IResult> PatchAsync(
        string uploadId, HttpContext http, StudioDb db, MediaStore store, IOptions<UploadOptions> options, TimeProvider clock, ILoggerFactory logs)
    {
        var log = logs.CreateLogger(typeof(ResumableUploads));
        http.Response.Headers["Tus-Resumable"] = TusVersion;
        var found = await FindAsync(uploadId, http, db);
        if (found is null)
        {
            return Results.NotFound();
        }
        if (UnsupportedVersion(http) is { } unsupported)
        {
            return unsupported;
        }
        if (!string.Equals(http.Request.ContentType, OffsetContentType, StringComparison.OrdinalIgnoreCase))
        {
            return Refuse(http, StatusCodes.Status415UnsupportedMediaType, $"A chunk is sent as {OffsetContentType}.");
        }
        if (!long.TryParse(http.Request.Headers["Upload-Offset"], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return Refuse(http, StatusCodes.Status400BadRequest, "A chunk must say where it starts (Upload-Offset).");
        }
        var expected = Checksum.Parse(http.Request.Headers["Upload-Checksum"]);
        if (expected is { Supported: false })
        {
            return Refuse(http, StatusCodes.Status400BadRequest, "Only sha1 checksums are supported.");
        }

        await using var held = await UploadLock.TryTakeAsync(db, found.Id, http.RequestAborted);
        if (held is null)
        {
            return Refuse(http, StatusCodes.Status423Locked, "Another request is still writing this upload; ask for its offset and try again.");
        }
        // Re-read under the lock: another process may have moved it on or finished it meanwhile.
        db.ChangeTracker.Clear();
        var session = await db.UploadSessions.SingleOrDefaultAsync(u => u.Id == found.Id, http.RequestAborted);
        if (session is null)
        {
            return Results.NotFound();
        }
        if (session.AssetId is not null)
        {
            http.Response.Headers["Upload-Offset"] = session.Length.ToString(CultureInfo.InvariantCulture);
            return Results.NoContent();
        }
        if (session.ExpiresAt <= clock.GetUtcNow())
        {
            return Results.StatusCode(StatusCodes.Status410Gone);
        }
        if (offset != session.Offset)
        {
            http.Response.Headers["Upload-Offset"] = session.Offset.ToString(CultureInfo.InvariantCulture);
            return Refuse(http, StatusCodes.Status409Conflict, $"This upload is at byte {session.Offset}, not {offset}.");
        }
        if (http.Request.ContentLength > session.Length - session.Offset)
        {
            return Refuse(http, StatusCodes.Status413PayloadTooLarge, "This chunk goes past the end of the file the upload announced.");
        }
        var sizeFeature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = session.Length - session.Offset;
        }

        var written = await ReceiveAsync(http, db, store, session, expected, options.Value.StallTimeout, log);
        if (written.Refusal is { } refusal)
        {
            return refusal;
        }
        if (written.NotVideo)
        {
            return await FailAsync(http, db, store, session, MediaStore.NotVideo());
        }

        var now = clock.GetUtcNow();
        session.UpdatedAt = now;
        session.ExpiresAt = now + options.Value.Expiry;
        await db.SaveChangesAsync(CancellationToken.None);
        http.Response.Headers["Upload-Offset"] = session.Offset.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers["Upload-Expires"] = session.ExpiresAt.ToString("R");

        if (session.Offset < session.Length)
        {
            return Results.NoContent();
        }
        return await FinishAsync(http, db, store, session, options.Value, log);
    }

    private sealed record Received(IResult? Refusal, bool NotVideo = false);

    private static async Task<Received> ReceiveAsync(
        HttpContext http, StudioDb db, MediaStore store, UploadSession session, Checksum? expected, TimeSpan stallTimeout, ILogger log)
    {
        var start = session.Offset;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        using var sha1 = expected is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var recordedAt = start;
        UploadWriter? writer = null;
        try
        {
            var format = VideoFormat.FromExtension(session.Format ?? "");
            var head = 0;
            if (start == 0)
            {
                // No reason to store 2 GB of something that is not a video: the first bytes decide it before any is kept,
                // as for a single upload, and name the container (object storage names the upload's blocks by it).
                var wanted = (int)Math.Min(VideoFormat.HeaderLength, session.Length);
                stall.CancelAfter(stallTimeout);
                head = await http.Request.Body.ReadAtLeastAsync(buffer.AsMemory(0, BufferSize), wanted, throwOnEndOfStream: false, stall.Token);
                if (head < wanted)
                {
                    return new(head == 0 ? null : Refuse(http, StatusCodes.Status400BadRequest, $"The first chunk must hold at least the file's first {wanted} bytes."));
                }
                format = VideoFormat.Detect(buffer.AsSpan(0, wanted));
                if (format is null)
                {
                    return new(null, NotVideo: true);
                }
                session.Format = format.Extension;
            }
            writer = await store.OpenUploadAsync(session.Id, format, start, http.RequestAborted);
            // Every piece that arrives counts (a cut connection keeps all of it); the writer gathers them into large writes.
            var read = head;
            while (true)
            {
                if (read > 0)
                {
                    sha1?.AppendData(buffer, 0, read);
                    await writer.WriteAsync(buffer.AsMemory(0, read), http.RequestAborted);
                    session.Offset += read;
                    if (session.Offset - recordedAt >= RecordEvery && expected is null)
                    {
                        await writer.FlushAsync(http.RequestAborted);
                        await RecordOffsetAsync(db, session);
                        recordedAt = session.Offset;
                    }
                }
                stall.CancelAfter(stallTimeout);
                read = await http.Request.Body.ReadAsync(buffer.AsMemory(0, BufferSize), stall.Token);
                if (read == 0)
                {
                    break;
                }
            }
            if (expected is not null && !expected.Matches(sha1!.GetHashAndReset()))
            {
                await writer.RewindAsync(start);
                session.Offset = start;
                return new(Refuse(http, 460, "The chunk arrived damaged (its checksum differs); send it again."));
            }
            await writer.FlushAsync(http.RequestAborted);
            return new(null);
        }
        catch (UploadOffsetMismatchException mismatch)
        {
            // Bytes the row counts are missing from the store (it was restored from an older copy): the client is told
            // where the upload really ends and sends the rest again from there.
            session.Offset = mismatch.Stored;
            await RecordOffsetAsync(db, session);
            http.Response.Headers["Upload-Offset"] = session.Offset.ToString(CultureInfo.InvariantCulture);
            return new(Refuse(http, StatusCodes.Status409Conflict, $"This upload is at byte {session.Offset}; continue from there."));
        }
        catch (FileNotFoundException)
        {
            return new(Results.StatusCode(StatusCodes.Status410Gone));
        }
        catch (IOException full) when (MediaStore.IsDiskFull(full))
        {
            // Only what was recorded counts; the rest of this chunk is given back to the disk.
            if (writer is not null)
            {
                await writer.RewindAsync(recordedAt);
            }
            session.Offset = recordedAt;
            return new(DiskFull(http, full, log));
        }
        catch (MediaUnavailableException down)
        {
            // What the store confirmed before it stopped answering is kept (all or nothing for a chunk with a checksum).
            session.Offset = expected is null ? writer?.Durable ?? start : start;
            await RecordOffsetAsync(db, session);
            http.Response.Headers["Upload-Offset"] = session.Offset.ToString(CultureInfo.InvariantCulture);
            return new(Unavailable(http, down, log));
        }
        catch (Exception cut) when (cut is IOException or BadHttpRequestException or OperationCanceledException)
        {
            // The client went away, sent too much or stalled: what arrived whole is kept, so it resumes from there (a chunk
            // with a checksum cannot be vouched for, so all of it is dropped).
            session.Offset = await KeepAsync(writer, expected is null ? null : start) ?? start;
            var stalled = cut is OperationCanceledException && !http.RequestAborted.IsCancellationRequested;
            log.LogInformation("Upload {UploadId} chunk ended early at byte {Offset} ({Reason})", session.Id, session.Offset, stalled ? "stalled" : cut.Message);
            await RecordOffsetAsync(db, session);
            return new(stalled
                ? Refuse(http, StatusCodes.Status408RequestTimeout, "No data arrived for a while, so the server ended this chunk; the upload continues from where it stopped.")
                : Results.Empty);
        }
        finally
        {
            if (writer is not null)
            {
                await writer.DisposeAsync();
            }
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>After a cut: everything written stays (or only up to <paramref name="rewindTo"/>); the offset the store confirms.</summary>
    private static async Task<long?> KeepAsync(UploadWriter? writer, long? rewindTo)
    {
        if (writer is null)
        {
            return null;
        }
        if (rewindTo is { } offset)
        {
            await writer.RewindAsync(offset);
            return offset;
        }
        try
        {
            await writer.FlushAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or MediaUnavailableException)
        {
            // What could not be stored was never counted.
        }
        return writer.Durable;
    }

    private static async Task RecordOffsetAsync(StudioDb db, UploadSession session)
    {
        var (offset, format) = (session.Offset, session.Format);
        await db.UploadSessions.Where(u => u.Id == session.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Offset, offset).SetProperty(u => u.Format, format).SetProperty(u => u.UpdatedAt, DateTimeOffset.UtcNow),
                CancellationToken.None);
    }

    private static async Task<IResult> FinishAsync(HttpContext http, StudioDb db, MediaStore store, UploadSession session, UploadOptions options, ILogger log)
    {
        var clock = Stopwatch.StartNew();
        StagedVideo staged;
        try
        {
            staged = await store.CompleteUploadAsync(session.Id, VideoFormat.FromExtension(session.Format ?? ""), session.Length, options.MaxBytes, CancellationToken.None);
            staged = await http.RequestServices.GetRequiredService<VideoProbe>().DescribeAsync(staged, store, CancellationToken.None);
        }
        catch (MediaRejectedException rejected)
        {
            return await FailAsync(http, db, store, session, rejected);
        }
        catch (UploadOffsetMismatchException mismatch)
        {
            // Part of the file is missing from the store (its blocks expired or were lost): the client sends it again from there.
            session.Offset = mismatch.Stored;
            await RecordOffsetAsync(db, session);
            http.Response.Headers["Upload-Offset"] = session.Offset.ToString(CultureInfo.InvariantCulture);
            return Refuse(http, StatusCodes.Status409Conflict, $"This upload is at byte {session.Offset}; continue from there.");
        }
        catch (MediaUnavailableException down)
        {
            // Every byte is still stored; the same last PATCH (empty, at the end of the file) finishes it later.
            http.Response.Headers["Upload-Offset"] = session.Offset.ToString(CultureInfo.InvariantCulture);
            return Unavailable(http, down, log);
        }
        var assetId = staged.AssetId;
        if (SlotShape.Misfit(session.Slot, staged.Probe) is { } question)
        {
            if (http.Request.Headers[ShapeChoiceHeader] != SlotShape.UseAnyway)
            {
                // Asked before it becomes current: the whole file stays until the editor answers with an empty last PATCH
                // that carries the choice, or DELETEs the upload.
                await SlotVideos.DeleteQuietlyAsync(store, staged.PosterKey);
                http.Response.Headers[ShapeMisfitHeader] = "1";
                return Refuse(http, StatusCodes.Status422UnprocessableEntity, question);
            }
            staged = staged with { ShapeAccepted = true };
        }

        await using (var tx = await db.Database.BeginTransactionAsync(CancellationToken.None))
        {
            session.AssetId = assetId;
            session.FinishedAt = DateTimeOffset.UtcNow;
            await db.SaveChangesAsync(CancellationToken.None);
            await SlotVideos.AttachAsync(db, store, session.ContentId, session.Slot, staged, VideoSource.Upload, session.FileName, session.UserId,
                CancellationToken.None);
            db.Record(session.BusinessId, session.ContentId, session.Slot, VideoEventLog.Upload, VideoEventLog.Succeeded, session.UserId,
                staged.SizeBytes, (long)(DateTimeOffset.UtcNow - session.CreatedAt).TotalMilliseconds, assetId: assetId);
            await db.SaveChangesAsync(CancellationToken.None);
            await tx.CommitAsync(CancellationToken.None);
        }
        log.LogInformation("Resumable upload {UploadId} stored as asset {AssetId} for content {ContentId} {Slot}: {Bytes} bytes, checked in {Ms} ms",
            session.Id, assetId, session.ContentId, session.Slot.Key(), staged.SizeBytes, clock.ElapsedMilliseconds);
        return Results.NoContent();
    }

    /// <summary>The upload is refused for good: its file and row go, the slot never changed, and the editor hears why.</summary>
    private static async Task<IResult> FailAsync(HttpContext http, StudioDb db, MediaStore store, UploadSession session, MediaRejectedException rejected)
    {
        db.Record(session.BusinessId, session.ContentId, session.Slot, VideoEventLog.Upload, VideoEventLog.Failed, session.UserId,
            session.Offset, (long)(DateTimeOffset.UtcNow - session.CreatedAt).TotalMilliseconds, rejected.Kind);
        await ForgetAsync(db, store, session, CancellationToken.None);
        return Refuse(http, rejected.Kind == "too_large" ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status422UnprocessableEntity, rejected.Message);
    }

    private static async Task<IResult> DeleteAsync(string uploadId, HttpContext http, StudioDb db, MediaStore store)
    {
        http.Response.Headers["Tus-Resumable"] = TusVersion;
        var session = await FindAsync(uploadId, http, db);
        if (session is null)
        {
            return Results.NotFound();
        }
        if (UnsupportedVersion(http) is { } unsupported)
        {
            return unsupported;
        }
        await using var held = await UploadLock.TryTakeAsync(db, session.Id, http.RequestAborted);
        if (held is null)
        {
            return Refuse(http, StatusCodes.Status423Locked, "A chunk of this upload is still arriving; try again in a moment.");
        }
        if (session.AssetId is null)
        {
            db.Record(session.BusinessId, session.ContentId, session.Slot, VideoEventLog.Upload, VideoEventLog.Failed, session.UserId,
                session.Offset, (long)(DateTimeOffset.UtcNow - session.CreatedAt).TotalMilliseconds, "cancelled");
        }
        await ForgetAsync(db, store, session, CancellationToken.None);
        return Results.NoContent();
    }

    private static async Task ForgetAsync(StudioDb db, MediaStore store, UploadSession session, CancellationToken ct)
    {
        db.UploadSessions.Remove(session);
        await db.SaveChangesAsync(ct);
        // A finished upload's bytes are its asset's video now (under the same id in object storage): only the row goes.
        if (session.AssetId is null)
        {
            await store.DiscardUploadAsync(session.Id, VideoFormat.FromExtension(session.Format ?? ""));
        }
    }

    /// <summary>The caller's own upload only: another user's, or a stranger's, is simply not there.</summary>
    private static async Task<UploadSession?> FindAsync(string uploadId, HttpContext http, StudioDb db)
    {
        if (!Guid.TryParseExact(uploadId, "N", out var id))
        {
            return null;
        }
        var userId = http.User.UserId();
        return await db.UploadSessions
            .Where(u => u.Id == id && u.UserId == userId && db.ContentVisibleTo(http.User).Any(c => c.Id == u.ContentId))
            .SingleOrDefaultAsync(http.RequestAborted);
    }

    private static IResult DiskFull(HttpContext http, IOException full, ILogger? log = null)
    {
        (log ?? http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ResumableUploads)))
            .LogError(full, "Media storage is out of space; an upload was refused");
        return Refuse(http, StatusCodes.Status507InsufficientStorage, MediaStore.DiskFullMessage);
    }

    private static IResult Unavailable(HttpContext http, MediaUnavailableException down, ILogger? log = null)
    {
        (log ?? http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ResumableUploads)))
            .LogError("Media storage did not answer; an upload was paused: {Reason}", down.Message);
        http.Response.Headers.RetryAfter = "30";
        return Refuse(http, StatusCodes.Status503ServiceUnavailable, MediaStore.UnavailableMessage);
    }

    /// <summary>A refusal in words the dialog shows as they are (plain text, never HTML).</summary>
    private static IResult Refuse(HttpContext http, int status, string message)
    {
        http.Response.Headers["Tus-Resumable"] = TusVersion;
        return Results.Text(message, "text/plain; charset=utf-8", Encoding.UTF8, status);
    }

    /// <summary>One value of tus's Upload-Metadata ("key base64,key2 base64"), or null.</summary>
    public static string? Metadata(string? header, string key)
    {
        foreach (var pair in (header ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split(' ', 2);
            if (parts[0] == key && parts.Length == 2)
            {
                try
                {
                    return Encoding.UTF8.GetString(Convert.FromBase64String(parts[1]));
                }
                catch (FormatException)
                {
                    return null;
                }
            }
        }
        return null;
    }

    private sealed record Checksum(bool Supported, byte[] Digest)
    {
        public static Checksum? Parse(string? header)
        {
            if (string.IsNullOrWhiteSpace(header))
            {
                return null;
            }
            var parts = header.Split(' ', 2);
            try
            {
                return parts is ["sha1", var value] ? new Checksum(true, Convert.FromBase64String(value)) : new Checksum(false, []);
            }
            catch (FormatException)
            {
                return new Checksum(false, []);
            }
        }

        public bool Matches(byte[] actual) => CryptographicOperations.FixedTimeEquals(actual, Digest);
    }
}
