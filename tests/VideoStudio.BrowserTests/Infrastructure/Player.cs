namespace VideoStudio.BrowserTests.Infrastructure;

public static class Player
{
    /// <summary>The video loads and plays: data for the current frame (readyState ≥ 2), a duration, and time moving forward.</summary>
    public static async Task AssertPlaysAsync(ILocator video)
    {
        // Muted so the browser's autoplay policy allows play() without a gesture.
        await video.EvaluateAsync("v => { v.muted = true; return v.play(); }");
        var handle = await video.ElementHandleAsync();
        await video.Page.WaitForFunctionAsync("v => v.readyState >= 2 && v.duration > 0 && v.currentTime > 0", handle);
        var state = await video.EvaluateAsync<double[]>("v => [v.readyState, v.duration, v.currentTime]");
        Assert.True(state[0] >= 2 && state[1] > 0, $"The video did not play: readyState {state[0]}, duration {state[1]}.");
    }
}
