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
}
