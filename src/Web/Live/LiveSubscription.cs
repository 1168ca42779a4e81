using System.Threading.Channels;

namespace VideoStudio.Web.Live;

/// <summary>
/// One stream's view of its topic. Notices that arrive while the stream is busy are folded together, so a slow stream
/// catches up with the latest state instead of replaying every step, and nothing queues without bound.
/// </summary>
public sealed class LiveSubscription : IDisposable
{
    private readonly LiveTopic _topic;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Lock _gate = new();
    private readonly HashSet<string> _parts = [];
    private bool _all;
    private bool _heartbeat;
    private long _version;

    internal LiveSubscription(LiveTopic topic) => _topic = topic;

    /// <summary>Waits for the next change or heartbeat; throws OperationCanceledException when <paramref name="ct"/> fires.</summary>
    public async ValueTask<LiveChange> NextAsync(CancellationToken ct)
    {
        while (true)
        {
            await _wake.Reader.ReadAsync(ct);
            lock (_gate)
            {
                if (_parts.Count == 0 && !_all && !_heartbeat)
                {
                    continue;
                }
                var change = new LiveChange([.. _parts], _all, _heartbeat, _version);
                _parts.Clear();
                _all = false;
                _heartbeat = false;
                return change;
            }
        }
    }

    /// <summary>
    /// The state of a part as of <paramref name="version"/> or later, read once for all streams of the topic:
    /// a read started after the notice with that version arrived already sees its change.
    /// </summary>
    public Task<T> ReadAsync<T>(string part, long version, Func<Task<T>> read) => _topic.ReadAsync(part, version, read);

    internal void Notify(string? part, long version)
    {
        lock (_gate)
        {
            if (part is null)
            {
                _all = true;
            }
            else
            {
                _parts.Add(part);
            }
            _version = Math.Max(_version, version);
        }
        _wake.Writer.TryWrite(true);
    }

    internal void Heartbeat()
    {
        lock (_gate)
        {
            _heartbeat = true;
        }
        _wake.Writer.TryWrite(true);
    }

    public void Dispose() => _topic.Remove(this);
}

/// <param name="Parts">The parts that changed.</param>
/// <param name="All">Every part may have changed (notices may have been missed).</param>
/// <param name="Heartbeat">Time to show the connection is alive.</param>
/// <param name="Version">Read state at this version or later.</param>
public sealed record LiveChange(IReadOnlyCollection<string> Parts, bool All, bool Heartbeat, long Version)
{
    public bool Touches(string part) => All || Parts.Contains(part);
}
