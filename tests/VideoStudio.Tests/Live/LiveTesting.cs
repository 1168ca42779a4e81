using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using VideoStudio.Web.Live;

namespace VideoStudio.Tests.Live;

/// <summary>A hub on a clock the test moves, and waits that end a test that would otherwise hang.</summary>
internal static class LiveTesting
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    public static LiveHub NewHub(FakeTimeProvider? clock = null) =>
        new(Options.Create(new LiveOptions { HeartbeatInterval = HeartbeatInterval }), clock ?? new FakeTimeProvider());

    /// <summary>The stream's next change; a broken delivery fails the test instead of hanging it.</summary>
    public static async Task<LiveChange> NextAsync(this LiveSubscription subscription)
    {
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await subscription.NextAsync(giveUp.Token);
    }

    /// <summary>The stream's first change that matches, skipping others (such as other tests' notices on a shared database).</summary>
    public static async Task<LiveChange> NextWhenAsync(this LiveSubscription subscription, Func<LiveChange, bool> match)
    {
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var change = await subscription.NextAsync(giveUp.Token);
            if (match(change))
            {
                return change;
            }
        }
    }

    /// <summary>The listener's PostgreSQL backend once it listens: it connects in the background when the host starts, and a notice sent before that is not heard.</summary>
    public static async Task<int> ListeningBackendAsync(this ChangeListener listener)
    {
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (listener.BackendProcessId is null)
        {
            await Task.Delay(50, giveUp.Token);
        }
        return listener.BackendProcessId.Value;
    }
}
