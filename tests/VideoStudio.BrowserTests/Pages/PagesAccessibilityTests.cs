using VideoStudio.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace VideoStudio.BrowserTests.Pages;

/// <summary>The pages around the cards, at phone, tablet and laptop widths: axe finds nothing, nothing scrolls sideways, a screenshot is kept.</summary>
public class PagesAccessibilityTests(BrowserApp app) : BrowserTest(app)
{
    private static readonly int[] Widths = [375, 768, 1280];

    [Fact]
    public async Task The_sign_in_page_passes_axe_at_every_width()
    {
        var page = await OpenBrowserAsync();
        await page.GotoAsync("/account/login");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();

        await CheckAtEveryWidthAsync(page, "sign-in");
    }

    [Fact]
    public async Task The_sign_in_page_with_an_error_passes_axe()
    {
        var page = await OpenBrowserAsync();
        await page.GotoAsync("/account/login");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Enter your email and password.");

        await Accessibility.AssertNoViolationsAsync(page, "the sign-in page with an error");
    }

    [Fact]
    public async Task The_content_list_passes_axe_at_every_width()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync();
        var generating = await editor.CreateContentAsync("A video in the making");
        await editor.StartGenerationAsync(generating, Core.VideoSlot.Long);
        var withVideo = await editor.CreateContentAsync("A finished video with a rather long title that has to wrap on phones");
        await editor.AttachVideoAsync(withVideo, Core.VideoSlot.Short);
        var page = await SignInAsync(editor);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "A video in the making" })).ToBeVisibleAsync();

        await CheckAtEveryWidthAsync(page, "content-list");
    }

    [Fact]
    public async Task The_settings_page_passes_axe_at_every_width_and_with_the_avatar_catalog_on_a_phone()
    {
        var admin = await App.CreateEditorAsync(Core.MemberRole.Admin);
        var page = await SignInAsync(admin);
        await page.GotoAsync("/settings/integrations");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Integrations" })).ToBeVisibleAsync();
        // The browser tests' app has no public address, as on a laptop.
        await Expect(page.Locator("#webhook-status")).ToContainTextAsync("polling alone is used, and it completes every render");
        await CheckAtEveryWidthAsync(page, "settings");

        await page.GetByLabel("API key").FillAsync(SimulatedHeyGenAccount.NewKey());
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Load avatars and voices from HeyGen" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Avatars in your HeyGen account" })).ToBeVisibleAsync();
        await page.SetViewportSizeAsync(375, HeightFor(375));
        await Accessibility.AssertNoViolationsAsync(page, "settings with the HeyGen catalog at 375 px");
        await Layout.AssertNoHorizontalScrollingAsync(page);
        await Artifacts.ScreenshotAsync(page, "settings-catalog-375");
        await page.SetViewportSizeAsync(1280, HeightFor(1280));
        await Artifacts.ScreenshotAsync(page, "settings-catalog-1280");
    }

    private static async Task CheckAtEveryWidthAsync(IPage page, string name)
    {
        foreach (var width in Widths)
        {
            await page.SetViewportSizeAsync(width, HeightFor(width));
            await Accessibility.AssertNoViolationsAsync(page, $"{name} at {width} px");
            await Layout.AssertNoHorizontalScrollingAsync(page);
            await Artifacts.ScreenshotAsync(page, $"{name}-{width}");
            await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
            await Accessibility.AssertNoViolationsAsync(page, $"{name} in the dark theme at {width} px");
            await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        }
    }
}
