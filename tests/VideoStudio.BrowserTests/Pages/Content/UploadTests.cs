using VideoStudio.BrowserTests.Infrastructure;
using VideoStudio.Core;
using static Microsoft.Playwright.Assertions;

namespace VideoStudio.BrowserTests.Pages.Content;

public class UploadTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public async Task An_editor_uploads_an_MP4_watching_the_progress_bar_then_it_plays_is_replaced_and_deleted()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync();
        var id = await editor.CreateContentAsync("Upload me");
        var page = await SignInAsync(editor);
        await page.GotoAsync($"/content/{id}");
        var card = Card(page, "Long Social Video");
        var progressValues = await WatchProgressAsync(page);

        await card.GetByRole(AriaRole.Button, new() { Name = "Upload Video" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Upload Long Social Video" });
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByLabel("Choose a video file").SetInputFilesAsync(Fixtures.SampleMp4);
        // Loopback is too fast to see a bar move: the browser sends the body at 12 kB/s, so the 35 kB file takes about 3 s.
        await using (await SlowUploadsAsync(page))
        {
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
            await Expect(dialog.GetByRole(AriaRole.Progressbar, new() { Name = "Upload progress" })).ToBeVisibleAsync();
            await Expect(dialog).ToBeHiddenAsync(new() { Timeout = 30_000 });
        }

        var seen = await progressValues();
        Assert.True(seen.Count(v => v is > 0 and < 100) >= 2, $"The progress bar did not move through intermediate values: {string.Join(", ", seen)}.");
        await Expect(card).ToHaveAttributeAsync("data-state", "video");
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Upload finished: Long Social Video");
        var video = card.Locator("video");
        await Player.AssertPlaysAsync(video);
        var firstUrl = await video.GetAttributeAsync("src");

        await card.GetByRole(AriaRole.Button, new() { Name = "Upload New" }).ClickAsync();
        await dialog.GetByLabel("Choose a video file").SetInputFilesAsync(Fixtures.SampleMp4);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync(new() { Timeout = 30_000 });
        await Expect(card.Locator("video")).Not.ToHaveAttributeAsync("src", firstUrl!);
        await Player.AssertPlaysAsync(card.Locator("video"));

        await card.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog, new() { Name = "Delete the Long Social Video?" });
        await Expect(confirm).ToBeVisibleAsync();
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Delete video" }).ClickAsync();

        await Expect(card).ToHaveAttributeAsync("data-state", "empty");
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Video deleted: Long Social Video");
        await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Upload Video" })).ToBeVisibleAsync();
        await Expect(card.Locator("video")).ToHaveCountAsync(0);
        Assert.Null(await editor.VideoUrlAsync(id, VideoSlot.Long));
    }

    [Fact]
    public async Task A_text_file_named_mp4_is_refused_in_the_open_dialog_with_the_reason_announced_and_the_reason_is_gone_on_the_next_opening()
    {
        var editor = await App.CreateEditorAsync();
        var id = await editor.CreateContentAsync("Not a video");
        var page = await SignInAsync(editor);
        await page.GotoAsync($"/content/{id}");
        var card = Card(page, "Long Social Video");
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Upload Long Social Video" });

        await card.GetByRole(AriaRole.Button, new() { Name = "Upload Video" }).ClickAsync();
        await dialog.GetByLabel("Choose a video file").SetInputFilesAsync(new FilePayload
        {
            Name = "notes.mp4",
            MimeType = "video/mp4",
            Buffer = "These are my notes, not a video."u8.ToArray(),
        });
        var answer = page.WaitForResponseAsync(r => r.Url.Contains("/uploads/") && r.Request.Method == "PATCH");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        Assert.Equal(422, (await answer).Status);

        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToHaveTextAsync("This file is not a video we can play. Upload an MP4, MOV or WebM file.");
        await Expect(card.Locator("video")).ToHaveCountAsync(0);

        await page.Keyboard.PressAsync("Escape");
        await card.GetByRole(AriaRole.Button, new() { Name = "Upload Video" }).ClickAsync();
        await Expect(dialog.Locator("[role=alert]")).ToBeEmptyAsync();
    }

    [Fact]
    public async Task Cancel_during_an_upload_closes_the_dialog_and_leaves_no_message_behind()
    {
        var editor = await App.CreateEditorAsync();
        var id = await editor.CreateContentAsync("Cancelled");
        var page = await SignInAsync(editor);
        await page.GotoAsync($"/content/{id}");
        var card = Card(page, "Short Social Video");
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Upload Short Social Video" });
        // The upload never gets an answer, so it is still running when the editor cancels.
        await page.RouteAsync("**/uploads/**", _ => Task.Delay(Timeout.Infinite));

        await card.GetByRole(AriaRole.Button, new() { Name = "Upload Video" }).ClickAsync();
        await dialog.GetByLabel("Choose a video file").SetInputFilesAsync(Fixtures.SampleMp4);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Progressbar, new() { Name = "Upload progress" })).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await Expect(dialog).ToBeHiddenAsync();
        await card.GetByRole(AriaRole.Button, new() { Name = "Upload Video" }).ClickAsync();
        await Expect(dialog.Locator("[role=alert]")).ToBeEmptyAsync();
        await Expect(card.Locator("video")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Cancel_in_the_delete_dialog_keeps_the_video()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync();
        var id = await editor.CreateContentAsync("Keep me");
        var url = await editor.AttachVideoAsync(id, VideoSlot.Short);
        var page = await SignInAsync(editor);
        await page.GotoAsync($"/content/{id}");
        var card = Card(page, "Short Social Video");

        await card.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog, new() { Name = "Delete the Short Social Video?" });
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await Expect(confirm).ToBeHiddenAsync();
        await Expect(card.Locator("video")).ToHaveAttributeAsync("src", url);
        Assert.Equal(url, await editor.VideoUrlAsync(id, VideoSlot.Short));
    }

    [Fact]
    public async Task The_open_upload_dialog_and_delete_dialog_pass_axe()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync();
        var id = await editor.CreateContentAsync("Dialogs");
        await editor.AttachVideoAsync(id, VideoSlot.Long);
        var page = await SignInAsync(editor, 375);
        await page.GotoAsync($"/content/{id}");
        var card = Card(page, "Long Social Video");

        await card.GetByRole(AriaRole.Button, new() { Name = "Upload New" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Choose a video file to upload." })).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(page, "the upload dialog with an error, 375 px");
        await Artifacts.ScreenshotAsync(page, "upload-dialog-375");
        await page.Keyboard.PressAsync("Escape");

        await card.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog, new() { Name = "Delete the Long Social Video?" })).ToBeVisibleAsync();
        await Accessibility.AssertNoViolationsAsync(page, "the delete dialog, 375 px");
        await Artifacts.ScreenshotAsync(page, "delete-dialog-375");
    }

    [Fact]
    public async Task A_connection_that_drops_midway_continues_by_itself_and_the_video_arrives()
    {
        var editor = await App.CreateEditorAsync();
        var id = await editor.CreateContentAsync("Hotel network");
        var page = await SignInAsync(editor, 375);
        await page.GotoAsync($"/content/{id}");
        var card = Card(page, "Long Social Video");
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Upload Long Social Video" });
        var chunks = new List<string>();
        page.Request += (_, r) => { if (r.Method == "PATCH") chunks.Add(r.Headers["upload-offset"]); };

        // The third chunk's request dies on the way, as on a network that drops, and the network stays away a while.
        await using var network = await NetworkAsync(page);
        var patches = 0;
        await page.RouteAsync("**/uploads/**", async route =>
        {
            if (route.Request.Method == "PATCH" && ++patches == 3)
            {
                await network.OfflineAsync();
                await route.AbortAsync("internetdisconnected");
                return;
            }
            await route.ContinueAsync();
        });

        await card.GetByRole(AriaRole.Button, new() { Name = "Upload Video" }).ClickAsync();
        await dialog.GetByLabel("Choose a video file").SetInputFilesAsync(Fixtures.SampleMp4);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        await Expect(dialog.GetByText("The connection dropped")).ToBeVisibleAsync();
        await Artifacts.ScreenshotAsync(page, "upload-dialog-dropped-375");
        await network.ThrottleAsync(-1);
        await Expect(dialog).ToBeHiddenAsync(new() { Timeout = 30_000 });

        await Expect(card).ToHaveAttributeAsync("data-state", "video");
        var stored = await (await page.APIRequest.GetAsync((await card.Locator("video").GetAttributeAsync("src"))!)).BodyAsync();
        Assert.True(File.ReadAllBytes(Fixtures.SampleMp4).AsSpan().SequenceEqual(stored), $"The stored video differs from the file sent ({stored.Length} bytes).");
        await Player.AssertPlaysAsync(card.Locator("video"));
        Assert.Equal(2L * BrowserApp.ChunkBytes, long.Parse(chunks[2]));
        Assert.Contains(chunks.Skip(3), offset => offset == chunks[2]);
    }

    [Fact]
    public async Task After_closing_the_tab_midway_the_same_file_chosen_again_continues_where_it_stopped()
    {
        var editor = await App.CreateEditorAsync();
        var id = await editor.CreateContentAsync("Closed laptop");
        var page = await SignInAsync(editor);
        await page.GotoAsync($"/content/{id}");
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Upload Short Social Video" });

        await Card(page, "Short Social Video").GetByRole(AriaRole.Button, new() { Name = "Upload Video" }).ClickAsync();
        await dialog.GetByLabel("Choose a video file").SetInputFilesAsync(Fixtures.SampleWebM);
        var network = await NetworkAsync(page);
        await network.ThrottleAsync(4_000);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#upload-dialog-short-progress').value >= 10");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await Expect(dialog.GetByText("Paused at")).ToBeVisibleAsync();
        await Artifacts.ScreenshotAsync(page, "upload-dialog-paused-1280");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#upload-dialog-short-progress').value >= 30");
        await Artifacts.ScreenshotAsync(page, "upload-dialog-progress-1280");
        // Closed while still slow: with the throttle lifted first, the rest of the small file could finish before the tab
        // is gone, and then there is nothing to continue. The throttle goes with the tab.
        var again = await page.Context.NewPageAsync();
        await page.CloseAsync();

        var sent = new List<(string Method, string? Offset)>();
        again.Request += (_, r) => { if (r.Url.Contains("/uploads")) sent.Add((r.Method, r.Headers.GetValueOrDefault("upload-offset"))); };
        await again.GotoAsync($"/content/{id}");
        var card = Card(again, "Short Social Video");
        var reopened = again.GetByRole(AriaRole.Dialog, new() { Name = "Upload Short Social Video" });
        await card.GetByRole(AriaRole.Button, new() { Name = "Upload Video" }).ClickAsync();
        await reopened.GetByLabel("Choose a video file").SetInputFilesAsync(Fixtures.SampleWebM);
        await reopened.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();

        await Expect(reopened).ToBeHiddenAsync(new() { Timeout = 30_000 });
        await Expect(card).ToHaveAttributeAsync("data-state", "video");
        Assert.DoesNotContain(sent, r => r.Method == "POST");
        Assert.True(long.Parse(sent.Last(r => r.Method == "PATCH").Offset!) > 0, $"The upload started again from zero: {string.Join(", ", sent)}.");
    }

    [Fact]
    public async Task A_portrait_video_for_the_long_slot_is_asked_about_and_used_anyway_the_card_remembers_the_choice()
    {
        var editor = await App.CreateEditorAsync();
        var id = await editor.CreateContentAsync("Wrong way round");
        var page = await SignInAsync(editor);
        await page.GotoAsync($"/content/{id}");
        var card = Card(page, "Long Social Video");
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Upload Long Social Video" });

        await card.GetByRole(AriaRole.Button, new() { Name = "Upload Video" }).ClickAsync();
        await dialog.GetByLabel("Choose a video file").SetInputFilesAsync(Fixtures.SampleWebM);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();

        // The whole file is probed and its poster cut before the question comes, which takes a while on a busy machine. It is
        // a question, not an error: focus goes to its first answer, which the question describes, and no alert is raised.
        var useAnyway = dialog.GetByRole(AriaRole.Button, new() { Name = "Use anyway" });
        await Expect(useAnyway).ToBeFocusedAsync(new() { Timeout = 30_000 });
        await Expect(useAnyway).ToHaveAccessibleDescriptionAsync(new System.Text.RegularExpressions.Regex(
            @"^This video is portrait \(360 × 640\) but the Long Social Video is landscape \(16:9\)"));
        await Expect(dialog.Locator("[role=alert]")).ToBeEmptyAsync();
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel upload" })).ToBeVisibleAsync();
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true })).ToBeHiddenAsync();
        await Expect(card.Locator("video")).ToHaveCountAsync(0);
        await Accessibility.AssertNoViolationsAsync(page, "the upload dialog asking about the shape");
        foreach (var width in (int[])[375, 1280])
        {
            await page.SetViewportSizeAsync(width, HeightFor(width));
            await Artifacts.ScreenshotAsync(page, $"upload-dialog-shape-{width}");
            await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
            await Accessibility.AssertNoViolationsAsync(page, $"the upload dialog asking about the shape, dark, {width} px");
            await Artifacts.ScreenshotAsync(page, $"upload-dialog-shape-{width}-dark");
            await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        }
        await useAnyway.ClickAsync();

        await Expect(dialog).ToBeHiddenAsync(new() { Timeout = 30_000 });
        await Expect(card).ToHaveAttributeAsync("data-state", "video");
        await Expect(card).ToContainTextAsync("This portrait video is shown in the 16:9 slot with bars");
        await page.ReloadAsync();
        await Expect(Card(page, "Long Social Video")).ToContainTextAsync("This portrait video is shown in the 16:9 slot with bars");
    }

    /// <summary>Records every value the upload progress bars show, as a person watching them would see it.</summary>
    private static async Task<Func<Task<double[]>>> WatchProgressAsync(IPage page)
    {
        await page.EvaluateAsync("""
            () => {
                window.progressSeen = [];
                // Setting a progress element's value sets its value attribute, so one observer sees every step.
                new MutationObserver(records => records.forEach(r => r.target instanceof HTMLProgressElement && window.progressSeen.push(r.target.value)))
                    .observe(document.body, { subtree: true, attributes: true, attributeFilter: ["value"] });
            }
            """);
        return () => page.EvaluateAsync<double[]>("() => window.progressSeen");
    }

    private static async Task<IAsyncDisposable> SlowUploadsAsync(IPage page)
    {
        var network = await NetworkAsync(page);
        await network.ThrottleAsync(12_000);
        return network;
    }

    private static async Task<Network> NetworkAsync(IPage page)
    {
        var session = await page.Context.NewCDPSessionAsync(page);
        await session.SendAsync("Network.enable");
        return new Network(session);
    }

    /// <summary>The page's network as Chromium's developer tools shape it: slow uploads, or none at all.</summary>
    private sealed class Network(ICDPSession session) : IAsyncDisposable
    {
        public Task ThrottleAsync(double uploadBytesPerSecond) => EmulateAsync(false, uploadBytesPerSecond);

        public Task OfflineAsync() => EmulateAsync(true, -1);

        private Task EmulateAsync(bool offline, double uploadBytesPerSecond) =>
            session.SendAsync("Network.emulateNetworkConditions", new()
            {
                ["offline"] = offline,
                ["latency"] = 0,
                ["downloadThroughput"] = -1,
                ["uploadThroughput"] = uploadBytesPerSecond,
            });

        public async ValueTask DisposeAsync()
        {
            await ThrottleAsync(-1);
            await session.DetachAsync();
        }
    }
}
