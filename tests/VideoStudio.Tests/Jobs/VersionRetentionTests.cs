using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Core.Media;
using VideoStudio.Jobs.History;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Jobs;

/// <summary>
/// The retention job on an app and database of its own: moving its clock forward would otherwise remove the earlier
/// versions that the other tests' slots still look at.
/// </summary>
public sealed class VersionRetentionTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Create();
    private readonly string _mediaRoot = StudioTestHost.NewMediaRoot();
    private WebApplicationFactory<Program> _app = null!;

    public Task InitializeAsync()
    {
        _app = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseStudioTestSettings(_database.ConnectionString, _mediaRoot);
            b.UseSetting("Studio:RunJobs", "false");
        });
        _app.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    private StudioSeed Seed => new(_app.Services);

    [Fact]
    public async Task Retention_removes_exactly_the_versions_past_the_period_never_the_current_ones_and_stops_serving_them()
    {
        var slots = await SlotsWithHistoryAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);

        clock.Advance(TimeSpan.FromDays(29));
        Assert.Equal(0, await RunAsync(clock, new HistoryOptions()));
        clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(3, await RunAsync(clock, new HistoryOptions()));

        await AssertRemovedExactlyAsync(slots);
        Assert.Equal(0, await RunAsync(clock, new HistoryOptions()));
        var member = await Seed.WithDbAsync(db => db.BusinessMembers.FirstAsync());
        var client = _app.CreateBrowserlessClient();
        var email = await Seed.WithDbAsync(db => db.Users.Where(u => u.Id == member.UserId).Select(u => u.Email!).SingleAsync());
        await client.SignInAsync(email, StudioSeed.Password);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await client.GetAsync($"/media/{slots.Replaced[0].StorageKey}")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync($"/media/{slots.Current[0].StorageKey}")).StatusCode);
    }

    [Fact]
    public async Task Two_runs_at_once_remove_each_version_once_and_record_it_once()
    {
        var slots = await SlotsWithHistoryAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromDays(31));

        var removed = await Task.WhenAll(RunAsync(clock, new HistoryOptions()), RunAsync(clock, new HistoryOptions()));

        Assert.Equal(3, removed.Sum());
        await AssertRemovedExactlyAsync(slots);
    }

    [Fact]
    public async Task A_version_that_Undo_still_offers_is_kept_however_short_the_retention()
    {
        var member = await Seed.MemberAsync();
        var id = await Seed.ContentAsync(member.BusinessId);
        var deleted = await Seed.VideoAsync(id, VideoSlot.Long, Fixtures.SampleMp4);
        await Seed.WithDbAsync(db => SlotVideos.DeleteAsync(db, id, VideoSlot.Long, CancellationToken.None));
        var options = new HistoryOptions { Retention = TimeSpan.FromMinutes(1), UndoWindow = TimeSpan.FromMinutes(10) };
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);

        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, await RunAsync(clock, options));
        Assert.True(File.Exists(Path.Combine(_mediaRoot, deleted.StorageKey)));
        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(1, await RunAsync(clock, options));
        Assert.False(File.Exists(Path.Combine(_mediaRoot, deleted.StorageKey)));
    }

    private sealed record Slots(List<VideoAsset> Replaced, List<VideoAsset> Current);

    /// <summary>Two replaced and one deleted version, and two current ones, across two content items.</summary>
    private async Task<Slots> SlotsWithHistoryAsync()
    {
        var member = await Seed.MemberAsync();
        var first = await Seed.ContentAsync(member.BusinessId);
        var second = await Seed.ContentAsync(member.BusinessId);
        var v1 = await Seed.VideoAsync(first, VideoSlot.Long, Fixtures.SampleMp4);
        var v2 = await Seed.VideoAsync(first, VideoSlot.Long, Fixtures.SampleMp4);
        var v3 = await Seed.VideoAsync(first, VideoSlot.Long, Fixtures.SampleMp4);
        var s1 = await Seed.VideoAsync(first, VideoSlot.Short, Fixtures.SampleMp4);
        await Seed.WithDbAsync(db => SlotVideos.DeleteAsync(db, first, VideoSlot.Short, CancellationToken.None));
        var y1 = await Seed.VideoAsync(second, VideoSlot.Long, Fixtures.SampleMp4);
        return new Slots([v1, v2, s1], [v3, y1]);
    }

    private async Task AssertRemovedExactlyAsync(Slots slots)
    {
        var rows = await Seed.WithDbAsync(db => db.VideoAssets.AsNoTracking().ToDictionaryAsync(a => a.Id));
        Assert.All(slots.Replaced, a => Assert.NotNull(rows[a.Id].RemovedAt));
        Assert.All(slots.Replaced, a => Assert.False(File.Exists(Path.Combine(_mediaRoot, a.StorageKey))));
        Assert.All(slots.Current, a => Assert.Null(rows[a.Id].RemovedAt));
        Assert.All(slots.Current, a => Assert.True(File.Exists(Path.Combine(_mediaRoot, a.StorageKey))));
        var events = await Seed.WithDbAsync(db => db.VideoEvents.Where(e => e.Kind == VideoEventLog.Remove).Select(e => e.AssetId).ToListAsync());
        Assert.Equal(slots.Replaced.Select(a => (Guid?)a.Id).Order(), events.Order());
    }

    private async Task<int> RunAsync(TimeProvider clock, HistoryOptions options)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var job = new VersionRetention(scope.ServiceProvider.GetRequiredService<StudioDb>(), scope.ServiceProvider.GetRequiredService<MediaStore>(),
            Options.Create(options), clock, NullLogger<VersionRetention>.Instance);
        return await job.RunAsync(CancellationToken.None);
    }
}
