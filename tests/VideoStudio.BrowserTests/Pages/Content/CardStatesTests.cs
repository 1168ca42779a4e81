using System.Text.RegularExpressions;
using VideoStudio.BrowserTests.Infrastructure;
using VideoStudio.Core;
using static Microsoft.Playwright.Assertions;

namespace VideoStudio.BrowserTests.Pages.Content;

/// <summary>Every card state at phone, tablet and laptop widths: axe finds nothing, the layout follows the spec, and a screenshot is kept.</summary>
public class CardStatesTests(BrowserApp app) : BrowserTest(app)
{
    // 320 px is the narrowest phone layout we hold to (no sideways scrolling); axe runs at the three widths the issue names.
    public static readonly int[] Widths = [320, 375, 768, 1280];

    [Theory]
    [InlineData("empty")]
    [InlineData("video")]
    [InlineData("generating")]
    [InlineData("not-configured")]
    [InlineData("failed")]
    public async Task The_content_page_passes_axe_and_follows_the_responsive_layout_at_every_width(string state)
    {
        var editor = await App.CreateEditorAsync();
        var id = await ArrangeAsync(editor, state);
        var page = await SignInAsync(editor);

        foreach (var width in Widths)
        {
            await page.SetViewportSizeAsync(width, HeightFor(width));
            await page.GotoAsync($"/content/{id}");
            var longCard = Card(page, "Long Social Video");
            var shortCard = Card(page, "Short Social Video");
            await Expect(longCard).ToHaveAttributeAsync("data-state", state);
            await Expect(shortCard).ToHaveAttributeAsync("data-state", state);
            await ExpectStateIsVisibleAsync(longCard, state);
            if (state == "generating")
            {
                await Expect(shortCard).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"HeyGen is not answering \(attempt 1\); trying again in \d+ (s|min)\."));
            }

            if (width != 320)
            {
                await Accessibility.AssertNoViolationsAsync(page, $"the content page, cards {state}, {width} px wide");
            }
            await Layout.AssertNoHorizontalScrollingAsync(page);
            await Layout.AssertColumnsAsync(longCard, shortCard, width < 768 ? 1 : 2);
            if (width < 768)
            {
                await Layout.AssertButtonsFillTheirRowAsync(longCard);
                await Layout.AssertButtonsFillTheirRowAsync(shortCard);
            }
            else
            {
                await AssertActionRowsAlignAsync(longCard, shortCard);
            }
            await Artifacts.ScreenshotAsync(page, $"content-{state}-{width}");

            // The dark theme follows the system setting and holds the same contrast.
            await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
            if (width != 320)
            {
                await Accessibility.AssertNoViolationsAsync(page, $"the content page in the dark theme, cards {state}, {width} px wide");
            }
            await Artifacts.ScreenshotAsync(page, $"content-{state}-{width}-dark");
            await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        }
    }

    /// <summary>Side by side, the two cards are equally tall and their first action buttons sit on one line.</summary>
    private static async Task AssertActionRowsAlignAsync(ILocator longCard, ILocator shortCard)
    {
        var a = (await longCard.BoundingBoxAsync())!;
        var b = (await shortCard.BoundingBoxAsync())!;
        Assert.True(Math.Abs(a.Height - b.Height) < 1, $"The cards are {a.Height} and {b.Height} px tall; side by side they are equally tall.");
        var upload = new Regex("^Upload");
        var first = (await longCard.GetByRole(AriaRole.Button, new() { NameRegex = upload }).BoundingBoxAsync())!;
        var second = (await shortCard.GetByRole(AriaRole.Button, new() { NameRegex = upload }).BoundingBoxAsync())!;
        Assert.True(Math.Abs(first.Y - second.Y) < 1, $"The cards' action rows start at {first.Y} and {second.Y} px; they line up. " +
            $"Above them: {await DescribeAsync(longCard)} and {await DescribeAsync(shortCard)}.");
    }

    private static Task<string> DescribeAsync(ILocator card) => card.EvaluateAsync<string>(
        "card => [...card.children].map(e => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().top)}+${Math.round(e.getBoundingClientRect().height)}`).join(', ')");

    private static async Task<Guid> ArrangeAsync(Editor editor, string state)
    {
        var id = await editor.CreateContentAsync($"Cards {state}");
        if (state != "not-configured")
        {
            await editor.ConfigureHeyGenAsync();
        }
        switch (state)
        {
            case "video":
                await editor.AttachVideoAsync(id, VideoSlot.Long);
                await editor.AttachVideoAsync(id, VideoSlot.Short);
                break;
            case "generating":
                // The spec shows both: the player stays while a new video is made, and a placeholder pulses when there is none.
                await editor.AttachVideoAsync(id, VideoSlot.Long);
                await editor.StartGenerationAsync(id, VideoSlot.Long);
                await editor.RetryGenerationAsync(id, VideoSlot.Short, TimeSpan.FromMinutes(5));
                break;
            case "failed":
                await editor.FailGenerationAsync(id, VideoSlot.Long, "The avatar could not be rendered for this script.", "Avatar rendering timed out (rendering_failed)");
                await editor.FailGenerationAsync(id, VideoSlot.Short, "The avatar could not be rendered for this script.");
                break;
        }
        return id;
    }

    private static async Task ExpectStateIsVisibleAsync(ILocator card, string state)
    {
        switch (state)
        {
            case "empty":
                await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Upload Video" })).ToBeEnabledAsync();
                await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Generate AI Video" })).ToBeEnabledAsync();
                await Expect(card.GetByRole(AriaRole.Link, new() { Name = "Review Script" })).ToBeVisibleAsync();
                break;
            case "video":
                await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Upload New" })).ToBeEnabledAsync();
                await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Delete" })).ToBeEnabledAsync();
                break;
            case "generating":
                await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Creating AI Video" })).ToBeDisabledAsync();
                await Expect(card).ToContainTextAsync("AI video generation in progress");
                break;
            case "not-configured":
                await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Generate AI Video" })).ToBeDisabledAsync();
                await Expect(card.GetByRole(AriaRole.Link, new() { Name = "Configure HeyGen integration" })).ToBeVisibleAsync();
                break;
            case "failed":
                await Expect(card.GetByText("AI video generation failed: HeyGen could not finish the render.")).ToBeVisibleAsync();
                await Expect(card).ToContainTextAsync("The avatar could not be rendered for this script.");
                await Expect(card).ToContainTextAsync("HeyGen’s own words: Avatar rendering timed out (rendering_failed)");
                await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Retry" })).ToBeEnabledAsync();
                break;
        }
    }
}
