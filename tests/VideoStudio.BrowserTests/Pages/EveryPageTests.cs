using System.Text.RegularExpressions;
using VideoStudio.BrowserTests.Infrastructure;
using VideoStudio.Core;
using static Microsoft.Playwright.Assertions;

namespace VideoStudio.BrowserTests.Pages;

/// <summary>
/// Every page as each kind of user sees it, at phone, tablet and laptop widths in the light and the dark theme: no emoji
/// in the visible text (the UI's pictures are Lucide icons), no error in the browser console, no sideways scrolling at
/// any width down to 320 px nor at 400 % zoom (WCAG 1.4.10), and a screenshot of each for docs/screens.md.
/// </summary>
public partial class EveryPageTests(BrowserApp app) : BrowserTest(app)
{
    private static readonly int[] Widths = [320, 375, 768, 1280];

    [Fact]
    public async Task Every_page_of_an_editor_shows_icons_not_emoji_and_logs_no_console_error()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync();
        var id = await editor.CreateContentAsync("Spring menu launch");
        await editor.AttachVideoAsync(id, VideoSlot.Long);
        await editor.StartGenerationAsync(id, VideoSlot.Short);
        var page = await SignInAsync(editor);
        var console = ConsoleErrors.Watch(page);

        await TourAsync(page, console, "list", "/content", "Content");
        await TourAsync(page, console, "details", $"/content/{id}", "Spring menu launch");
        await TourAsync(page, console, "details-script", $"/content/{id}#main-script", "Spring menu launch");
        await TourAsync(page, console, "new-content", "/content/new", "New content");
        await TourAsync(page, console, "edit-content", $"/content/{id}/edit", "Edit content");
        await TourAsync(page, console, "settings-editor", "/settings/integrations", "Integrations");
        await TourAsync(page, console, "account", "/account/password", "Change password");
        await TourAsync(page, console, "not-found", "/content/not-a-content-item/at-all", "Page not found");
        await TourAsync(page, console, "forbidden", "/hangfire", "You do not have access to this page");
    }

    [Fact]
    public async Task Every_page_of_an_admin_and_a_site_admin_shows_icons_not_emoji_and_logs_no_console_error()
    {
        var admin = await App.CreateSiteAdminAsync();
        var page = await SignInAsync(admin);
        var console = ConsoleErrors.Watch(page);

        await TourAsync(page, console, "list-empty", "/content", "Content");
        await TourAsync(page, console, "settings-not-configured", "/settings/integrations", "Integrations");
        await TourAsync(page, console, "businesses", "/businesses", "Businesses");
        await TourAsync(page, console, "people", $"/businesses/{admin.BusinessId}/people", null);
        await TourAsync(page, console, "metrics", "/admin/metrics", "Success metrics");
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Jobs" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_signed_out_pages_show_icons_not_emoji_and_log_no_console_error()
    {
        var page = await OpenBrowserAsync();
        var console = ConsoleErrors.Watch(page);

        await TourAsync(page, console, "sign-in", "/account/login", "Sign in");
        await TourAsync(page, console, "reset", "/account/reset", null);
    }

    private static async Task TourAsync(IPage page, ConsoleErrors console, string name, string url, string? heading)
    {
        await page.GotoAsync(url);
        if (heading is not null)
        {
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
        }
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            await page.EmulateMediaAsync(new() { ColorScheme = scheme });
            foreach (var width in Widths)
            {
                await page.SetViewportSizeAsync(width, HeightFor(width));
                await Layout.AssertNoHorizontalScrollingAsync(page);
                await Artifacts.ScreenshotAsync(page, $"page-{name}-{width}{(scheme == ColorScheme.Dark ? "-dark" : "")}");
            }
        }
        // A 1280 × 1024 screen at 400 % zoom leaves a viewport of 320 × 256 CSS px.
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await page.SetViewportSizeAsync(320, 256);
        await Layout.AssertNoHorizontalScrollingAsync(page);
        await Artifacts.ScreenshotAsync(page, $"page-{name}-zoom-400");
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light, ForcedColors = ForcedColors.Active });
        await page.SetViewportSizeAsync(1280, HeightFor(1280));
        await Artifacts.ScreenshotAsync(page, $"page-{name}-1280-forced-colors");
        await page.EmulateMediaAsync(new() { ForcedColors = ForcedColors.None });

        var text = await page.EvaluateAsync<string>("() => document.body.innerText");
        var emoji = Emoji().Matches(text).Select(m => m.Value).Distinct().ToList();
        Assert.True(emoji.Count == 0, $"The page {url} shows emoji ({string.Join(" ", emoji)}); the UI uses Lucide icons.");
        console.AssertNone(url, heading is "Page not found" or "You do not have access to this page" ? new Uri(page.Url) : null);
    }

    // Pictographs and the emoji presentation selector; the typographic marks the texts use (· … “ ” ›) are not among them.
    [GeneratedRegex(@"\p{Cs}|[\u2600-\u27BF\u2B00-\u2BFF\uFE0F]")]
    private static partial Regex Emoji();
}
