namespace VideoStudio.BrowserTests.Infrastructure;

/// <summary>A test in the shared browser collection; every browser context it opens is closed when it ends.</summary>
[Collection(BrowserCollection.Name)]
public abstract class BrowserTest(BrowserApp app) : IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];

    protected BrowserApp App => app;

    /// <summary>A new browser (own cookies and cache) at the given width, not signed in.</summary>
    protected async Task<IPage> OpenBrowserAsync(int width = 1280)
    {
        var page = await app.NewPageAsync(width, HeightFor(width));
        _contexts.Add(page.Context);
        return page;
    }

    /// <summary>A new browser in which the editor has signed in through the sign-in form.</summary>
    protected async Task<IPage> SignInAsync(Editor editor, int width = 1280)
    {
        var page = await OpenBrowserAsync(width);
        await editor.SignInAsync(page);
        return page;
    }

    protected static ILocator Card(IPage page, string title) => page.GetByRole(AriaRole.Region, new() { Name = title, Exact = true });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }
        foreach (var context in _contexts)
        {
            CspViolations.Of(context).AssertNone();
        }
    }

    /// <summary>At phone, tablet and laptop widths, light and dark: axe finds nothing, nothing scrolls sideways, and a screenshot is kept.</summary>
    protected static async Task CheckAtEveryWidthAsync(IPage page, string name)
    {
        foreach (var width in (int[])[375, 768, 1280])
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

    /// <summary>Screenshots of the page as it is, at 375 and 1280 px in the light and the dark theme; it ends at 1280 px, light.</summary>
    protected static async Task ScreenshotOnPhoneAndLaptopAsync(IPage page, string name)
    {
        foreach (var width in (int[])[375, 1280])
        {
            await page.SetViewportSizeAsync(width, HeightFor(width));
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                await page.EmulateMediaAsync(new() { ColorScheme = scheme });
                await Artifacts.ScreenshotAsync(page, $"{name}-{width}{(scheme == ColorScheme.Dark ? "-dark" : "")}");
            }
        }
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
    }

    // Phone, tablet and laptop proportions, so full-page screenshots look like what a person sees.
    protected static int HeightFor(int width) => width switch
    {
        < 768 => 720,
        < 1024 => 1024,
        _ => 900,
    };
}
