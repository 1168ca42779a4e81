using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace VideoStudio.Core.Media;

public sealed class MediaOptions
{
    /// <summary>Where video files live: outside the web root, named by asset id.</summary>
    public string Root { get; set; } = Path.Combine(AppContext.BaseDirectory, "media");
}

/// <summary>A file written to the temporary area, checked and fingerprinted, not yet part of any slot.</summary>
public sealed record StagedVideo(string TempPath, long SizeBytes, string Sha256, VideoFormat Format)
{
    /// <summary>What ffprobe read from it, and its poster frame in storage, when they were made before it was attached.</summary>
    public ProbedVideo? Probe { get; init; }
    public string? PosterKey { get; init; }

    /// <summary>The editor chose to use it although its shape does not fit the slot.</summary>
    public bool ShapeAccepted { get; init; }
}

public sealed class MediaRejectedException(string message, string kind) : Exception(message)
{
    /// <summary>A short stable word for metrics: empty, too_large, not_video.</summary>
    public string Kind { get; } = kind;
}

/// <summary>
/// Video files on disk. Writes stream through a temporary file in the same folder (so the final move is a rename),
/// hashing as they go; a file is only ever written once and never changed after it is named.
/// </summary>
public sealed class MediaStore(IOptions<MediaOptions> options)
{
    private const int BufferSize = 1 << 20;
    private const int MinimumChunk = 256 << 10;

    public string Root { get; } = Directory.CreateDirectory(Path.GetFullPath(options.Value.Root)).FullName;

    private string TempFolder => Directory.CreateDirectory(Path.Combine(Root, "tmp")).FullName;

    public static string StorageKey(Guid assetId, VideoFormat format) => $"{assetId:N}.{format.Extension}";

    public string PathOf(string storageKey)
    {
        var path = Path.GetFullPath(Path.Combine(Root, storageKey));
        if (!path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.GetFileName(path) != storageKey)
        {
            throw new ArgumentException("Not a storage key.", nameof(storageKey));
        }
        return path;
    }

    /// <summary>
    /// Copies a stream into a temporary file, refusing empty files, files over <paramref name="maxBytes"/> (as soon as the
    /// limit is passed, without reading further) and anything that does not start like a video container.
    /// On any failure the temporary file is gone.
    /// </summary>
    public async Task<StagedVideo> StageAsync(Stream source, long maxBytes, CancellationToken ct)
    {
        var tempPath = Path.Combine(TempFolder, $"{Guid.NewGuid():N}{PartSuffix}");
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long total = 0;
            VideoFormat? format = null;
            await using (var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                int read;
                while ((read = await ReadChunkAsync(source, buffer, total, ct)) > 0)
                {
                    if (total == 0)
                    {
                        format = DetectOrRefuse(buffer.AsSpan(0, Math.Min(read, VideoFormat.HeaderLength)));
                    }
                    total += read;
                    if (total > maxBytes)
                    {
                        throw TooLarge(maxBytes);
                    }
                    sha.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            if (total == 0 || format is null)
            {
                throw Empty();
            }
            return new StagedVideo(tempPath, total, Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant(), format);
        }
        catch
        {
            Discard(tempPath);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Where the bytes of a resumable upload gather until its last chunk arrives.</summary>
    public string UploadPath(Guid uploadId) => Path.Combine(TempFolder, $"{uploadId:N}{UploadSuffix}");

    public const string UploadSuffix = ".upload";
    private const string PartSuffix = ".part";

    /// <summary>
    /// The same checks as <see cref="StageAsync"/> on a file that is already complete in the temporary area (a resumable
    /// upload's last chunk arrived): not empty, not over the limit, starts like a video; hashed on the way. The file stays
    /// where it is, whatever the outcome; the caller decides what happens to it.
    /// </summary>
    public static async Task<StagedVideo> CheckCompleteAsync(string path, long maxBytes, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
            if (file.Length == 0)
            {
                throw Empty();
            }
            if (file.Length > maxBytes)
            {
                throw TooLarge(maxBytes);
            }
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var head = await file.ReadAtLeastAsync(buffer.AsMemory(0, BufferSize), VideoFormat.HeaderLength, throwOnEndOfStream: false, ct);
            var format = DetectOrRefuse(buffer.AsSpan(0, Math.Min(head, VideoFormat.HeaderLength)));
            var read = head;
            while (read > 0)
            {
                sha.AppendData(buffer, 0, read);
                read = await file.ReadAsync(buffer.AsMemory(0, BufferSize), ct);
            }
            return new StagedVideo(path, file.Length, Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant(), format);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static VideoFormat DetectOrRefuse(ReadOnlySpan<byte> head) => VideoFormat.Detect(head) ?? throw NotVideo();

    public static MediaRejectedException NotVideo() => new("This file is not a video we can play. Upload an MP4, MOV or WebM file.", "not_video");

    public static MediaRejectedException TooLarge(long maxBytes) =>
        new($"This file is larger than the limit of {FormatBytes(maxBytes)}. Upload a smaller or more compressed video.", "too_large");

    private static MediaRejectedException Empty() => new("This file is empty. Choose the video file again.", "empty");

    /// <summary>ENOSPC on Linux, ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows.</summary>
    public static bool IsDiskFull(Exception e) =>
        e is IOException io && ((io.HResult & 0xFFFF) is 28 or 0x70 or 0x27 || io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase));

    public const string DiskFullMessage = "The server is out of space; nothing was changed. Tell your administrator, then try again later.";

    /// <summary>
    /// Removes what a dead process left in the temporary area: a resumable upload's file that no live upload names, and a
    /// single upload's or a companion's part file (or anything else) untouched for <paramref name="partAge"/> (a running one is written to
    /// continuously). Returns how many files went.
    /// </summary>
    /// <param name="listed">From <see cref="ListTemporary"/>, taken before <paramref name="liveUploads"/> was read, so an upload
    /// created in between (row first, then file) is not in the list.</param>
    public int SweepTemporary(IReadOnlyList<string> listed, IReadOnlySet<Guid> liveUploads, TimeSpan partAge, DateTimeOffset now)
    {
        var removed = 0;
        foreach (var path in listed)
        {
            var name = Path.GetFileName(path);
            var orphan = name.EndsWith(UploadSuffix, StringComparison.Ordinal)
                ? !Guid.TryParseExact(name[..^UploadSuffix.Length], "N", out var id) || !liveUploads.Contains(id)
                : File.GetLastWriteTimeUtc(path) < (now - partAge).UtcDateTime;
            if (orphan && TryDelete(path))
            {
                removed++;
            }
        }
        return removed;
    }

    public IReadOnlyList<string> ListTemporary() => Directory.GetFiles(TempFolder);

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Gives a staged file its final name. The name is new, so nothing existing is overwritten.</summary>
    public string Promote(StagedVideo staged, Guid assetId)
    {
        var key = StorageKey(assetId, staged.Format);
        File.Move(staged.TempPath, PathOf(key), overwrite: false);
        return key;
    }

    // A file that cannot be removed now is left for SweepTemporary; the tmp folder never holds a file that a slot points at.
    public static void Discard(string tempPath) => TryDelete(tempPath);

    public void Delete(string storageKey) => File.Delete(PathOf(storageKey));

    /// <summary>Writes a small companion file of an asset (its poster, its captions) whole or not at all.</summary>
    public async Task SaveCompanionAsync(string storageKey, byte[] content, CancellationToken ct)
    {
        var tempPath = Path.Combine(TempFolder, $"{Guid.NewGuid():N}{PartSuffix}");
        try
        {
            await File.WriteAllBytesAsync(tempPath, content, ct);
            File.Move(tempPath, PathOf(storageKey), overwrite: true);
        }
        catch
        {
            Discard(tempPath);
            throw;
        }
    }

    // The first read must see the whole container header, even from a stream that returns a few bytes at a time; later
    // reads gather a few hundred KB, so disk writes and hash updates come in large blocks rather than one per network packet.
    private static Task<int> ReadChunkAsync(Stream source, byte[] buffer, long soFar, CancellationToken ct) =>
        source.ReadAtLeastAsync(buffer.AsMemory(0, BufferSize), soFar == 0 ? VideoFormat.HeaderLength : MinimumChunk, throwOnEndOfStream: false, ct).AsTask();

    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.#} GB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.#} MB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):0.#} KB",
        _ => $"{bytes} bytes",
    };
}
