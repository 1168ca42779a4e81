using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace VideoStudio.Web.Live;

/// <summary>
/// This process's fan-out of change notices to its open streams. A notice names a part, "&lt;topic&gt;:&lt;part&gt;" (such as a
/// content id and a slot), and the business it belongs to; it wakes only the streams that follow that business or that topic,
/// so a change in one business costs the streams of the others nothing. Which businesses a stream follows is its reader's
/// membership, which the stream reads and keeps up to date itself (<see cref="Follow"/>); whether it may show what it is woken
/// with stays its own decision. A notice about a reader (a user id) reaches only that reader's streams. Notices carry only ids;
/// streams re-read state. Each notice gets a process-wide version number, so streams share one read (and render) of a part
/// that started after the notice arrived instead of each doing it.
/// </summary>
public sealed class LiveHub : IDisposable
{
    private readonly LiveTopic _everyone = new(_ => { });
    /// <summary>Streams that do not know their businesses yet hear every notice, so none is lost before they follow any.</summary>
    private readonly LiveTopic _unsorted = new(_ => { });
    private readonly ConcurrentDictionary<string, LiveTopic> _readers = new();
    private readonly ConcurrentDictionary<Guid, LiveTopic> _topics = new();
    private readonly ConcurrentDictionary<Guid, LiveTopic> _businesses = new();
    private readonly ITimer _heartbeat;
    private long _version;

    public LiveHub(IOptions<LiveOptions> options, TimeProvider clock)
    {
        var interval = options.Value.HeartbeatInterval;
        _heartbeat = clock.CreateTimer(_ => _everyone.Heartbeat(), null, interval, interval);
    }

    public long Version => Interlocked.Read(ref _version);

    public int StreamCount => _everyone.Count;

    /// <summary>
    /// Subscribe before reading the current state, so a change between the read and the subscription is not lost. Until it
    /// follows its businesses the stream hears every notice. With a <paramref name="reader"/>, it also hears when that reader's
    /// access may have changed; with a <paramref name="topic"/>, every notice of that topic whatever its business (an item
    /// that moves to another business still reaches its open pages, which then say they may no longer show it).
    /// </summary>
    public LiveSubscription Subscribe(string? reader = null, Guid? topic = null)
    {
        var subscription = new LiveSubscription(_everyone);
        _everyone.Add(subscription);
        _unsorted.Add(subscription);
        subscription.Followed = [_unsorted];
        if (reader is not null)
        {
            subscription.Reader = Join(_readers, reader, subscription);
        }
        if (topic is { } id)
        {
            subscription.Topic = Join(_topics, id, subscription);
        }
        return subscription;
    }

    /// <summary>
    /// From now on the stream hears notices of these businesses (and of its topic) only. Called again when its reader's
    /// membership changes. It joins the new businesses before it leaves anything, and <see cref="Publish"/> reaches the
    /// unsorted streams before the businesses' ones, so a notice sent meanwhile reaches it at least once.
    /// </summary>
    public void Follow(LiveSubscription subscription, IEnumerable<Guid> businesses)
    {
        var joined = businesses.Distinct().Select(b => Join(_businesses, b, subscription)).ToArray();
        var left = subscription.Followed;
        subscription.Followed = joined;
        foreach (var topic in left.Except(joined))
        {
            topic.Remove(subscription);
        }
    }

    /// <summary>A change of <paramref name="part"/> of <paramref name="topicId"/>; without its business, every stream hears it.</summary>
    public void Publish(Guid topicId, string part, Guid? business = null)
    {
        var version = Interlocked.Increment(ref _version);
        var name = $"{topicId}:{part}";
        if (business is not { } owner)
        {
            _everyone.Notify(name, version);
            return;
        }
        _unsorted.Notify(name, version);
        if (_businesses.TryGetValue(owner, out var followers))
        {
            followers.Notify(name, version);
        }
        if (_topics.TryGetValue(topicId, out var watchers))
        {
            watchers.Notify(name, version);
        }
    }

    /// <summary>The reader's access may have changed: their streams ask again (a newer version, so none reuses an older answer).</summary>
    public void ReaderChanged(string reader)
    {
        var version = Interlocked.Increment(ref _version);
        if (_readers.TryGetValue(reader, out var topic))
        {
            topic.NotifyAccess(version);
        }
    }

    /// <summary>Every stream re-reads every part and re-checks its reader: for when notices may have been missed.</summary>
    public void PublishAll() => _everyone.NotifyAll(Interlocked.Increment(ref _version));

    public void Dispose() => _heartbeat.Dispose();

    /// <summary>A topic is forgotten with its last stream; one forgotten just as a stream joins is made again.</summary>
    private static LiveTopic Join<TKey>(ConcurrentDictionary<TKey, LiveTopic> topics, TKey key, LiveSubscription subscription) where TKey : notnull
    {
        while (true)
        {
            var topic = topics.GetOrAdd(key, k => new LiveTopic(t => topics.TryRemove(KeyValuePair.Create(k, t))));
            if (topic.TryAdd(subscription))
            {
                return topic;
            }
        }
    }
}

public sealed class LiveOptions
{
    /// <summary>Proxies and browsers drop a silent connection; 15 s keeps well inside the usual idle timeouts.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);
}
