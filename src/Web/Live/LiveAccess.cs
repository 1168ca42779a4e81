namespace VideoStudio.Web.Live;

/// <summary>Why a stream may not go on: its session ended, or its reader may no longer see what it shows.</summary>
public enum LiveRefusal { SignedOut, NoAccess }

/// <summary>
/// A stream can outlive the right to read it: a member removed, a session signed out, a site admin demoted. The watch asks
/// again every few seconds and, when the answer turns to a refusal, records it in <see cref="Refused"/> and cancels the
/// stream, which then tells the page why before it ends. Disposing the watch (when the stream ends for any reason) stops it.
/// </summary>
public sealed class LiveAccess : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private LiveAccess(Func<CancellationToken, Task<LiveRefusal?>> refusal, TimeSpan interval, CancellationTokenSource stream, ILogger logger) =>
        _loop = WatchAsync(refusal, interval, stream, logger);

    public static LiveAccess Watch(Func<CancellationToken, Task<LiveRefusal?>> refusal, TimeSpan interval, CancellationTokenSource stream, ILogger logger) =>
        new(refusal, interval, stream, logger);

    /// <summary>Set once the stream was cancelled because its reader lost the right to it.</summary>
    public LiveRefusal? Refused { get; private set; }

    private async Task WatchAsync(Func<CancellationToken, Task<LiveRefusal?>> refusal, TimeSpan interval, CancellationTokenSource stream, ILogger logger)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _stop.Token);
                if (await refusal(_stop.Token) is { } refused)
                {
                    Refused = refused;
                    await stream.CancelAsync();
                    return;
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A database that is away for a moment is no reason to cut every stream; the next round asks again.
                logger.LogWarning(e, "Could not check whether a live stream may continue");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
