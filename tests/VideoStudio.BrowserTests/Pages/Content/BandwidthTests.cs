using Xunit.Abstractions;
using VideoStudio.BrowserTests.Infrastructure;
using VideoStudio.Core;
using static Microsoft.Playwright.Assertions;

namespace VideoStudio.BrowserTests.Pages.Content;

/// <summary>The spec's Phase 8: a video crosses the network once per asset; the URL changes only when the video does.</summary>
public class BandwidthTests(BrowserApp app, ITestOutputHelper output) : BrowserTest(app)
{
    // Response headers of one media request; anything above the file size plus this means the file came twice.
    private const long HeaderAllowance = 2_048;

    [Fact]
    public async Task Reloading_the_content_page_takes_the_videos_from_the_browser_cache_and_Upload_New_fetches_the_new_one_once()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync();
        var id = await editor.CreateContentAsync("Bandwidth");
        var oldUrl = await editor.AttachVideoAsync(id, VideoSlot.Long);
        var page = await SignInAsync(editor);
        var traffic = await VideoTraffic.RecordAsync(page);
        var card = Card(page, "Long Social Video");

        await page.GotoAsync($"/content/{id}");
        await PlayThroughAsync(card.Locator("video"));
        Assert.True(traffic.FetchesFromNetwork(oldUrl) >= 1, $"The first visit never fetched the video: {traffic}.");
        output.WriteLine($"First visit: {traffic.BytesFromNetwork()} B of video from the network ({traffic}).");

        traffic.Clear();
        await page.ReloadAsync();
        await PlayThroughAsync(card.Locator("video"));
        output.WriteLine($"Reload: {traffic.BytesFromNetwork()} B of video from the network ({traffic}).");
        Assert.True(traffic.BytesFromNetwork() == 0, $"Reloading transferred video bytes: {traffic}.");
        Assert.True(traffic.ServedFromCache(oldUrl) >= 1, $"The reloaded page did not ask the cache for the video: {traffic}.");

        traffic.Clear();
        await card.GetByRole(AriaRole.Button, new() { Name = "Upload New" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Upload Long Social Video" });
        await dialog.GetByLabel("Choose a video file").SetInputFilesAsync(Fixtures.SampleMp4);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        await Expect(card.Locator("video")).Not.ToHaveAttributeAsync("src", oldUrl);
        var newUrl = (await card.Locator("video").GetAttributeAsync("src"))!;
        await PlayThroughAsync(card.Locator("video"));

        var size = new FileInfo(Fixtures.SampleMp4).Length;
        output.WriteLine($"Upload New of a {size} B file: {traffic.BytesFromNetwork(newUrl)} B of the new video from the network ({traffic}).");
        Assert.True(traffic.FetchesFromNetwork(oldUrl) == 0, $"The replaced video was fetched again: {traffic}.");
        Assert.True(traffic.FetchesFromNetwork(newUrl) >= 1, $"The new video was never fetched: {traffic}.");
        Assert.True(traffic.BytesFromNetwork(newUrl) <= size + HeaderAllowance,
            $"The new {size} B video took {traffic.BytesFromNetwork(newUrl)} B, more than once its size: {traffic}.");
    }

    /// <summary>Plays to the end, so every byte the player wants has been asked for, then waits for the network to settle.</summary>
    private static async Task PlayThroughAsync(ILocator video)
    {
        await video.EvaluateAsync("v => { v.muted = true; v.playbackRate = 4; return v.play(); }");
        await video.Page.WaitForFunctionAsync("v => v.ended", await video.ElementHandleAsync());
        await video.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }
}
