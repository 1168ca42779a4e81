using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using VideoStudio.Core.Media;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Media;

/// <summary>
/// What every media store promises, run against both: the local folder and Azure Blob Storage (Azurite, started by test.sh).
/// The app above them is tested through one of them at a time; these hold them to the same contract.
/// </summary>
public class MediaStoreTests
{
    public static TheoryData<string> Stores => ["local", "blob"];

    private static MediaStore Create(string kind) => kind == "local"
        ? new LocalMediaStore(Options.Create(new MediaOptions { Root = StudioTestHost.NewMediaRoot() }))
        : new BlobMediaStore(Options.Create(new BlobOptions { ConnectionString = Azurite.ConnectionString, Container = Azurite.NewContainer() }));

    private static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    private static async Task<byte[]?> ReadAsync(MediaStore store, string key)
    {
        await using var stream = await store.OpenReadAsync(key, CancellationToken.None);
        if (stream is null)
        {
            return null;
        }
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_staged_video_is_fingerprinted_and_readable_under_its_key_once_promoted(string kind)
    {
        var store = Create(kind);
        var assetId = Guid.NewGuid();

        var staged = await store.StageAsync(assetId, new MemoryStream(Videos.Mp4), long.MaxValue, CancellationToken.None);
        var key = await store.PromoteAsync(staged, CancellationToken.None);

        Assert.Equal(($"{assetId:N}.mp4", Videos.Mp4.LongLength, Sha256(Videos.Mp4)), (key, staged.SizeBytes, staged.Sha256));
        Assert.Equal(Videos.Mp4, await ReadAsync(store, key));
        Assert.True(await store.HasAsync(key, Videos.Mp4.Length, CancellationToken.None));
        Assert.Contains(key, await store.ListKeysAsync(CancellationToken.None).ToListAsync());

        await store.DeleteAsync(key, CancellationToken.None);
        await store.DeleteAsync(key, CancellationToken.None);
        Assert.Null(await ReadAsync(store, key));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task What_is_not_a_video_or_too_large_is_refused_and_leaves_nothing(string kind)
    {
        var store = Create(kind);
        var tooLarge = Guid.NewGuid();
        var notVideo = Guid.NewGuid();

        var large = await Assert.ThrowsAsync<MediaRejectedException>(() => store.StageAsync(tooLarge, new MemoryStream(Videos.Mp4), 10_000, CancellationToken.None));
        var text = await Assert.ThrowsAsync<MediaRejectedException>(() => store.StageAsync(notVideo, new MemoryStream(new byte[5000]), long.MaxValue, CancellationToken.None));

        Assert.Equal(("too_large", "not_video"), (large.Kind, text.Kind));
        Assert.Empty(await store.ListKeysAsync(CancellationToken.None).ToListAsync());
        Assert.Empty(await store.ListTemporaryAsync(CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_resumable_upload_written_in_pieces_with_a_damaged_and_a_lost_piece_completes_as_the_file_sent(string kind)
    {
        var store = Create(kind);
        var uploadId = Guid.NewGuid();
        var video = Videos.Mp4;
        await store.BeginUploadAsync(uploadId, CancellationToken.None);

        // A first request stores two pieces and arrives damaged, so it is taken back whole; the next writes the first 30,000 bytes.
        await using (var damagedFirst = await store.OpenUploadAsync(uploadId, VideoFormat.Mp4, 0, CancellationToken.None))
        {
            await damagedFirst.WriteAsync(video.AsMemory(0, 10_000), CancellationToken.None);
            await damagedFirst.FlushAsync(CancellationToken.None);
            await damagedFirst.WriteAsync(new byte[5_000], CancellationToken.None);
            await damagedFirst.FlushAsync(CancellationToken.None);
            await damagedFirst.RewindAsync(0);
        }
        await using (var first = await store.OpenUploadAsync(uploadId, VideoFormat.Mp4, 0, CancellationToken.None))
        {
            await first.WriteAsync(video.AsMemory(0, 30_000), CancellationToken.None);
            await first.FlushAsync(CancellationToken.None);
            Assert.Equal(30_000, first.Durable);
        }
        // The next one arrives damaged too; then a process writes past what it recorded and dies.
        await using (var damaged = await store.OpenUploadAsync(uploadId, VideoFormat.Mp4, 30_000, CancellationToken.None))
        {
            await damaged.WriteAsync(new byte[20_000], CancellationToken.None);
            await damaged.FlushAsync(CancellationToken.None);
            await damaged.RewindAsync(30_000);
        }
        await using (var lost = await store.OpenUploadAsync(uploadId, VideoFormat.Mp4, 30_000, CancellationToken.None))
        {
            await lost.WriteAsync(new byte[7_000], CancellationToken.None);
            await lost.FlushAsync(CancellationToken.None);
        }
        await using (var rest = await store.OpenUploadAsync(uploadId, VideoFormat.Mp4, 30_000, CancellationToken.None))
        {
            await rest.WriteAsync(video.AsMemory(30_000), CancellationToken.None);
            await rest.FlushAsync(CancellationToken.None);
            Assert.Equal(video.Length, rest.Durable);
        }

        var staged = await store.CompleteUploadAsync(uploadId, VideoFormat.Mp4, video.Length, long.MaxValue, CancellationToken.None);
        var again = await store.CompleteUploadAsync(uploadId, VideoFormat.Mp4, video.Length, long.MaxValue, CancellationToken.None);
        var key = await store.PromoteAsync(staged, CancellationToken.None);

        Assert.Equal((uploadId, Sha256(video), video.LongLength), (staged.AssetId, staged.Sha256, staged.SizeBytes));
        Assert.Equal(staged.Sha256, again.Sha256);
        Assert.Equal(video, await ReadAsync(store, key));
        Assert.Empty(await store.ListTemporaryAsync(CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_discarded_upload_leaves_nothing(string kind)
    {
        var store = Create(kind);
        var uploadId = Guid.NewGuid();
        await store.BeginUploadAsync(uploadId, CancellationToken.None);
        await using (var writer = await store.OpenUploadAsync(uploadId, VideoFormat.Mp4, 0, CancellationToken.None))
        {
            await writer.WriteAsync(Videos.Mp4.AsMemory(0, 10_000), CancellationToken.None);
            await writer.FlushAsync(CancellationToken.None);
        }

        await store.DiscardUploadAsync(uploadId, VideoFormat.Mp4);

        Assert.Empty(await store.ListKeysAsync(CancellationToken.None).ToListAsync());
        Assert.Empty(await store.ListTemporaryAsync(CancellationToken.None));
        await Assert.ThrowsAnyAsync<Exception>(() => store.CompleteUploadAsync(uploadId, VideoFormat.Mp4, Videos.Mp4.Length, long.MaxValue, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Companions_are_written_whole_and_replaced_and_copies_are_idempotent(string kind)
    {
        var store = Create(kind);
        var key = $"{Guid.NewGuid():N}.captions.vtt";

        await store.SaveCompanionAsync(key, "WEBVTT\n\nfirst"u8.ToArray(), WebVtt.ContentType, CancellationToken.None);
        await store.SaveCompanionAsync(key, "WEBVTT\n\nsecond"u8.ToArray(), WebVtt.ContentType, CancellationToken.None);
        var copied = $"{Guid.NewGuid():N}.mp4";
        await store.CopyInAsync(copied, new MemoryStream(Videos.Mp4), "video/mp4", CancellationToken.None);

        Assert.Equal("WEBVTT\n\nsecond"u8.ToArray(), await ReadAsync(store, key));
        Assert.True(await store.HasAsync(copied, Videos.Mp4.Length, CancellationToken.None));
        Assert.False(await store.HasAsync(copied, Videos.Mp4.Length - 1, CancellationToken.None));
        Assert.True((await store.CheckAsync(CancellationToken.None)).Healthy);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Tools_read_a_staged_video_where_it_is(string kind)
    {
        var store = Create(kind);
        var staged = await store.StageAsync(Guid.NewGuid(), new MemoryStream(Videos.WebM), long.MaxValue, CancellationToken.None);

        var input = await store.ToolInputAsync(staged, CancellationToken.None);
        var probe = new VideoProbe(Options.Create(new ProbeOptions()), Microsoft.Extensions.Logging.Abstractions.NullLogger<VideoProbe>.Instance);
        var probed = await probe.ProbeAsync(input, CancellationToken.None);
        var poster = await probe.PosterAsync(input, probed!.DurationSeconds, CancellationToken.None);

        Assert.True(probed.DisplayHeight > probed.DisplayWidth);
        Assert.Equal(PosterFormat.Jpeg, PosterFormat.Detect(poster));
    }
}
