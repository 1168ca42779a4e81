using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace VideoStudio.Core.Media;

public sealed class MediaOptions
{
    /// <summary>Where video files live on local disk: outside the web root, named by asset id.</summary>
    public string Root { get; set; } = Path.Combine(AppContext.BaseDirectory, "media");
}

/// <summary>
/// Media files in one folder (<c>Studio:MediaRoot</c>). Writes stream through a temporary file in its <c>tmp/</c> folder (so
/// the final move is a rename), hashing as they go; a resumable upload gathers there as <c>{id}.upload</c>.
/// </summary>
public sealed class LocalMediaStore(IOptions<MediaOptions> options) : MediaStore
{
    public const string UploadSuffix = ".upload";
    private const string PartSuffix = ".part";
    private const int WriteBuffer = 256 << 10;

    public string Root { get; } = Directory.CreateDirectory(Path.GetFullPath(options.Value.Root)).FullName;

    public override string Description => $"local disk ({Root})";

    private string TempFolder => Directory.CreateDirectory(Path.Combine(Root, "tmp")).FullName;

    private string PathOf(string storageKey)
    {
        var path = Path.GetFullPath(Path.Combine(Root, storageKey));
        if (!path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.GetFileName(path) != storageKey)
        {
            throw new ArgumentException("Not a storage key.", nameof(storageKey));
        }
        return path;
    }

    private string UploadPath(Guid uploadId) => Path.Combine(TempFolder, $"{uploadId:N}{UploadSuffix}");

    public override async Task<StagedVideo> StageAsync(Guid assetId, Stream source, long maxBytes, CancellationToken ct)
    {
        var tempPath = Path.Combine(TempFolder, $"{Guid.NewGuid():N}{PartSuffix}");
        var buffer = RentBuffer();
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
            return new StagedVideo(assetId, tempPath, total, Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant(), format);
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
        finally
        {
            ReturnBuffer(buffer);
        }
    }

    public override Task<string> PromoteAsync(StagedVideo staged, CancellationToken ct)
    {
        var key = staged.StorageKey;
        File.Move(staged.Location, PathOf(key), overwrite: false);
        return Task.FromResult(key);
    }

    // A file that cannot be removed now is left for the sweep; the tmp folder never holds a file that a slot points at.
    public override Task DiscardAsync(StagedVideo staged)
    {
        TryDelete(staged.Location);
        return Task.CompletedTask;
    }

    public override Task<ToolInput> ToolInputAsync(StagedVideo staged, CancellationToken ct) => Task.FromResult(new ToolInput(staged.Location, "file"));

    public override Task BeginUploadAsync(Guid uploadId, CancellationToken ct) => File.WriteAllBytesAsync(UploadPath(uploadId), [], ct);

    public override Task<UploadWriter> OpenUploadAsync(Guid uploadId, VideoFormat? format, long offset, CancellationToken ct)
    {
        var file = new FileStream(UploadPath(uploadId), FileMode.Open, FileAccess.Write, FileShare.Read, bufferSize: WriteBuffer);
        try
        {
            if (file.Length < offset)
            {
                throw new UploadOffsetMismatchException(file.Length);
            }
            if (file.Length > offset)
            {
                // A process died after writing past the offset it recorded: those bytes were never acknowledged.
                file.SetLength(offset);
            }
            file.Seek(offset, SeekOrigin.Begin);
            return Task.FromResult<UploadWriter>(new FileWriter(file, offset));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private sealed class FileWriter(FileStream file, long offset) : UploadWriter
    {
        private long _durable = offset;

        public override long Durable => _durable;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct) => file.WriteAsync(data, ct);

        public override async Task FlushAsync(CancellationToken ct)
        {
            await file.FlushAsync(ct);
            _durable = file.Position;
        }

        public override Task RewindAsync(long offset)
        {
            try
            {
                file.SetLength(offset);
                file.Seek(offset, SeekOrigin.Begin);
                _durable = offset;
            }
            catch (IOException)
            {
                // The next request cuts the file back to the recorded offset anyway.
            }
            return Task.CompletedTask;
        }

        public override async ValueTask DisposeAsync()
        {
            try
            {
                await file.DisposeAsync();
            }
            catch (IOException)
            {
                // Unflushed bytes that could not be written (a full disk) were never counted.
            }
        }
    }

    public override async Task<StagedVideo> CompleteUploadAsync(Guid uploadId, VideoFormat? format, long length, long maxBytes, CancellationToken ct)
    {
        var path = UploadPath(uploadId);
        var buffer = RentBuffer();
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
            var detected = DetectOrRefuse(buffer.AsSpan(0, Math.Min(head, VideoFormat.HeaderLength)));
            var read = head;
            while (read > 0)
            {
                sha.AppendData(buffer, 0, read);
                read = await file.ReadAsync(buffer.AsMemory(0, BufferSize), ct);
            }
            return new StagedVideo(uploadId, path, file.Length, Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant(), detected);
        }
        finally
        {
            ReturnBuffer(buffer);
        }
    }

    public override Task DiscardUploadAsync(Guid uploadId, VideoFormat? format)
    {
        TryDelete(UploadPath(uploadId));
        return Task.CompletedTask;
    }

    public override async Task SaveCompanionAsync(string storageKey, byte[] content, string contentType, CancellationToken ct)
    {
        var tempPath = Path.Combine(TempFolder, $"{Guid.NewGuid():N}{PartSuffix}");
        try
        {
            await File.WriteAllBytesAsync(tempPath, content, ct);
            File.Move(tempPath, PathOf(storageKey), overwrite: true);
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
    }

    public override Task DeleteAsync(string storageKey, CancellationToken ct)
    {
        File.Delete(PathOf(storageKey));
        return Task.CompletedTask;
    }

    // The kernel sends the file (sendfile), Range and conditional requests answered by the framework.
    public override Task<IResult?> ServeAsync(string storageKey, MediaResponse response, CancellationToken ct)
    {
        var path = PathOf(storageKey);
        return Task.FromResult<IResult?>(File.Exists(path)
            ? Results.File(path, response.ContentType, lastModified: response.LastModified, entityTag: response.ETag, enableRangeProcessing: true)
            : null);
    }

    public override Task<Stream?> OpenReadAsync(string storageKey, CancellationToken ct)
    {
        var path = PathOf(storageKey);
        return Task.FromResult<Stream?>(File.Exists(path)
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan | FileOptions.Asynchronous)
            : null);
    }

    public override Task<bool> HasAsync(string storageKey, long sizeBytes, CancellationToken ct)
    {
        var file = new FileInfo(PathOf(storageKey));
        return Task.FromResult(file.Exists && file.Length == sizeBytes);
    }

    public override async Task CopyInAsync(string storageKey, Stream content, string contentType, CancellationToken ct)
    {
        var tempPath = Path.Combine(TempFolder, $"{Guid.NewGuid():N}{PartSuffix}");
        try
        {
            await using (var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: WriteBuffer))
            {
                await content.CopyToAsync(file, BufferSize, ct);
            }
            File.Move(tempPath, PathOf(storageKey), overwrite: true);
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
    }

    public override async IAsyncEnumerable<StoredFile> ListStoredAsync([EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var path in Directory.EnumerateFiles(Root))
        {
            ct.ThrowIfCancellationRequested();
            yield return new StoredFile(Path.GetFileName(path), File.GetLastWriteTimeUtc(path));
        }
        await Task.CompletedTask;
    }

    public override async Task<(bool Healthy, string Description)> CheckAsync(CancellationToken ct)
    {
        var probe = Path.Combine(TempFolder, $"health-{Guid.NewGuid():N}{PartSuffix}");
        try
        {
            await File.WriteAllBytesAsync(probe, [1], ct);
            return (true, $"Media on {Description} can be written.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (false, $"Media on {Description} cannot be written: {e.GetType().Name}.");
        }
        finally
        {
            TryDelete(probe);
        }
    }

    public override Task<IReadOnlyList<TemporaryItem>> ListTemporaryAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<TemporaryItem>>(Directory.GetFiles(TempFolder).Select(path =>
        {
            var name = Path.GetFileName(path);
            Guid? upload = name.EndsWith(UploadSuffix, StringComparison.Ordinal)
                ? Guid.TryParseExact(name[..^UploadSuffix.Length], "N", out var id) ? id : Guid.Empty
                : null;
            return new TemporaryItem(path, upload, File.GetLastWriteTimeUtc(path));
        }).ToList());

    public override Task<bool> RemoveTemporaryAsync(TemporaryItem item) => Task.FromResult(TryDelete(item.Name));

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
}
