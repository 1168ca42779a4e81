namespace VideoStudio.Web.Live;

/// <summary>
/// A stream can outlive the right to read it: a member removed, a session signed out, a site admin demoted. The watch asks
/// again every few seconds and cancels the stream when the answer turns to no; the browser's reconnect then meets a 404.
/// Disposing the watch (when the stream ends for any reason) stops it.
/// </summary>
public sealed class LiveAccess : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private LiveAccess(Func<CancellationToken, Task<bool>> stillAllowed, TimeSpan interval, CancellationTokenSource stream, ILogger logger) =>
        _loop = WatchAsync(stillAllowed, interval, stream, logger);

    public static LiveAccess Watch(Func<CancellationToken, Task<bool>> stillAllowed, TimeSpan interval, CancellationTokenSource stream, ILogger logger) =>
        new(stillAllowed, interval, stream, logger);

    private async Task WatchAsync(Func<CancellationToken, Task<bool>> stillAllowed, TimeSpan interval, CancellationTokenSource stream, ILogger logger)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _stop.Token);
                if (!await stillAllowed(_stop.Token))
                {
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
