using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace VideoStudio.Web.Live;

/// <summary>
/// This process's fan-out of change notices to its open streams. Every stream hears every notice, named
/// "&lt;topic&gt;:&lt;part&gt;" (such as a content id and a slot), and picks what concerns it; a notice about a reader (a user id)
/// reaches only that reader's streams. Notices carry only ids; streams re-read state. Each notice gets a process-wide version
/// number, so streams share one read (and render) of a part that started after the notice arrived instead of each doing it.
/// </summary>
public sealed class LiveHub : IDisposable
{
    private readonly LiveTopic _everyone;
    private readonly ConcurrentDictionary<string, LiveTopic> _readers = new();
    private readonly ITimer _heartbeat;
    private long _version;

    public LiveHub(IOptions<LiveOptions> options, TimeProvider clock)
    {
        _everyone = new LiveTopic(_ => { });
        var interval = options.Value.HeartbeatInterval;
        _heartbeat = clock.CreateTimer(_ => _everyone.Heartbeat(), null, interval, interval);
    }

    public long Version => Interlocked.Read(ref _version);

    public int StreamCount => _everyone.Count;

    /// <summary>
    /// Subscribe before reading the current state, so a change between the read and the subscription is not lost.
    /// With a <paramref name="reader"/>, the stream also hears when that reader's access may have changed.
    /// </summary>
    public LiveSubscription Subscribe(string? reader = null)
    {
        var subscription = new LiveSubscription(_everyone);
        _everyone.Add(subscription);
        while (reader is not null)
        {
            var topic = _readers.GetOrAdd(reader, key => new LiveTopic(t => _readers.TryRemove(KeyValuePair.Create(key, t))));
            if (topic.TryAdd(subscription))
            {
                subscription.Reader = topic;
                break;
            }
        }
        return subscription;
    }

    public void Publish(Guid topicId, string part) => _everyone.Notify($"{topicId}:{part}", Interlocked.Increment(ref _version));

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
}

public sealed class LiveOptions
{
    /// <summary>Proxies and browsers drop a silent connection; 15 s keeps well inside the usual idle timeouts.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);
}
