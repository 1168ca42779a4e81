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
public sealed record StagedVideo(string TempPath, long SizeBytes, string Sha256, VideoFormat Format);

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
        var tempPath = Path.Combine(TempFolder, $"{Guid.NewGuid():N}.part");
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
                        format = VideoFormat.Detect(buffer.AsSpan(0, Math.Min(read, VideoFormat.HeaderLength)))
                            ?? throw new MediaRejectedException("This file is not a video we can play. Upload an MP4, MOV or WebM file.", "not_video");
                    }
                    total += read;
                    if (total > maxBytes)
                    {
                        throw new MediaRejectedException($"This file is larger than the limit of {FormatBytes(maxBytes)}. Upload a smaller or more compressed video.", "too_large");
                    }
                    sha.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            if (total == 0 || format is null)
            {
                throw new MediaRejectedException("This file is empty. Choose the video file again.", "empty");
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

    /// <summary>Gives a staged file its final name. The name is new, so nothing existing is overwritten.</summary>
    public string Promote(StagedVideo staged, Guid assetId)
    {
        var key = StorageKey(assetId, staged.Format);
        File.Move(staged.TempPath, PathOf(key), overwrite: false);
        return key;
    }

    private static void Discard(string tempPath)
    {
        try
        {
            File.Delete(tempPath);
        }
        catch (IOException)
        {
            // Left for the sweep of the tmp folder; it never holds a file that a slot points at.
        }
    }

    public void Delete(string storageKey) => File.Delete(PathOf(storageKey));

    /// <summary>Writes a small companion file of an asset (its poster, its captions) whole or not at all.</summary>
    public async Task SaveCompanionAsync(string storageKey, byte[] content, CancellationToken ct)
    {
        var tempPath = Path.Combine(TempFolder, $"{Guid.NewGuid():N}.part");
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
