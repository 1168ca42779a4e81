using VideoStudio.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace VideoStudio.BrowserTests.Pages.Content;

/// <summary>Every card action without a mouse: Tab reaches it with a visible focus ring, Enter or Space uses it, Escape backs out.</summary>
public class KeyboardTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public async Task With_the_keyboard_alone_an_editor_uploads_replaces_and_deletes_and_Escape_returns_focus_to_the_opener()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync();
        var id = await editor.CreateContentAsync("Keyboard only");
        var page = await SignInAsync(editor);
        await page.GotoAsync($"/content/{id}");
        var card = Card(page, "Long Social Video");
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Upload Long Social Video" });

        var upload = card.GetByRole(AriaRole.Button, new() { Name = "Upload Video" });
        await Keyboard.TabToAsync(page, upload);
        await page.Keyboard.PressAsync("Enter");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.GetByLabel("Choose a video file")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(upload).ToBeFocusedAsync();

        await page.Keyboard.PressAsync("Enter");
        await Expect(dialog.GetByLabel("Choose a video file")).ToBeFocusedAsync();
        var chooser = page.WaitForFileChooserAsync();
        await page.Keyboard.PressAsync("Space");
        await (await chooser).SetFilesAsync(Fixtures.SampleMp4);
        await Keyboard.TabToAsync(page, dialog.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }));
        await page.Keyboard.PressAsync("Enter");
        await Expect(dialog).ToBeHiddenAsync(new() { Timeout = 30_000 });
        await Expect(card).ToHaveAttributeAsync("data-state", "video");
        await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Upload New" })).ToBeFocusedAsync();

        var delete = card.GetByRole(AriaRole.Button, new() { Name = "Delete" });
        var confirm = page.GetByRole(AriaRole.Dialog, new() { Name = "Delete the Long Social Video?" });
        await Keyboard.TabToAsync(page, delete);
        await page.Keyboard.PressAsync("Enter");
        await Expect(confirm).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(confirm).ToBeHiddenAsync();
        await Expect(delete).ToBeFocusedAsync();
        await Expect(card).ToHaveAttributeAsync("data-state", "video");

        await page.Keyboard.PressAsync("Space");
        await Expect(confirm).ToBeVisibleAsync();
        await Keyboard.TabToAsync(page, confirm.GetByRole(AriaRole.Button, new() { Name = "Delete video" }));
        await page.Keyboard.PressAsync("Enter");
        await Expect(card).ToHaveAttributeAsync("data-state", "empty");
        await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Upload Video" })).ToBeFocusedAsync();
    }
}
