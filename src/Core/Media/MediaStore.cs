using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace VideoStudio.Core.Media;

/// <summary>
/// A video checked and fingerprinted in storage but not yet part of any slot. <see cref="Location"/> means something only to
/// the store that made it (a temporary file, a blob).
/// </summary>
public sealed record StagedVideo(Guid AssetId, string Location, long SizeBytes, string Sha256, VideoFormat Format)
{
    /// <summary>What ffprobe read from it, and its poster frame in storage, when they were made before it was attached.</summary>
    public ProbedVideo? Probe { get; init; }
    public string? PosterKey { get; init; }

    /// <summary>The editor chose to use it although its shape does not fit the slot.</summary>
    public bool ShapeAccepted { get; init; }

    public string StorageKey => MediaStore.StorageKey(AssetId, Format);
}

public sealed class MediaRejectedException(string message, string kind) : Exception(message)
{
    /// <summary>A short stable word for metrics: empty, too_large, not_video.</summary>
    public string Kind { get; } = kind;
}

/// <summary>
/// The store did not answer (object storage unreachable or failing): nothing was changed, and the same request later may
/// succeed. Its message is for the log; <see cref="MediaStore.UnavailableMessage"/> is what a person reads.
/// </summary>
public sealed class MediaUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Where ffprobe and ffmpeg read a stored file, and the only protocols they may open while reading it.</summary>
public sealed record ToolInput(string Location, string Protocols);

/// <summary>What a response for one stored file says besides its bytes.</summary>
public sealed record MediaResponse(string ContentType, DateTimeOffset LastModified, EntityTagHeaderValue ETag);

/// <summary>
/// A read-only link to one stored file that a browser fetches directly from the store, valid until <see cref="ExpiresAt"/>.
/// Every link asked for before <see cref="SameUntil"/> is the same URL, so the browser's cache of that URL keeps serving.
/// </summary>
public sealed record PlaybackLink(Uri Url, DateTimeOffset ExpiresAt, DateTimeOffset SameUntil);

/// <summary>A file under its key, and when it was written (its name is final from then on).</summary>
public sealed record StoredFile(string Key, DateTimeOffset LastWritten);

/// <summary>A file in the temporary area: a resumable upload's bytes (<see cref="UploadId"/>) or a staged single file.</summary>
public sealed record TemporaryItem(string Name, Guid? UploadId, DateTimeOffset LastWritten);

/// <summary>
/// Where every media file lives: videos under <c>{assetId}.{ext}</c>, their companions under <c>{assetId}.poster.jpg</c> and
/// <c>{assetId}.captions.vtt</c>. A file is written once and never changed after it is named, so a key is also a cache
/// buster. Two kinds exist (local disk, Azure Blob Storage); nothing outside them knows which
/// one runs. New videos arrive in two ways: a stream read whole (<see cref="StageAsync"/>) and a resumable upload written
/// in pieces by any web process (<see cref="OpenUploadAsync"/>); both end as a <see cref="StagedVideo"/> that
/// <see cref="PromoteAsync"/> names for good once the checks passed.
/// </summary>
public abstract class MediaStore
{
    protected const int BufferSize = 1 << 20;
    private const int MinimumChunk = 256 << 10;

    /// <summary>For the health check and logs: which store, and where.</summary>
    public abstract string Description { get; }

    public static string StorageKey(Guid assetId, VideoFormat format) => $"{assetId:N}.{format.Extension}";

    /// <summary>What a key holds by its name: a video ({id}.mp4), its poster ({id}.poster.jpg) or its captions ({id}.captions.vtt from
    /// HeyGen, {id}.captions.{stamp}.vtt attached by an editor); null for anything else.</summary>
    public static string? ContentTypeOf(string storageKey)
    {
        var dot = storageKey.IndexOf('.');
        return dot < 0 ? null : storageKey[(dot + 1)..].Split('.') switch
        {
            [var video] => VideoFormat.FromExtension(video)?.ContentType,
            ["poster", var image] => PosterFormat.FromExtension(image)?.ContentType,
            ["captions", "vtt"] => WebVtt.ContentType,
            ["captions", var stamp, "vtt"] when WebVtt.IsStamp(stamp) => WebVtt.ContentType,
            _ => null,
        };
    }

    /// <summary>The asset a key belongs to, when it is a key this app names (see <see cref="ContentTypeOf"/>); null for anything else.</summary>
    public static Guid? AssetIdOf(string storageKey)
    {
        var dot = storageKey.IndexOf('.');
        return ContentTypeOf(storageKey) is not null && Guid.TryParseExact(storageKey.AsSpan(0, dot), "N", out var id) ? id : null;
    }

    /// <summary>
    /// Copies a stream into storage as the staged video of <paramref name="assetId"/>, refusing empty files, files over
    /// <paramref name="maxBytes"/> (as soon as the limit is passed, without reading further) and anything that does not
    /// start like a video container. On any failure nothing is left behind.
    /// </summary>
    public abstract Task<StagedVideo> StageAsync(Guid assetId, Stream source, long maxBytes, CancellationToken ct);

    /// <summary>Gives a staged video its final key. The key is new, so nothing existing is overwritten.</summary>
    public abstract Task<string> PromoteAsync(StagedVideo staged, CancellationToken ct);

    /// <summary>Forgets a staged video that will not be attached; never throws (a leftover is swept later).</summary>
    public abstract Task DiscardAsync(StagedVideo staged);

    /// <summary>How ffprobe and ffmpeg read a staged video without it being copied whole.</summary>
    public abstract Task<ToolInput> ToolInputAsync(StagedVideo staged, CancellationToken ct);

    /// <summary>Prepares an empty resumable upload.</summary>
    public abstract Task BeginUploadAsync(Guid uploadId, CancellationToken ct);

    /// <summary>
    /// Continues a resumable upload at <paramref name="offset"/> (the recorded truth: anything stored past it is dropped).
    /// <paramref name="format"/> was read from its first bytes.
    /// </summary>
    /// <exception cref="UploadOffsetMismatchException">The store holds fewer bytes than the upload recorded.</exception>
    public abstract Task<UploadWriter> OpenUploadAsync(Guid uploadId, VideoFormat? format, long offset, CancellationToken ct);

    /// <summary>
    /// A resumable upload whose last byte arrived, as one stored file with the same checks as <see cref="StageAsync"/>,
    /// staged as the video of an asset with the upload's id. The upload's bytes stay where they are whatever the outcome;
    /// the caller decides what happens to them.
    /// </summary>
    public abstract Task<StagedVideo> CompleteUploadAsync(Guid uploadId, VideoFormat? format, long length, long maxBytes, CancellationToken ct);

    /// <summary>Removes whatever a resumable upload stored; never throws.</summary>
    public abstract Task DiscardUploadAsync(Guid uploadId, VideoFormat? format);

    /// <summary>Writes a small companion file of an asset (its poster, its captions) whole or not at all.</summary>
    public abstract Task SaveCompanionAsync(string storageKey, byte[] content, string contentType, CancellationToken ct);

    /// <summary>Removes a stored file; one that is already gone is fine.</summary>
    public abstract Task DeleteAsync(string storageKey, CancellationToken ct);

    /// <summary>The file's bytes for a member who may see it (Range requests answered), or null when it is not there.</summary>
    public abstract Task<IResult?> ServeAsync(string storageKey, MediaResponse response, CancellationToken ct);

    /// <summary>
    /// Where a browser may fetch a member's file itself instead of through the app (a store whose files have an address of
    /// their own), or null when <see cref="ServeAsync"/> answers. <paramref name="contentDisposition"/> goes with the file's
    /// bytes; the link expires by <paramref name="notAfter"/> at the latest.
    /// </summary>
    public virtual PlaybackLink? PlaybackLinkFor(string storageKey, string contentDisposition, DateTimeOffset now, DateTimeOffset? notAfter) => null;

    /// <summary>The origin of <see cref="PlaybackLinkFor"/>'s links, which pages must allow media from; null when there are none.</summary>
    public virtual string? PlaybackOrigin => null;

    /// <summary>The whole stored file, for copying it elsewhere; null when it is not there.</summary>
    public abstract Task<Stream?> OpenReadAsync(string storageKey, CancellationToken ct);

    /// <summary>Whether a stored file is there with this many bytes (a copy that is already complete).</summary>
    public abstract Task<bool> HasAsync(string storageKey, long sizeBytes, CancellationToken ct);

    /// <summary>Writes a file under its key from a stream (a copy from another store); replaces nothing but a partial copy.</summary>
    public abstract Task CopyInAsync(string storageKey, Stream content, string contentType, CancellationToken ct);

    /// <summary>Every stored file (not the temporary area) with when it was written, for copying or sweeping a whole store.</summary>
    public abstract IAsyncEnumerable<StoredFile> ListStoredAsync(CancellationToken ct);

    /// <summary>Every stored key (not the temporary area).</summary>
    public IAsyncEnumerable<string> ListKeysAsync(CancellationToken ct) => ListStoredAsync(ct).Select(file => file.Key);

    /// <summary>Answers whether the store can be written to and read from now; the text says what it is and what failed.</summary>
    public abstract Task<(bool Healthy, string Description)> CheckAsync(CancellationToken ct);

    /// <summary>What is in the temporary area now: resumable uploads' bytes and staged files.</summary>
    public abstract Task<IReadOnlyList<TemporaryItem>> ListTemporaryAsync(CancellationToken ct);

    /// <summary>Removes one listed temporary item; false when it could not go now.</summary>
    public abstract Task<bool> RemoveTemporaryAsync(TemporaryItem item);

    /// <summary>
    /// Removes what a dead process left in the temporary area: a resumable upload's bytes that no live upload names, and a
    /// staged file (or anything else) untouched for <paramref name="partAge"/> (a running one is written to continuously).
    /// Returns how many went.
    /// </summary>
    /// <param name="listed">From <see cref="ListTemporaryAsync"/>, taken before <paramref name="liveUploads"/> was read, so an
    /// upload created in between (row first, then bytes) is not in the list.</param>
    public async Task<int> SweepTemporaryAsync(IReadOnlyList<TemporaryItem> listed, IReadOnlySet<Guid> liveUploads, TimeSpan partAge, DateTimeOffset now)
    {
        var removed = 0;
        foreach (var item in listed)
        {
            var orphan = item.UploadId is { } id ? !liveUploads.Contains(id) : item.LastWritten < now - partAge;
            if (orphan && await RemoveTemporaryAsync(item))
            {
                removed++;
            }
        }
        return removed;
    }

    public static VideoFormat DetectOrRefuse(ReadOnlySpan<byte> head) => VideoFormat.Detect(head) ?? throw NotVideo();

    public static MediaRejectedException NotVideo() => new("This file is not a video we can play. Upload an MP4, MOV or WebM file.", "not_video");

    public static MediaRejectedException TooLarge(long maxBytes) =>
        new($"This file is larger than the limit of {FormatBytes(maxBytes)}. Upload a smaller or more compressed video.", "too_large");

    protected static MediaRejectedException Empty() => new("This file is empty. Choose the video file again.", "empty");

    /// <summary>ENOSPC on Linux, ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows.</summary>
    public static bool IsDiskFull(Exception e) =>
        e is IOException io && ((io.HResult & 0xFFFF) is 28 or 0x70 or 0x27 || io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase));

    public const string DiskFullMessage = "The server is out of space; nothing was changed. Tell your administrator, then try again later.";

    public const string UnavailableMessage =
        "The video store is not answering, so this upload is paused; your previous video is unchanged. Try again in a minute: the upload continues where it stopped.";

    // The first read must see the whole container header, even from a stream that returns a few bytes at a time; later
    // reads gather a few hundred KB, so writes and hash updates come in large blocks rather than one per network packet.
    protected static Task<int> ReadChunkAsync(Stream source, byte[] buffer, long soFar, CancellationToken ct) =>
        source.ReadAtLeastAsync(buffer.AsMemory(0, BufferSize), soFar == 0 ? VideoFormat.HeaderLength : MinimumChunk, throwOnEndOfStream: false, ct).AsTask();

    /// <summary>A pooled buffer of <see cref="BufferSize"/> bytes for the duration of one copy.</summary>
    protected static byte[] RentBuffer() => ArrayPool<byte>.Shared.Rent(BufferSize);

    protected static void ReturnBuffer(byte[] buffer) => ArrayPool<byte>.Shared.Return(buffer);

    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.#} GB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.#} MB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):0.#} KB",
        _ => $"{bytes} bytes",
    };
}

/// <summary>The store holds fewer bytes of a resumable upload than its row counts (restored from an older copy).</summary>
public sealed class UploadOffsetMismatchException(long stored) : Exception($"The store holds {stored} bytes of this upload.")
{
    public long Stored { get; } = stored;
}

/// <summary>
/// One request's writes to a resumable upload. Bytes count once <see cref="FlushAsync"/> returned; what was written after the
/// last flush may be lost if the process dies, which the recorded offset already allows for.
/// </summary>
public abstract class UploadWriter : IAsyncDisposable
{
    /// <summary>The upload's length as far as it is stored for good (flushed).</summary>
    public abstract long Durable { get; }

    public abstract ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct);

    /// <summary>Makes everything written so far part of the upload: afterwards <see cref="Durable"/> counts it.</summary>
    public abstract Task FlushAsync(CancellationToken ct);

    /// <summary>Drops what this request wrote past <paramref name="offset"/> (a chunk that arrived damaged); never throws.</summary>
    public abstract Task RewindAsync(long offset);

    public abstract ValueTask DisposeAsync();
}
