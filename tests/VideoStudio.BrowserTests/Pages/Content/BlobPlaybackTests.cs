using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using VideoStudio.BrowserTests.Infrastructure;
using VideoStudio.Core;
using VideoStudio.Core.Media;

namespace VideoStudio.BrowserTests.Pages.Content;

/// <summary>
/// Videos kept in object storage, as Chromium plays them: the app sends the player to a read-only link of the blob (Azurite
/// here), the page's policy lets it load from there, and a reload takes the video from the browser's cache.
/// </summary>
[Collection(BlobBrowserCollection.Name)]
public class BlobPlaybackTests(BlobBrowserApp app, ITestOutputHelper output) : BrowserTest(app)
{
    [Fact]
    public async Task A_video_in_object_storage_plays_seeks_and_comes_from_the_browser_cache_on_reload()
    {
        var store = App.Services.GetRequiredService<MediaStore>().PlaybackOrigin!;
        var editor = await App.CreateEditorAsync();
        var id = await editor.CreateContentAsync("From the store");
        var url = await editor.AttachVideoAsync(id, VideoSlot.Long);
        var page = await SignInAsync(editor);
        var traffic = await VideoTraffic.RecordAsync(page, store);
        var video = Card(page, "Long Social Video").Locator("video");

        await page.GotoAsync($"/content/{id}");
        await Player.AssertPlaysAsync(video);
        await video.EvaluateAsync("v => { v.pause(); v.currentTime = v.duration * 0.75; }");
        await page.WaitForFunctionAsync("v => !v.seeking && v.readyState >= 2 && v.currentTime >= v.duration * 0.7", await video.ElementHandleAsync());
        await PlayThroughAsync(video);
        output.WriteLine($"First visit: {traffic.BytesFromNetwork(store)} B of video from the store ({traffic}).");
        Assert.Equal(url, await video.GetAttributeAsync("src"));
        Assert.True(traffic.BytesFromNetwork(store) > 0, $"The video never came from the store: {traffic}.");

        traffic.Clear();
        await page.ReloadAsync();
        await PlayThroughAsync(video);
        output.WriteLine($"Reload: {traffic.BytesFromNetwork(store)} B of video from the store ({traffic}).");
        Assert.True(traffic.BytesFromNetwork(store) == 0, $"Reloading fetched the video from the store again: {traffic}.");
        Assert.True(traffic.ServedFromCache(store) >= 1, $"The reloaded page did not take the video from the cache: {traffic}.");
    }

    private static async Task PlayThroughAsync(ILocator video)
    {
        await video.EvaluateAsync("v => { v.muted = true; v.playbackRate = 4; return v.play(); }");
        await video.Page.WaitForFunctionAsync("v => v.ended", await video.ElementHandleAsync());
        await video.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }
}
