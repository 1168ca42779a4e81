using VideoStudio.Web.Live;
using static VideoStudio.Tests.Live.LiveTesting;

namespace VideoStudio.Tests.Live;

/// <summary>One stream's view of the hub: what it is woken with, and the reads it shares with the other streams.</summary>
public sealed class LiveSubscriptionTests : IDisposable
{
    private readonly Guid _topic = Guid.NewGuid();
    private readonly LiveHub _hub = NewHub();
    private readonly LiveSubscription _stream;

    public LiveSubscriptionTests() => _stream = _hub.Subscribe(Reader);

    private const string Reader = "reader-1";
    private string Long => $"{_topic}:long";
    private string Short => $"{_topic}:short";

    public void Dispose()
    {
        _stream.Dispose();
        _hub.Dispose();
    }

    [Fact]
    public async Task Changes_that_arrive_while_a_stream_is_busy_fold_into_one_with_the_latest_version()
    {

        _hub.Publish(_topic, "long");
        _hub.Publish(_topic, "short");
        _hub.Publish(_topic, "long");
        var change = await _stream.NextAsync();

        Assert.Equal([Long, Short], change.Parts.Order());
        Assert.False(change.All);
        Assert.False(change.Access);
        Assert.False(change.Heartbeat);
        Assert.Equal(_hub.Version, change.Version);
    }

    [Fact]
    public async Task After_a_change_the_stream_waits_for_the_next_notice_and_sees_only_that()
    {
        _hub.Publish(_topic, "long");
        _hub.Publish(_topic, "long");
        await _stream.NextAsync();

        var next = _stream.NextAsync();
        Assert.False(next.IsCompleted);
        var other = Guid.NewGuid();
        _hub.Publish(other, "short");

        Assert.Equal([$"{other}:short"], (await next).Parts);
    }

    [Fact]
    public async Task An_access_notice_reaches_only_the_streams_of_its_reader_and_folds_with_changes()
    {
        using var otherReader = _hub.Subscribe("reader-2");
        using var anonymous = _hub.Subscribe();

        _hub.ReaderChanged(Reader);
        _hub.Publish(_topic, "long");

        var change = await _stream.NextAsync();
        Assert.True(change.Access);
        Assert.Equal([Long], change.Parts);
        Assert.Equal(_hub.Version, change.Version);
        Assert.False((await otherReader.NextAsync()).Access);
        Assert.False((await anonymous.NextAsync()).Access);
    }

    [Fact]
    public async Task A_notice_for_everything_touches_every_part_of_every_stream()
    {
        using var other = _hub.Subscribe();

        _hub.PublishAll();

        foreach (var change in new[] { await _stream.NextAsync(), await other.NextAsync() })
        {
            Assert.True(change.All);
            Assert.True(change.Access);
            Assert.True(change.Touches(Long));
            Assert.True(change.Touches(Short));
        }
    }

    [Fact]
    public async Task A_wait_ends_with_OperationCanceledException_when_the_stream_is_cancelled()
    {
        using var cancel = new CancellationTokenSource();

        var next = _stream.NextAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
    }

    [Fact]
    public async Task Streams_share_one_read_of_a_part_for_the_same_notice()
    {
        using var second = _hub.Subscribe();
        _hub.Publish(_topic, "long");
        var version = (await _stream.NextAsync()).Version;
        Assert.Equal(version, (await second.NextAsync()).Version);
        var reads = new ReadCounter();

        var firstCard = _stream.ReadAsync(Long, version, reads.ReadAsync);
        var secondCard = second.ReadAsync(Long, version, reads.ReadAsync);
        reads.Finish("card at version " + version);

        Assert.Equal("card at version " + version, await firstCard);
        Assert.Equal("card at version " + version, await secondCard);
        Assert.Equal(1, reads.Count);
    }

    [Fact]
    public async Task A_read_started_before_a_newer_notice_is_not_shared_with_a_stream_woken_by_it()
    {
        using var second = _hub.Subscribe();
        _hub.Publish(_topic, "long");
        var older = (await _stream.NextAsync()).Version;
        var staleReads = new ReadCounter();
        var stale = _stream.ReadAsync(Long, older, staleReads.ReadAsync);

        _hub.Publish(_topic, "long");
        var newer = (await second.NextAsync()).Version;
        var freshReads = new ReadCounter();
        var fresh = second.ReadAsync(Long, newer, freshReads.ReadAsync);
        staleReads.Finish("before");
        freshReads.Finish("after");

        Assert.Equal("before", await stale);
        Assert.Equal("after", await fresh);
        Assert.Equal(1, freshReads.Count);
    }

    [Fact]
    public async Task Each_part_is_read_on_its_own()
    {
        _hub.Publish(_topic, "long");
        _hub.Publish(_topic, "short");
        var version = (await _stream.NextAsync()).Version;
        var longReads = new ReadCounter();
        var shortReads = new ReadCounter();

        var longCard = _stream.ReadAsync(Long, version, longReads.ReadAsync);
        var shortCard = _stream.ReadAsync(Short, version, shortReads.ReadAsync);
        longReads.Finish("long card");
        shortReads.Finish("short card");

        Assert.Equal("long card", await longCard);
        Assert.Equal("short card", await shortCard);
    }

    [Fact]
    public async Task A_failed_read_is_not_handed_to_the_next_stream()
    {
        using var second = _hub.Subscribe();
        _hub.Publish(_topic, "long");
        var version = (await _stream.NextAsync()).Version;

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _stream.ReadAsync<string>(Long, version, () => throw new InvalidOperationException("database down")));
        var retried = await second.ReadAsync(Long, version, () => Task.FromResult("card"));

        Assert.Equal("card", retried);
    }

    /// <summary>A read that finishes when the test says so, counting how often it was started.</summary>
    private sealed class ReadCounter
    {
        private readonly TaskCompletionSource<string> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Task<string> ReadAsync()
        {
            Interlocked.Increment(ref _count);
            return _result.Task;
        }

        public void Finish(string card) => _result.SetResult(card);
    }
}
