namespace VideoStudio.BrowserTests.Infrastructure;

/// <summary>Real time plus an offset that only moves forward: the simulated HeyGen's clock, moved on to finish its renders.</summary>
public sealed class RenderClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
