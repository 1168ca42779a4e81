namespace VideoStudio.Web.Live;

/// <summary>The streams of one topic and their shared reads. Removed from the hub with its last stream.</summary>
internal sealed class LiveTopic(Guid id, LiveHub hub)
{
    private readonly Lock _gate = new();
    private readonly HashSet<LiveSubscription> _subscriptions = [];
    private readonly Dictionary<string, (long Version, Task Read)> _reads = [];
    private bool _forgotten;

    public Guid Id => id;

    public int Count
    {
        get { lock (_gate) return _subscriptions.Count; }
    }

    public LiveSubscription? TryAdd()
    {
        lock (_gate)
        {
            if (_forgotten)
            {
                return null;
            }
            var subscription = new LiveSubscription(this);
            _subscriptions.Add(subscription);
            return subscription;
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
        hub.Forget(this);
    }

    public void Notify(string? part, long version)
    {
        lock (_gate)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Notify(part, version);
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
            _reads[part] = (version, started);
            return started;
        }
    }
}
