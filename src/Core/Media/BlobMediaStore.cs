using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace VideoStudio.Core.Media;

public sealed class BlobOptions
{
    public const string Section = "Studio:Media:AzureBlob";

    /// <summary>An Azure Storage connection string with the account key (ffprobe reads through short-lived read-only links signed with it).</summary>
    public string ConnectionString { get; set; } = "";

    public string Container { get; set; } = "media";

    /// <summary>How long a read-only link for ffprobe/ffmpeg stays valid: a little longer than their timeout.</summary>
    public TimeSpan ToolLinkLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The longest a browser's read-only link to a video stays valid. Links are cut on a grid of half this: every link asked
    /// for in one half is the same URL (so the browser's cache of it keeps answering) and still has at least the other half
    /// to run, for a player that keeps reading after its page loaded.
    /// </summary>
    public TimeSpan PlaybackLinkLifetime { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Media files as block blobs in one Azure Storage container (Azurite in the tests), under the same keys as on disk. A video
/// is written as staged blocks and made visible by one Put Block List, so nothing is visible half-written and nothing is
/// copied: a resumable upload's chunks become blocks of the blob named after the upload (whose id becomes the asset's), each
/// block id naming the byte where it starts, and the recorded offset decides which blocks count. Every failure to reach the
/// store surfaces as <see cref="MediaUnavailableException"/>.
/// </summary>
public sealed class BlobMediaStore : MediaStore
{
    /// <summary>A block is this large at most: what one upload holds in memory while its chunk arrives.</summary>
    public const int BlockSize = 4 << 20;

    private const string CacheControl = "private, max-age=31536000, immutable";

    private readonly BlobContainerClient _container;
    private readonly BlobOptions _options;
    private volatile bool _ready;

    public BlobMediaStore(IOptions<BlobOptions> options)
    {
        _options = options.Value;
        if (string.IsNullOrWhiteSpace(_options.ConnectionString))
        {
            throw new InvalidOperationException($"{BlobOptions.Section}:ConnectionString is required with Studio:Media:Provider=AzureBlob.");
        }
        var client = new BlobClientOptions();
        // A store that does not answer is said within seconds (the request is then refused or retried by the job), not after minutes.
        client.Retry.MaxRetries = 3;
        client.Retry.Delay = TimeSpan.FromMilliseconds(500);
        client.Retry.MaxDelay = TimeSpan.FromSeconds(4);
        client.Retry.NetworkTimeout = TimeSpan.FromSeconds(60);
        _container = new BlobServiceClient(_options.ConnectionString, client).GetBlobContainerClient(_options.Container);
        if (_options.PlaybackLinkLifetime < TimeSpan.FromMinutes(2))
        {
            // Links are cut on a grid of half the lifetime; a player needs minutes of it left after its page loaded.
            throw new InvalidOperationException($"{BlobOptions.Section}:PlaybackLinkLifetime must be at least 00:02:00 (it is {_options.PlaybackLinkLifetime}).");
        }
        if (!_container.CanGenerateSasUri)
        {
            throw new InvalidOperationException($"{BlobOptions.Section}:ConnectionString must carry the account key (AccountKey=…).");
        }
    }

    public override string Description => $"Azure Blob Storage (container \"{_container.Name}\" at {_container.Uri.GetLeftPart(UriPartial.Authority)})";

    private async Task<BlockBlobClient> BlobAsync(string name)
    {
        await ReadyAsync();
        return _container.GetBlockBlobClient(name);
    }

    // The container is made on first use; a failure is asked again next time rather than remembered.
    private async Task ReadyAsync()
    {
        if (!_ready)
        {
            await _container.CreateIfNotExistsAsync();
            _ready = true;
        }
    }

    private static string BlockId(long offset) => Convert.ToBase64String(Encoding.ASCII.GetBytes(offset.ToString("D16", System.Globalization.CultureInfo.InvariantCulture)));

    private static long OffsetOf(string blockId) => long.Parse(Encoding.ASCII.GetString(Convert.FromBase64String(blockId)), System.Globalization.CultureInfo.InvariantCulture);

    private static BlobHttpHeaders Headers(string contentType) => new() { ContentType = contentType, CacheControl = CacheControl };

    public override Task<StagedVideo> StageAsync(Guid assetId, Stream source, long maxBytes, CancellationToken ct) => Guard(async () =>
    {
        var buffer = RentBuffer();
        BlockBlobClient? blob = null;
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long total = 0;
            VideoFormat? format = null;
            BlockWriter? writer = null;
            int read;
            while ((read = await ReadChunkAsync(source, buffer, total, ct)) > 0)
            {
                if (total == 0)
                {
                    format = DetectOrRefuse(buffer.AsSpan(0, Math.Min(read, VideoFormat.HeaderLength)));
                    blob = await BlobAsync(StorageKey(assetId, format));
                    writer = new BlockWriter(blob, 0);
                }
                total += read;
                if (total > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }
                sha.AppendData(buffer, 0, read);
                await writer!.WriteAsync(buffer.AsMemory(0, read), ct);
            }
            if (total == 0 || format is null)
            {
                throw Empty();
            }
            await writer!.FlushAsync(ct);
            await blob!.CommitBlockListAsync(writer.Ids, Headers(format.ContentType), cancellationToken: ct);
            return new StagedVideo(assetId, blob.Name, total, Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant(), format);
        }
        catch when (blob is not null)
        {
            await ForgetAsync(blob.Name);
            throw;
        }
        finally
        {
            ReturnBuffer(buffer);
        }
    });

    // Staged videos are already under their final key: the asset row that names them is what makes them part of a slot.
    public override Task<string> PromoteAsync(StagedVideo staged, CancellationToken ct) => Task.FromResult(staged.Location);

    public override Task DiscardAsync(StagedVideo staged) => ForgetAsync(staged.Location);

    public override async Task<ToolInput> ToolInputAsync(StagedVideo staged, CancellationToken ct)
    {
        var blob = await Guard(() => BlobAsync(staged.Location));
        // Read-only, this one blob, minutes: the link never leaves this process (ffprobe and ffmpeg read it with Range requests).
        var link = blob.GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow + _options.ToolLinkLifetime);
        return new ToolInput(link.ToString(), "http,https,tcp,tls");
    }

    public override Task BeginUploadAsync(Guid uploadId, CancellationToken ct) => Guard(ReadyAsync);

    public override async Task<UploadWriter> OpenUploadAsync(Guid uploadId, VideoFormat? format, long offset, CancellationToken ct)
    {
        if (format is null)
        {
            // Blocks are only ever stored once the first bytes named the container.
            throw new UploadOffsetMismatchException(0);
        }
        return new BlockWriter(await Guard(() => BlobAsync(StorageKey(uploadId, format))), offset);
    }

    /// <summary>Gathers writes into blocks of <see cref="BlockSize"/>, each staged under the id of the byte where it starts.</summary>
    private sealed class BlockWriter(BlockBlobClient blob, long offset) : UploadWriter
    {
        private readonly byte[] _block = System.Buffers.ArrayPool<byte>.Shared.Rent(BlockSize);
        private int _filled;
        private long _durable = offset;

        public List<string> Ids { get; } = [];

        public override long Durable => _durable;

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
        {
            while (data.Length > 0)
            {
                var take = Math.Min(data.Length, BlockSize - _filled);
                data[..take].CopyTo(_block.AsMemory(_filled));
                _filled += take;
                data = data[take..];
                if (_filled == BlockSize)
                {
                    await StageAsync(ct);
                }
            }
        }

        public override Task FlushAsync(CancellationToken ct) => _filled == 0 ? Task.CompletedTask : StageAsync(ct);

        private Task StageAsync(CancellationToken ct) => Guard(async () =>
        {
            var id = BlockId(_durable);
            using var content = new MemoryStream(_block, 0, _filled, writable: false);
            await blob.StageBlockAsync(id, content, cancellationToken: ct);
            Ids.Add(id);
            _durable += _filled;
            _filled = 0;
        });

        // Blocks staged past the offset are simply never committed: only the chain from the recorded offset's blocks counts.
        public override Task RewindAsync(long offset)
        {
            _filled = 0;
            _durable = offset;
            return Task.CompletedTask;
        }

        public override ValueTask DisposeAsync()
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(_block);
            return ValueTask.CompletedTask;
        }
    }

    public override Task<StagedVideo> CompleteUploadAsync(Guid uploadId, VideoFormat? format, long length, long maxBytes, CancellationToken ct) => Guard(async () =>
    {
        if (length > maxBytes)
        {
            throw TooLarge(maxBytes);
        }
        if (format is null)
        {
            throw NotVideo();
        }
        var blob = await BlobAsync(StorageKey(uploadId, format));
        var blocks = (await blob.GetBlockListAsync(BlockListTypes.All, cancellationToken: ct)).Value;
        // Completed before (the editor was asked about the shape, or the store failed after the commit): already one blob.
        if (blocks.CommittedBlocks.Sum(b => b.SizeLong) != length || blocks.UncommittedBlocks.Any())
        {
            var staged = blocks.UncommittedBlocks.ToDictionary(b => OffsetOf(b.Name), b => b.SizeLong);
            var chain = new List<string>();
            long at = 0;
            while (at < length && staged.TryGetValue(at, out var size))
            {
                chain.Add(BlockId(at));
                at += size;
            }
            if (at != length)
            {
                throw new UploadOffsetMismatchException(Math.Min(at, length));
            }
            await blob.CommitBlockListAsync(chain, Headers(format.ContentType), cancellationToken: ct);
        }
        // The same checks as a single upload, read back once in order (no copy is kept): the first bytes, then the hash.
        var buffer = RentBuffer();
        try
        {
            using var download = (await blob.DownloadStreamingAsync(cancellationToken: ct)).Value;
            await using var body = download.Content;
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var read = await body.ReadAtLeastAsync(buffer.AsMemory(0, BufferSize), VideoFormat.HeaderLength, throwOnEndOfStream: false, ct);
            var detected = DetectOrRefuse(buffer.AsSpan(0, Math.Min(read, VideoFormat.HeaderLength)));
            long total = 0;
            while (read > 0)
            {
                sha.AppendData(buffer, 0, read);
                total += read;
                read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), ct);
            }
            return new StagedVideo(uploadId, blob.Name, total, Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant(), detected);
        }
        finally
        {
            ReturnBuffer(buffer);
        }
    });

    public override Task DiscardUploadAsync(Guid uploadId, VideoFormat? format) =>
        format is null ? Task.CompletedTask : ForgetAsync(StorageKey(uploadId, format));

    /// <summary>Removes a blob and any blocks staged for it (an empty commit drops them); never throws.</summary>
    private async Task ForgetAsync(string name)
    {
        try
        {
            var blob = await BlobAsync(name);
            await blob.CommitBlockListAsync([]);
            await blob.DeleteIfExistsAsync();
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException or HttpRequestException or IOException or OperationCanceledException)
        {
            // Uncommitted blocks expire by themselves (after a week on Azure); a committed leftover costs space only.
        }
    }

    public override Task SaveCompanionAsync(string storageKey, byte[] content, string contentType, CancellationToken ct) => Guard(async () =>
    {
        var blob = await BlobAsync(storageKey);
        await blob.UploadAsync(new MemoryStream(content, writable: false), new BlobUploadOptions { HttpHeaders = Headers(contentType) }, ct);
    });

    public override Task DeleteAsync(string storageKey, CancellationToken ct) => Guard(async () =>
    {
        await (await BlobAsync(storageKey)).DeleteIfExistsAsync(cancellationToken: ct);
    });

    /// <summary>
    /// Through the app, with Range, the same response as from disk (immutable caching, ETag, 206): the posters and captions,
    /// small files a page shows beside its videos (videos go by <see cref="PlaybackLinkFor"/>).
    /// </summary>
    public override async Task<IResult?> ServeAsync(string storageKey, MediaResponse response, CancellationToken ct) =>
        await OpenReadAsync(storageKey, ct) is { } stream
            ? Results.Stream(stream, response.ContentType, lastModified: response.LastModified, entityTag: response.ETag, enableRangeProcessing: true)
            : null;

    /// <summary>
    /// Videos only, which are what is large: a read-only link to that one blob, signed here with the account key (no call to
    /// the store), that keeps the blob's immutable caching and carries the member's disposition. Posters and captions stay
    /// with <see cref="ServeAsync"/>: they are small, and a caption track from another origin would need CORS on the account.
    /// </summary>
    public override PlaybackLink? PlaybackLinkFor(string storageKey, string contentDisposition, DateTimeOffset now, DateTimeOffset? notAfter)
    {
        if (storageKey.Split('.') is not [_, var extension] || VideoFormat.FromExtension(extension) is null)
        {
            return null;
        }
        var half = _options.PlaybackLinkLifetime / 2;
        var sameUntil = new DateTimeOffset(now.UtcTicks - now.UtcTicks % half.Ticks, TimeSpan.Zero) + half;
        var expires = sameUntil + half;
        if (notAfter < expires)
        {
            // A link for a link (the API's): it ends with the one it came from, and is made anew each time.
            (expires, sameUntil) = (notAfter.Value, now);
        }
        var sas = new BlobSasBuilder(BlobSasPermissions.Read, expires)
        {
            BlobContainerName = _container.Name,
            BlobName = storageKey,
            Resource = "b",
            CacheControl = CacheControl,
            ContentDisposition = contentDisposition,
        };
        return new PlaybackLink(_container.GetBlobClient(storageKey).GenerateSasUri(sas), expires, sameUntil);
    }

    public override string? PlaybackOrigin => _container.Uri.GetLeftPart(UriPartial.Authority);

    public override Task<Stream?> OpenReadAsync(string storageKey, CancellationToken ct) => Guard(async () =>
    {
        var blob = await BlobAsync(storageKey);
        try
        {
            // Seekable and read lazily in blocks, so a Range request downloads only the blocks it covers.
            return await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { BufferSize = 1 << 20 }, ct);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return (Stream?)null;
        }
    });

    public override Task<bool> HasAsync(string storageKey, long sizeBytes, CancellationToken ct) => Guard(async () =>
    {
        var blob = await BlobAsync(storageKey);
        try
        {
            return (await blob.GetPropertiesAsync(cancellationToken: ct)).Value.ContentLength == sizeBytes;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    });

    public override Task CopyInAsync(string storageKey, Stream content, string contentType, CancellationToken ct) => Guard(async () =>
    {
        var blob = await BlobAsync(storageKey);
        await blob.UploadAsync(content, new BlobUploadOptions
        {
            HttpHeaders = Headers(contentType),
            TransferOptions = new Azure.Storage.StorageTransferOptions { MaximumTransferSize = BlockSize, InitialTransferSize = BlockSize, MaximumConcurrency = 2 },
        }, ct);
    });

    // Committed blobs only: the blocks of an upload under way are not a blob yet.
    public override async IAsyncEnumerable<StoredFile> ListStoredAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await Guard(ReadyAsync);
        await foreach (var item in _container.GetBlobsAsync(cancellationToken: ct))
        {
            yield return new StoredFile(item.Name, item.Properties.LastModified ?? DateTimeOffset.UtcNow);
        }
    }

    public override async Task<(bool Healthy, string Description)> CheckAsync(CancellationToken ct)
    {
        try
        {
            await Guard(async () =>
            {
                await ReadyAsync();
                await _container.GetPropertiesAsync(cancellationToken: ct);
            });
            return (true, $"Media on {Description} answers.");
        }
        catch (MediaUnavailableException e)
        {
            return (false, $"Media on {Description} does not answer: {e.Message}");
        }
    }

    // Blocks of uploads that were never completed are dropped by the expiry sweep (by name) or by the store itself after a week.
    public override Task<IReadOnlyList<TemporaryItem>> ListTemporaryAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<TemporaryItem>>([]);

    public override Task<bool> RemoveTemporaryAsync(TemporaryItem item) => Task.FromResult(false);

    private static Task Guard(Func<Task> work) => Guard(async () =>
    {
        await work();
        return true;
    });

    /// <summary>Every way the store can fail to answer (refused, timed out, 5xx after the SDK's retries) as one exception.</summary>
    private static async Task<T> Guard<T>(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (RequestFailedException e) when (e.Status is 0 or 408 or 429 or >= 500)
        {
            throw new MediaUnavailableException($"The store answered {e.Status} ({e.ErrorCode ?? e.GetType().Name}).", e);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is RequestFailedException or HttpRequestException or IOException or TaskCanceledException))
        {
            throw new MediaUnavailableException("The store did not answer: " + e.InnerExceptions[^1].Message, e);
        }
        catch (HttpRequestException e)
        {
            throw new MediaUnavailableException("The store did not answer: " + e.Message, e);
        }
    }
}
