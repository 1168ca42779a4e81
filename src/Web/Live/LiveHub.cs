using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace VideoStudio.Web.Live;

/// <summary>
/// This process's fan-out of change notices to its open streams, per topic (an id such as a content id) and part (such as a slot).
/// Notices carry only ids; every stream re-reads state. Each notice gets a process-wide version number, so the streams of a
/// topic can share one read of a part that started after the notice arrived instead of each querying the database.
/// </summary>
public sealed class LiveHub : IDisposable
{
    private readonly ConcurrentDictionary<Guid, LiveTopic> _topics = new();
    private readonly ITimer _heartbeat;
    private long _version;

    public LiveHub(IOptions<LiveOptions> options, TimeProvider clock)
    {
        var interval = options.Value.HeartbeatInterval;
        _heartbeat = clock.CreateTimer(_ => Heartbeat(), null, interval, interval);
    }

    /// <summary>The topic that hears every notice, each named "&lt;topic&gt;:&lt;part&gt;": for streams that watch more than one item.</summary>
    public static readonly Guid Everything = Guid.Empty;

    public long Version => Interlocked.Read(ref _version);

    public int StreamCount => _topics.Values.Sum(t => t.Count);

    /// <summary>Subscribe before reading the current state, so a change between the read and the subscription is not lost.</summary>
    public LiveSubscription Subscribe(Guid topicId)
    {
        while (true)
        {
            var topic = _topics.GetOrAdd(topicId, id => new LiveTopic(id, this));
            if (topic.TryAdd() is { } subscription)
            {
                return subscription;
            }
        }
    }

    public void Publish(Guid topicId, string part)
    {
        var version = Interlocked.Increment(ref _version);
        if (_topics.TryGetValue(topicId, out var topic))
        {
            topic.Notify(part, version);
        }
        if (_topics.TryGetValue(Everything, out var everything))
        {
            everything.Notify($"{topicId}:{part}", version);
        }
    }

    /// <summary>Every stream re-reads every part: for when notices may have been missed.</summary>
    public void PublishAll()
    {
        var version = Interlocked.Increment(ref _version);
        foreach (var topic in _topics.Values)
        {
            topic.Notify(null, version);
        }
    }

    private void Heartbeat()
    {
        foreach (var topic in _topics.Values)
        {
            topic.Heartbeat();
        }
    }

    internal void Forget(LiveTopic topic) => _topics.TryRemove(KeyValuePair.Create(topic.Id, topic));

    public void Dispose() => _heartbeat.Dispose();
}

public sealed class LiveOptions
{
    /// <summary>Proxies and browsers drop a silent connection; 15 s keeps well inside the usual idle timeouts.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How soon an open stream notices that its reader lost access (LiveAccess): one small query per stream each time.</summary>
    public TimeSpan AccessCheckInterval { get; set; } = TimeSpan.FromSeconds(5);
}
