using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Core.Media;
using VideoStudio.Jobs.Media;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Jobs;

/// <summary>
/// The orphan sweep on Azurite: files that a process killed between the commit and its row left go once they are past the
/// grace period; every file a row names, earlier versions and an upload waiting for its editor included, stays.
/// </summary>
[Collection(MediaCollection.Name)]
public sealed class OrphanSweepTests : IAsyncLifetime
{
    private readonly StudioApp _app = StudioApp.Instance;
    private WebApplicationFactory<Program> _host = null!;

    public Task InitializeAsync()
    {
        _host = _app.WithWebHostBuilder(b => b.UseSetting("Studio:MediaRoot", StudioTestHost.NewMediaRoot()).UseBlobMedia(Azurite.ConnectionString, Azurite.NewContainer()));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private MediaStore Store => _host.Services.GetRequiredService<MediaStore>();

    private async Task<int> SweepAsync(TimeProvider clock)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var sweep = new OrphanSweep(scope.ServiceProvider.GetRequiredService<StudioDb>(), Store, clock, NullLogger<OrphanSweep>.Instance);
        return await sweep.RunAsync(CancellationToken.None);
    }

    private async Task<List<string>> KeysAsync() => (await Store.ListKeysAsync(CancellationToken.None).ToListAsync()).Order().ToList();

    [Fact]
    public async Task Files_no_row_names_go_after_the_grace_period_and_every_named_file_stays_however_often_it_runs()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var seed = new StudioSeed(_host.Services);
        var earlier = await seed.VideoAsync(id, VideoSlot.Long, Fixtures.SampleMp4);
        var current = await seed.VideoAsync(id, VideoSlot.Long, Fixtures.SampleMp4);
        await Store.SaveCompanionAsync($"{current.Id:N}.captions.vtt", "WEBVTT\n\n"u8.ToArray(), WebVtt.ContentType, CancellationToken.None);
        await _app.WithDbAsync(async db =>
        {
            var asset = await db.VideoAssets.FindAsync(current.Id);
            asset!.CaptionsKey = $"{current.Id:N}.captions.vtt";
            await db.SaveChangesAsync();
        });
        // An upload whose bytes are one blob while its editor is asked about the shape: only its upload row names it.
        var waiting = await Store.StageAsync(Guid.NewGuid(), new MemoryStream(Videos.Mp4), long.MaxValue, CancellationToken.None);
        await _app.WithDbAsync(async db =>
        {
            var now = DateTimeOffset.UtcNow;
            db.UploadSessions.Add(new UploadSession
            {
                Id = waiting.AssetId, BusinessId = tenant.BusinessId, ContentId = id, Slot = VideoSlot.Short, UserId = tenant.UserId,
                FileName = "portrait.mp4", Length = Videos.Mp4.Length, Offset = Videos.Mp4.Length, Format = "mp4",
                CreatedAt = now, UpdatedAt = now, ExpiresAt = now.AddDays(1),
            });
            await db.SaveChangesAsync();
        });
        // What a process killed between the commit and its row leaves: a video and a poster that no row names.
        var lost = await Store.StageAsync(Guid.NewGuid(), new MemoryStream(Videos.Mp4), long.MaxValue, CancellationToken.None);
        var lostPoster = $"{lost.AssetId:N}.poster.jpg";
        await Store.SaveCompanionAsync(lostPoster, [0xFF, 0xD8, 0xFF], "image/jpeg", CancellationToken.None);
        var kept = SlotVideos.KeysOf(earlier).Concat(SlotVideos.KeysOf(current)).Append($"{current.Id:N}.captions.vtt").Append(waiting.StorageKey).Distinct().Order().ToList();
        Assert.Equal(kept.Append(lost.StorageKey).Append(lostPoster).Order(), await KeysAsync());

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        Assert.Equal(0, await SweepAsync(clock));
        clock.Advance(OrphanSweep.Grace + TimeSpan.FromMinutes(1));
        Assert.Equal(2, await SweepAsync(clock));
        Assert.Equal(0, await SweepAsync(clock));

        Assert.Equal(kept, await KeysAsync());
    }
}
