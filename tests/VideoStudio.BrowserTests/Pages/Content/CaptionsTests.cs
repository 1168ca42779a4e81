using VideoStudio.BrowserTests.Infrastructure;
using VideoStudio.Core;
using static Microsoft.Playwright.Assertions;

namespace VideoStudio.BrowserTests.Pages.Content;

public class CaptionsTests(BrowserApp app) : BrowserTest(app)
{
    private const string Srt = "1\n00:00:00,200 --> 00:00:02,000\nFresh bread every morning.\n\n2\n00:00:02,000 --> 00:00:03,900\nBaked overnight.\n";

    [Fact]
    public async Task An_editor_attaches_an_srt_file_and_the_player_gets_its_captions_track_after_a_refused_file_changed_nothing()
    {
        var editor = await App.CreateEditorAsync();
        var id = await editor.CreateContentAsync("Captioned");
        await editor.AttachVideoAsync(id, VideoSlot.Long);
        var page = await SignInAsync(editor, 375);
        await page.GotoAsync($"/content/{id}");
        var card = Card(page, "Long Social Video");
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Captions for" });

        await card.GetByRole(AriaRole.Link, new() { Name = "Add captions" }).ClickAsync();
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByLabel("Choose a captions file").SetInputFilesAsync(new FilePayload { Name = "notes.srt", MimeType = "text/plain", Buffer = "Buy more flour."u8.ToArray() });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Attach captions" }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("This file is not WebVTT or SRT captions");
        await Expect(card.Locator("video track")).ToHaveCountAsync(0);
        await Accessibility.AssertNoViolationsAsync(page, "the captions dialog with a refusal, 375 px");
        await ScreenshotsAsync(page, "captions-dialog-refused");

        await dialog.GetByLabel("Choose a captions file").SetInputFilesAsync(new FilePayload { Name = "bakery.srt", MimeType = "application/x-subrip", Buffer = System.Text.Encoding.UTF8.GetBytes(Srt) });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Attach captions" }).ClickAsync();

        await Expect(dialog).ToBeHiddenAsync();
        await Expect(card.Locator("video track[kind=captions]")).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex(@"\.captions\.[0-9a-f]{8}\.vtt$"));
        await Expect(card).ToContainTextAsync("Captions shown with the video");
        // The browser fetched and parsed the WebVTT file: the track's cues are the SRT's, converted.
        await page.WaitForFunctionAsync("""
            () => {
                const track = document.querySelector('#video-card-long video').textTracks[0];
                return track && track.mode === 'showing' && track.cues && track.cues.length === 2 && track.cues[0].text === 'Fresh bread every morning.';
            }
            """);
        await ScreenshotsAsync(page, "card-with-captions");
    }

    private static async Task ScreenshotsAsync(IPage page, string name)
    {
        foreach (var width in (int[])[375, 1280])
        {
            await page.SetViewportSizeAsync(width, HeightFor(width));
            await Artifacts.ScreenshotAsync(page, $"{name}-{width}");
            await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
            await Artifacts.ScreenshotAsync(page, $"{name}-{width}-dark");
            await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        }
        await page.SetViewportSizeAsync(375, HeightFor(375));
    }
}
