namespace VideoStudio.Web.Live;

/// <summary>
/// One stream's view of the hub. Notices that arrive while the stream is busy are folded together, so a slow stream catches up
/// with the latest state instead of replaying every step, and nothing queues without bound. Kept small: a process holds
/// thousands of these, each waiting.
/// </summary>
public sealed class LiveSubscription : IDisposable
{
    private readonly LiveTopic _everyone;
    private readonly Lock _gate = new();
    private HashSet<string>? _parts;
    private bool _all;
    private bool _access;
    private bool _heartbeat;
    private long _version;
    private long _noticed;
    private TaskCompletionSource? _waiting;

    internal LiveSubscription(LiveTopic everyone) => _everyone = everyone;

    /// <summary>The topic of this stream's reader, when it has one.</summary>
    internal LiveTopic? Reader { get; set; }

    /// <summary>The topic this stream shows (such as its content item), when it has one.</summary>
    internal LiveTopic? Topic { get; set; }

    /// <summary>The businesses this stream follows, or, until it knows them, the streams that hear every notice.</summary>
    internal LiveTopic[] Followed { get; set; } = [];

    /// <summary>Waits for the next change or heartbeat; throws OperationCanceledException when <paramref name="ct"/> fires.</summary>
    public async ValueTask<LiveChange> NextAsync(CancellationToken ct)
    {
        while (true)
        {
            Task wake;
            lock (_gate)
            {
                if (_parts is { Count: > 0 } || _all || _access || _heartbeat)
                {
                    var change = new LiveChange(_parts is { Count: > 0 } ? [.. _parts] : [], _all, _access, _heartbeat, _version);
                    _parts?.Clear();
                    _all = _access = _heartbeat = false;
                    return change;
                }
                _waiting ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wake = _waiting.Task;
            }
            await wake.WaitAsync(ct);
        }
    }

    /// <summary>
    /// The state of a part as of <paramref name="version"/> or later, read once for all streams:
    /// a read started after the notice with that version arrived already sees its change.
    /// </summary>
    public Task<T> ReadAsync<T>(string part, long version, Func<Task<T>> read) => _everyone.ReadAsync(part, version, read);

    /// <summary>
    /// One notice reaches a stream through each topic it is in (its business and its item): the stream may take the first
    /// before the second arrives, and would then send the same part again.
    /// </summary>
    internal void Notify(string part, long version)
    {
        lock (_gate)
        {
            if (version == _noticed)
            {
                return;
            }
            _noticed = version;
            (_parts ??= []).Add(part);
            _version = Math.Max(_version, version);
        }
        Wake();
    }

    internal void NotifyAccess(long version)
    {
        lock (_gate)
        {
            _access = true;
            _version = Math.Max(_version, version);
        }
        Wake();
    }

    internal void NotifyAll(long version)
    {
        lock (_gate)
        {
            _all = _access = true;
            _version = Math.Max(_version, version);
        }
        Wake();
    }

    internal void Heartbeat()
    {
        lock (_gate)
        {
            _heartbeat = true;
        }
        Wake();
    }

    private void Wake()
    {
        TaskCompletionSource? waiting;
        lock (_gate)
        {
            waiting = _waiting;
            _waiting = null;
        }
        waiting?.TrySetResult();
    }

    public void Dispose()
    {
        _everyone.Remove(this);
        Reader?.Remove(this);
        Topic?.Remove(this);
        foreach (var followed in Followed)
        {
            followed.Remove(this);
        }
    }
}

/// <param name="Parts">The parts that changed, each "&lt;topic&gt;:&lt;part&gt;".</param>
/// <param name="All">Every part may have changed (notices may have been missed).</param>
/// <param name="Access">The reader's access may have changed: ask again whether the stream may go on.</param>
/// <param name="Heartbeat">Time to show the connection is alive.</param>
/// <param name="Version">Read state at this version or later.</param>
public sealed record LiveChange(IReadOnlyCollection<string> Parts, bool All, bool Access, bool Heartbeat, long Version)
{
    public bool Touches(string part) => All || Parts.Contains(part);
}
