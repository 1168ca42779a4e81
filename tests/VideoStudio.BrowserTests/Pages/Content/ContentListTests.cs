using VideoStudio.BrowserTests.Infrastructure;
using VideoStudio.Core;
using static Microsoft.Playwright.Assertions;

namespace VideoStudio.BrowserTests.Pages.Content;

public class ContentListTests(BrowserApp app) : BrowserTest(app)
{
    [Theory]
    [InlineData(320)]
    [InlineData(375)]
    [InlineData(1280)]
    public async Task The_list_shows_each_item_with_both_slots_states_at_any_width(int width)
    {
        var editor = await App.CreateEditorAsync();
        var rendering = await editor.CreateContentAsync("A rather long title for a phone: the early shift at the bakery, part two");
        await App.Seed.GenerationAsync(rendering, VideoSlot.Long, GenerationStatus.Processing);
        var failed = await editor.CreateContentAsync("Kettlebell basics");
        await App.Seed.GenerationAsync(failed, VideoSlot.Short, GenerationStatus.Failed);
        var page = await SignInAsync(editor, width);

        var row = page.Locator("#content-list tr", new() { HasText = "early shift" });
        await Expect(row.GetByText("Creating AI video")).ToBeVisibleAsync();
        await Expect(page.Locator("#content-list tr", new() { HasText = "Kettlebell" }).GetByText("AI video failed")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "New content" })).ToBeVisibleAsync();
        await Layout.AssertNoHorizontalScrollingAsync(page);
        await Artifacts.ScreenshotAsync(page, $"content-list-{width}");

        await page.GetByLabel("Search titles").FillAsync("kettle");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Kettlebell basics" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("early shift") })).ToHaveCountAsync(0);
    }
}
