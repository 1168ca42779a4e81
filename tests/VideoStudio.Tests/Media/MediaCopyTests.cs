using Microsoft.Extensions.Options;
using VideoStudio.Core.Media;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Media;

/// <summary>The move from the local folder to Azurite: every media file under its own key, and a second run copies only what is new.</summary>
public class MediaCopyTests
{
    [Fact]
    public async Task Copying_local_media_into_blob_storage_takes_every_file_once_and_can_run_again()
    {
        var root = StudioTestHost.NewMediaRoot();
        var local = new LocalMediaStore(Options.Create(new MediaOptions { Root = root }));
        var blob = new BlobMediaStore(Options.Create(new BlobOptions { ConnectionString = Azurite.ConnectionString, Container = Azurite.NewContainer() }));
        var video = await local.PromoteAsync(await local.StageAsync(Guid.NewGuid(), new MemoryStream(Videos.Mp4), long.MaxValue, CancellationToken.None), CancellationToken.None);
        var poster = $"{Guid.NewGuid():N}.poster.jpg";
        await local.SaveCompanionAsync(poster, [0xFF, 0xD8, 0xFF, 0xE0], "image/jpeg", CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(root, "notes.txt"), "not media");
        await local.BeginUploadAsync(Guid.NewGuid(), CancellationToken.None);

        var first = await MediaCopy.CopyAsync(local, blob, (_, _) => { }, CancellationToken.None);
        var second = await MediaCopy.CopyAsync(local, blob, (_, _) => { }, CancellationToken.None);
        var later = await local.PromoteAsync(await local.StageAsync(Guid.NewGuid(), new MemoryStream(Videos.WebM), long.MaxValue, CancellationToken.None), CancellationToken.None);
        var third = await MediaCopy.CopyAsync(local, blob, (_, _) => { }, CancellationToken.None);

        Assert.Equal(new MediaCopy.Outcome(2, 0, 1, Videos.Mp4.Length + 4), first);
        Assert.Equal(new MediaCopy.Outcome(0, 2, 1, 0), second);
        Assert.Equal(new MediaCopy.Outcome(1, 2, 1, Videos.WebM.Length), third);
        Assert.Equal(new[] { poster, later, video }.Order(), (await blob.ListKeysAsync(CancellationToken.None).ToListAsync()).Order());
        await using var copied = await blob.OpenReadAsync(video, CancellationToken.None);
        using var bytes = new MemoryStream();
        await copied!.CopyToAsync(bytes);
        Assert.Equal(Videos.Mp4, bytes.ToArray());
    }
}
