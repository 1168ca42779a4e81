namespace VideoStudio.Web.Live;

/// <summary>
/// A stream can outlive the right to read it: a member removed, a session signed out, a site admin demoted. The watch asks
/// again every few seconds and ends the stream when the answer turns to no; the browser's reconnect then meets a 404.
/// </summary>
public static class LiveAccess
{
    public static async Task WatchAsync(Func<CancellationToken, Task<bool>> stillAllowed, TimeSpan interval, CancellationTokenSource end, ILogger logger)
    {
        var token = end.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, token);
                if (!await stillAllowed(token))
                {
                    await end.CancelAsync();
                    return;
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
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
}
