using VideoStudio.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace VideoStudio.BrowserTests.Pages.Content;

public class ScriptReviewTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public async Task Review_Script_opens_the_cards_script_tab_with_focus_in_its_editor()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync();
        var id = await editor.CreateContentAsync("Review me", script: "The main words.", shortScript: "The short words.");
        var page = await SignInAsync(editor);
        await page.GotoAsync($"/content/{id}");

        await Card(page, "Long Social Video").GetByRole(AriaRole.Link, new() { Name = "Review Script" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Main Video Script" })).ToBeFocusedAsync();
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Main Video Script" })).ToHaveValueAsync("The main words.");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Main Video Script" })).ToHaveAttributeAsync("aria-current", "true");

        await page.GetByRole(AriaRole.Link, new() { Name = "Create Video" }).ClickAsync();
        await Card(page, "Short Social Video").GetByRole(AriaRole.Link, new() { Name = "Review Script" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Short Video Script" })).ToBeFocusedAsync();
    }

    [Fact]
    public async Task The_script_editor_counts_characters_as_they_are_typed_and_warns_past_HeyGens_limit()
    {
        var editor = await App.CreateEditorAsync();
        var id = await editor.CreateContentAsync("Count me", script: "Four", shortScript: "Short");
        var page = await SignInAsync(editor);
        await page.GotoAsync($"/content/{id}#main-script");
        var text = page.GetByRole(AriaRole.Textbox, new() { Name = "Main Video Script" });
        var warning = page.GetByRole(AriaRole.Region, new() { Name = "Main Video Script" }).GetByText("Longer than HeyGen's 5,000 characters");
        await Expect(warning).ToBeHiddenAsync();

        await text.FillAsync(new string('a', 5001));

        await Expect(page.Locator("#main-script-editor-help")).ToContainTextAsync("5,001 characters.");
        await Expect(warning).ToBeVisibleAsync();

        await text.PressAsync("Backspace");

        await Expect(page.Locator("#main-script-editor-help")).ToContainTextAsync("5,000 characters.");
        await Expect(warning).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_missing_script_disables_Generate_and_its_description_says_which_script_to_write()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync();
        var id = await editor.CreateContentAsync("No main script yet", script: null);
        var page = await SignInAsync(editor);
        await page.GotoAsync($"/content/{id}");
        var card = Card(page, "Long Social Video");

        var generate = card.GetByRole(AriaRole.Button, new() { Name = "Generate AI Video" });
        await Expect(generate).ToBeDisabledAsync();
        await Expect(generate).ToHaveAccessibleDescriptionAsync("Main Video Script is missing. Write the main video script to generate an AI video.");
        await Expect(Card(page, "Short Social Video").GetByRole(AriaRole.Button, new() { Name = "Generate AI Video" })).ToBeEnabledAsync();

        await card.GetByRole(AriaRole.Link, new() { Name = "Write the main video script" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Main Video Script" })).ToBeFocusedAsync();
    }

    [Fact]
    public async Task With_the_keyboard_alone_Review_Script_is_reached_with_a_visible_focus_ring_and_opens_the_editor()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync();
        var id = await editor.CreateContentAsync("Keyboard review");
        var page = await SignInAsync(editor);
        await page.GotoAsync($"/content/{id}");

        await Keyboard.TabToAsync(page, Card(page, "Short Social Video").GetByRole(AriaRole.Link, new() { Name = "Review Script" }));
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Short Video Script" })).ToBeFocusedAsync();
    }

    [Fact]
    public async Task The_count_follows_the_typing_leaving_with_unsaved_text_asks_first_and_saving_nothing_new_says_so()
    {
        var editor = await App.CreateEditorAsync();
        var id = await editor.CreateContentAsync("Counting", script: "Hello");
        var page = await SignInAsync(editor);
        await page.GotoAsync($"/content/{id}#main-script");
        var text = page.GetByRole(AriaRole.Textbox, new() { Name = "Main Video Script" });
        var save = page.GetByRole(AriaRole.Button, new() { Name = "Save Main Video Script" });

        await save.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Nothing to save" })).ToBeVisibleAsync();

        await text.PressAsync("Control+End");
        await text.PressSequentiallyAsync(", world");
        await Expect(page.Locator("#main-script-editor [data-char-count]")).ToHaveTextAsync("12");

        var asked = new TaskCompletionSource<string>();
        page.Dialog += async (_, dialog) =>
        {
            asked.TrySetResult(dialog.Type);
            await dialog.DismissAsync();
        };
        await page.GetByRole(AriaRole.Link, new() { Name = "All content" }).ClickAsync();
        Assert.Equal("beforeunload", await asked.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        await Expect(text).ToHaveValueAsync("Hello, world");

        // Dragging the editor's corner gives it an inline size, which the saved editor swapped in must not copy (CSP).
        await text.EvaluateAsync("t => t.style.height = '20rem'");
        await save.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Saved." })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "All content" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Content", Exact = true })).ToBeVisibleAsync();
    }
}
