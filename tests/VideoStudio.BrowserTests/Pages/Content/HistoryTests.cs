using VideoStudio.BrowserTests.Infrastructure;
using VideoStudio.Core;
using static Microsoft.Playwright.Assertions;

namespace VideoStudio.BrowserTests.Pages.Content;

/// <summary>Nothing is final by accident: Undo after each change, History with restore, on every open page at once.</summary>
public class HistoryTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public async Task Upload_replace_with_AI_delete_undo_and_restore_the_first_upload_show_on_two_open_pages_with_who_and_when()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync();
        var id = await editor.CreateContentAsync("Nothing is final");
        var first = await SignInAsync(editor);
        var second = await first.Context.NewPageAsync();
        await first.GotoAsync($"/content/{id}");
        await second.GotoAsync($"/content/{id}");
        var card = Card(first, "Long Social Video");
        var other = Card(second, "Long Social Video");

        await card.GetByRole(AriaRole.Button, new() { Name = "Upload Video" }).ClickAsync();
        var upload = first.GetByRole(AriaRole.Dialog, new() { Name = "Upload Long Social Video" });
        await upload.GetByLabel("Choose a video file").SetInputFilesAsync(Fixtures.SampleMp4);
        await upload.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        await Expect(other).ToHaveAttributeAsync("data-state", "video");
        var uploadedUrl = await other.Locator("video").GetAttributeAsync("src");

        // Generate over a video asks first.
        await card.GetByRole(AriaRole.Button, new() { Name = "Generate AI Video" }).ClickAsync();
        var confirm = first.GetByRole(AriaRole.Dialog, new() { Name = "Replace the Long Social Video with a new AI video?" });
        await Expect(confirm).ToContainTextAsync("The current video stays in History");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Generate AI Video" }).ClickAsync();
        await Expect(other).ToHaveAttributeAsync("data-state", "generating");
        await App.FinishRenderAsync(id, VideoSlot.Long);
        await Expect(other).ToHaveAttributeAsync("data-state", "video");
        await Expect(other).ToContainTextAsync("The AI video replaced “sample-16x9.mp4”.");
        var aiUrl = await other.Locator("video").GetAttributeAsync("src");
        Assert.NotEqual(uploadedUrl, aiUrl);

        await card.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await first.GetByRole(AriaRole.Dialog, new() { Name = "Delete the Long Social Video?" }).GetByRole(AriaRole.Button, new() { Name = "Delete video" }).ClickAsync();
        await Expect(other).ToHaveAttributeAsync("data-state", "empty");
        await Expect(card).ToContainTextAsync("was deleted.");
        await Artifacts.ScreenshotAsync(first, "history-undo-notice-1280");

        await card.GetByRole(AriaRole.Button, new() { Name = "Undo" }).ClickAsync();
        await Expect(other.Locator("video")).ToHaveAttributeAsync("src", aiUrl!);
        await Expect(card.Locator("video")).ToHaveAttributeAsync("src", aiUrl!);

        // History open on both pages; restoring the first upload on the second, both pages and both lists follow.
        await card.GetByRole(AriaRole.Button, new() { Name = "History" }).ClickAsync();
        var watching = first.GetByRole(AriaRole.Dialog, new() { Name = "History of the Long Social Video" });
        await Expect(watching.GetByRole(AriaRole.Listitem, new() { Name = "Upload “sample-16x9.mp4”" })).ToContainTextAsync("Replaced");
        await other.GetByRole(AriaRole.Button, new() { Name = "History" }).ClickAsync();
        var history = second.GetByRole(AriaRole.Dialog, new() { Name = "History of the Long Social Video" });
        await Expect(history).ToBeVisibleAsync();
        var versions = history.GetByRole(AriaRole.List, new() { Name = "Versions" }).GetByRole(AriaRole.Listitem);
        await Expect(versions).ToHaveCountAsync(2);
        await Expect(versions.First).ToContainTextAsync("Current");
        await history.GetByRole(AriaRole.Button, new() { Name = "Restore Upload “sample-16x9.mp4”" }).ClickAsync();

        await Expect(card.Locator("video")).ToHaveAttributeAsync("src", uploadedUrl!);
        await Expect(other.Locator("video")).ToHaveAttributeAsync("src", uploadedUrl!);
        await Expect(history.GetByRole(AriaRole.Listitem, new() { Name = "Upload “sample-16x9.mp4”" })).ToContainTextAsync("Current");
        await Expect(watching.GetByRole(AriaRole.Listitem, new() { Name = "Upload “sample-16x9.mp4”" })).ToContainTextAsync("Current");
        var trail = history.GetByRole(AriaRole.List, new() { Name = "What happened" }).GetByRole(AriaRole.Listitem);
        await Expect(trail.First).ToContainTextAsync("Restored “sample-16x9.mp4”");
        await Expect(trail.Nth(1)).ToContainTextAsync("Undo: brought back");
        await Expect(trail.Nth(2)).ToContainTextAsync("Deleted");
        await Expect(trail.Nth(3)).ToContainTextAsync("AI video finished");
        await Expect(trail.Nth(4)).ToContainTextAsync("AI video requested");
        await Expect(trail.Nth(5)).ToContainTextAsync("Uploaded “sample-16x9.mp4”");
        var name = await first.Locator(".who").TextContentAsync();
        foreach (var entry in await trail.AllAsync())
        {
            await Expect(entry).ToContainTextAsync(name!.Trim());
            await Expect(entry.Locator("time")).ToHaveAttributeAsync("datetime", new System.Text.RegularExpressions.Regex(@"^\d{4}-"));
        }
        await Accessibility.AssertNoViolationsAsync(second, "the History dialog");
        await Artifacts.ScreenshotAsync(second, "history-dialog-1280");

        await history.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await Expect(history).ToBeHiddenAsync();
        await Expect(other.GetByRole(AriaRole.Button, new() { Name = "History" })).ToBeFocusedAsync();
    }

    [Fact]
    public async Task On_a_phone_the_undo_notice_and_the_history_are_usable_by_keyboard()
    {
        var editor = await App.CreateEditorAsync();
        var id = await editor.CreateContentAsync("On a phone");
        await editor.AttachVideoAsync(id, VideoSlot.Long);
        await editor.AttachVideoAsync(id, VideoSlot.Long);
        var page = await SignInAsync(editor, 375);
        await page.GotoAsync($"/content/{id}");
        var card = Card(page, "Long Social Video");
        await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Undo" })).ToBeVisibleAsync();
        await Artifacts.ScreenshotAsync(page, "history-undo-notice-375");

        await Keyboard.TabToAsync(page, card.GetByRole(AriaRole.Button, new() { Name = "History" }));
        await page.Keyboard.PressAsync("Enter");
        var history = page.GetByRole(AriaRole.Dialog, new() { Name = "History of the Long Social Video" });
        await Expect(history.GetByRole(AriaRole.List, new() { Name = "Versions" }).GetByRole(AriaRole.Listitem)).ToHaveCountAsync(2);
        await Artifacts.ScreenshotAsync(page, "history-dialog-375");
        var restore = history.GetByRole(AriaRole.Button, new() { Name = "Restore" });
        await restore.FocusAsync();
        var before = await card.Locator("video").GetAttributeAsync("src");
        await page.Keyboard.PressAsync("Enter");
        await Expect(card.Locator("video")).Not.ToHaveAttributeAsync("src", before!);
        await page.Keyboard.PressAsync("Escape");
        await Expect(history).ToBeHiddenAsync();
    }
}
