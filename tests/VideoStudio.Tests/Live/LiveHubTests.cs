using Microsoft.Extensions.Time.Testing;
using VideoStudio.Web.Live;
using static VideoStudio.Tests.Live.LiveTesting;

namespace VideoStudio.Tests.Live;

/// <summary>The process's fan-out of change notices: heartbeats, and streams coming and going while notices arrive.</summary>
public class LiveHubTests
{
    [Fact]
    public async Task A_quiet_stream_gets_a_heartbeat_each_interval_and_nothing_before()
    {
        var clock = new FakeTimeProvider();
        using var hub = NewHub(clock);
        using var stream = hub.Subscribe();

        var next = stream.NextAsync();
        clock.Advance(HeartbeatInterval - TimeSpan.FromTicks(1));
        Assert.False(next.IsCompleted);
        clock.Advance(TimeSpan.FromTicks(1));
        var beat = await next;

        Assert.True(beat.Heartbeat);
        Assert.Empty(beat.Parts);
        Assert.False(beat.All);
        next = stream.NextAsync();
        clock.Advance(HeartbeatInterval);
        Assert.True((await next).Heartbeat);
    }

    [Fact]
    public async Task A_heartbeat_reaches_every_stream_and_folds_with_a_waiting_change()
    {
        var clock = new FakeTimeProvider();
        using var hub = NewHub(clock);
        var busy = Guid.NewGuid();
        using var busyStream = hub.Subscribe("reader-1");
        using var quietStream = hub.Subscribe();

        hub.Publish(busy, "long");
        await quietStream.NextAsync();
        clock.Advance(HeartbeatInterval);

        var change = await busyStream.NextAsync();
        Assert.True(change.Heartbeat);
        Assert.Equal([$"{busy}:long"], change.Parts);
        var quiet = await quietStream.NextAsync();
        Assert.True(quiet.Heartbeat);
        Assert.Empty(quiet.Parts);
    }

    [Fact]
    public void Every_notice_gets_a_newer_version_whether_or_not_a_stream_listens()
    {
        using var hub = NewHub();
        var before = hub.Version;

        hub.Publish(Guid.NewGuid(), "long");
        hub.ReaderChanged("nobody listening");
        hub.PublishAll();

        Assert.Equal(before + 3, hub.Version);
    }

    [Fact]
    public async Task Streams_that_end_while_notices_pour_in_leave_nothing_behind_and_their_reader_can_be_followed_again()
    {
        using var hub = NewHub();
        var topic = Guid.NewGuid();
        var streams = Enumerable.Range(0, 200).Select(i => hub.Subscribe($"reader-{i % 3}")).ToList();
        using var stopPublishing = new CancellationTokenSource();
        var publisher = Task.Run(() =>
        {
            while (!stopPublishing.IsCancellationRequested)
            {
                hub.Publish(topic, "long");
                hub.ReaderChanged("reader-1");
                hub.PublishAll();
            }
        });

        await Parallel.ForEachAsync(streams, async (stream, _) =>
        {
            await stream.NextAsync();
            stream.Dispose();
        });
        await stopPublishing.CancelAsync();
        await publisher;

        Assert.Equal(0, hub.StreamCount);
        using var again = hub.Subscribe("reader-1");
        hub.ReaderChanged("reader-1");
        Assert.True((await again.NextAsync()).Access);
    }

    [Fact]
    public async Task A_stream_that_follows_its_businesses_is_not_woken_by_a_change_in_another_business()
    {
        using var hub = NewHub();
        var ours = Guid.NewGuid();
        var theirs = Guid.NewGuid();
        using var stream = hub.Subscribe("reader-1");
        hub.Follow(stream, [ours]);
        var theirItem = Guid.NewGuid();
        var ourItem = Guid.NewGuid();

        hub.Publish(theirItem, "long", theirs);
        hub.Publish(ourItem, "short", ours);

        // Woken by the other business's change, the stream would hold it (alone, or folded with ours).
        Assert.Equal([$"{ourItem}:short"], (await stream.NextAsync()).Parts);
    }

    [Fact]
    public async Task A_stream_hears_every_notice_until_it_follows_its_businesses_so_none_sent_while_it_reads_them_is_lost()
    {
        using var hub = NewHub();
        var business = Guid.NewGuid();
        var item = Guid.NewGuid();
        using var stream = hub.Subscribe("reader-1");

        hub.Publish(item, "long", business);
        hub.Follow(stream, [Guid.NewGuid()]);

        Assert.Equal([$"{item}:long"], (await stream.NextAsync()).Parts);
    }

    [Fact]
    public async Task A_stream_of_an_item_hears_that_item_in_any_business_and_other_items_only_of_its_businesses()
    {
        using var hub = NewHub();
        var ours = Guid.NewGuid();
        var item = Guid.NewGuid();
        using var stream = hub.Subscribe("reader-1", item);
        hub.Follow(stream, [ours]);

        // The item moved to a business the reader is not in: its page must still hear it, to say it can no longer show it.
        hub.Publish(item, "long", Guid.NewGuid());
        Assert.Equal([$"{item}:long"], (await stream.NextAsync()).Parts);
        hub.Publish(Guid.NewGuid(), "long", Guid.NewGuid());
        hub.Publish(item, "short", Guid.NewGuid());
        Assert.Equal([$"{item}:short"], (await stream.NextAsync()).Parts);
    }

    [Fact]
    public async Task A_stream_that_follows_other_businesses_after_a_membership_change_hears_only_those()
    {
        using var hub = NewHub();
        var left = Guid.NewGuid();
        var joined = Guid.NewGuid();
        var kept = Guid.NewGuid();
        using var stream = hub.Subscribe("reader-1");
        hub.Follow(stream, [left, kept]);

        hub.Follow(stream, [kept, joined]);
        var leftItem = Guid.NewGuid();
        var keptItem = Guid.NewGuid();
        var joinedItem = Guid.NewGuid();
        hub.Publish(leftItem, "long", left);
        hub.Publish(keptItem, "long", kept);
        hub.Publish(joinedItem, "long", joined);

        Assert.Equal(new[] { $"{keptItem}:long", $"{joinedItem}:long" }.Order(), (await stream.NextAsync()).Parts.Order());
    }

    [Fact]
    public async Task A_notice_that_names_no_business_reaches_every_stream()
    {
        using var hub = NewHub();
        using var stream = hub.Subscribe("reader-1");
        hub.Follow(stream, [Guid.NewGuid()]);
        var item = Guid.NewGuid();

        hub.Publish(item, "short");

        Assert.Equal([$"{item}:short"], (await stream.NextAsync()).Parts);
    }

    [Fact]
    public async Task A_stream_of_an_item_in_a_business_it_follows_is_handed_each_notice_once()
    {
        using var hub = NewHub();
        var business = Guid.NewGuid();
        var item = Guid.NewGuid();
        var streams = Enumerable.Range(0, 500).Select(_ => hub.Subscribe("reader-1", item)).ToList();
        foreach (var stream in streams)
        {
            hub.Follow(stream, [business]);
        }
        const int notices = 1000;
        var last = hub.Version + notices;
        // Streams take their changes while the notices reach them through both their business and their item, as a
        // process's streams do; each one handed twice would send its card twice.
        var taken = streams.Select(stream => Task.Run(async () =>
        {
            var versions = new List<long>();
            while (versions.LastOrDefault() < last)
            {
                versions.Add((await stream.NextAsync()).Version);
            }
            return versions;
        })).ToList();
        for (var i = 0; i < notices; i++)
        {
            hub.Publish(item, "long", business);
        }

        foreach (var versions in await Task.WhenAll(taken))
        {
            Assert.Equal(versions.Distinct().Count(), versions.Count);
        }
        foreach (var stream in streams)
        {
            stream.Dispose();
        }
    }
}
