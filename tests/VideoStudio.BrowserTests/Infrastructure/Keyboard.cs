namespace VideoStudio.BrowserTests.Infrastructure;

/// <summary>Moving through a page the way a keyboard user does: Tab until the wanted control has focus.</summary>
public static class Keyboard
{
    private const int MaxTabs = 60;

    public static async Task TabToAsync(IPage page, ILocator target, bool backwards = false)
    {
        for (var i = 0; i < MaxTabs; i++)
        {
            await page.Keyboard.PressAsync(backwards ? "Shift+Tab" : "Tab");
            if (await HasFocusAsync(target))
            {
                await AssertFocusIsVisibleAsync(target);
                return;
            }
        }
        Assert.Fail($"{MaxTabs} presses of Tab never reached {target}.");
    }

    public static Task<bool> HasFocusAsync(ILocator target) => target.EvaluateAsync<bool>("el => el === document.activeElement");

    /// <summary>The focused control shows a focus ring of at least 2 px that is not hidden.</summary>
    public static async Task AssertFocusIsVisibleAsync(ILocator target)
    {
        var ring = await target.EvaluateAsync<string[]>("""
            el => {
                const s = getComputedStyle(el);
                return [String(el.matches(':focus-visible')), s.outlineStyle, s.outlineWidth];
            }
            """);
        Assert.True(ring[0] == "true" && ring[1] != "none" && double.Parse(ring[2].Replace("px", ""), System.Globalization.CultureInfo.InvariantCulture) >= 2,
            $"{target} has focus but no visible focus ring (focus-visible {ring[0]}, outline {ring[1]} {ring[2]}).");
    }
}
