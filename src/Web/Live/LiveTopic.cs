namespace VideoStudio.Web.Live;

/// <summary>A set of streams (all of them, or one reader's) and the reads they share. A reader's is forgotten with its last stream.</summary>
internal sealed class LiveTopic(Action<LiveTopic> forget)
{
    private readonly Lock _gate = new();
    private readonly HashSet<LiveSubscription> _subscriptions = [];
    private readonly Dictionary<string, (long Version, Task Read, bool Aged)> _reads = [];
    private bool _forgotten;

    public int Count
    {
        get { lock (_gate) return _subscriptions.Count; }
    }

    public void Add(LiveSubscription subscription)
    {
        lock (_gate)
        {
            _subscriptions.Add(subscription);
        }
    }

    /// <summary>False when the topic was just forgotten: the caller makes a new one.</summary>
    public bool TryAdd(LiveSubscription subscription)
    {
        lock (_gate)
        {
            if (_forgotten)
            {
                return false;
            }
            _subscriptions.Add(subscription);
            return true;
        }
    }

    public void Remove(LiveSubscription subscription)
    {
        lock (_gate)
        {
            _subscriptions.Remove(subscription);
            if (_subscriptions.Count > 0)
            {
                return;
            }
            _forgotten = true;
        }
        forget(this);
    }

    public void Notify(string part, long version)
    {
        lock (_gate)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Notify(part, version);
            }
        }
    }

    public void NotifyAccess(long version)
    {
        lock (_gate)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.NotifyAccess(version);
            }
        }
    }

    public void NotifyAll(long version)
    {
        lock (_gate)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.NotifyAll(version);
            }
        }
    }

    public void Heartbeat()
    {
        lock (_gate)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Heartbeat();
            }
            // Shared reads join streams woken together (and streams that connect meanwhile): one finished before the last
            // heartbeat will hardly be asked for again, and keeping every part ever read would grow without end.
            foreach (var (part, shared) in _reads)
            {
                if (shared.Read.IsCompleted)
                {
                    if (shared.Aged)
                    {
                        _reads.Remove(part);
                    }
                    else
                    {
                        _reads[part] = shared with { Aged = true };
                    }
                }
            }
        }
    }

    public Task<T> ReadAsync<T>(string part, long version, Func<Task<T>> read)
    {
        lock (_gate)
        {
            if (_reads.TryGetValue(part, out var shared) && shared.Version >= version && !shared.Read.IsFaulted && !shared.Read.IsCanceled)
            {
                return (Task<T>)shared.Read;
            }
            var started = Task.Run(read);
            _reads[part] = (version, started, false);
            return started;
        }
    }
}
