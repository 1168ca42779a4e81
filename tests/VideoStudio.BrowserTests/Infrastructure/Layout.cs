namespace VideoStudio.BrowserTests.Infrastructure;

/// <summary>Layout facts measured in the browser, with the numbers in the failure message.</summary>
public static class Layout
{
    public static async Task AssertNoHorizontalScrollingAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        if (widths[0] <= widths[1])
        {
            return;
        }
        var outside = await page.EvaluateAsync<string[]>("""
            width => [...document.querySelectorAll("body *")]
                .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > width + 0.5)
                .map(e => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}${typeof e.className === "string" && e.className ? "." + e.className.trim().split(/\s+/).join(".") : ""} to ${Math.round(e.getBoundingClientRect().right)} px`)
                .slice(0, 10)
            """, widths[1]);
        Assert.Fail($"The page {page.Url} scrolls sideways: it is {widths[0]} px wide in a {widths[1]} px viewport. Past its edge: {string.Join(", ", outside)}.");
    }

    public static async Task AssertColumnsAsync(ILocator first, ILocator second, int columns)
    {
        var a = (await first.BoundingBoxAsync())!;
        var b = (await second.BoundingBoxAsync())!;
        var where = $"first card at ({a.X}, {a.Y}) {a.Width}×{a.Height}, second at ({b.X}, {b.Y}) {b.Width}×{b.Height}";
        if (columns == 1)
        {
            Assert.True(Math.Abs(a.X - b.X) < 1 && b.Y >= a.Y + a.Height - 1, $"Expected the cards stacked in one column: {where}.");
        }
        else
        {
            Assert.True(Math.Abs(a.Y - b.Y) < 1 && b.X >= a.X + a.Width - 1, $"Expected the cards side by side in two columns: {where}.");
        }
    }

    /// <summary>Every visible button in the region is as wide as the content box of the element that holds it.</summary>
    public static async Task AssertButtonsFillTheirRowAsync(ILocator region)
    {
        var buttons = region.GetByRole(AriaRole.Button);
        var count = await buttons.CountAsync();
        Assert.True(count > 0, "The region has no buttons to measure.");
        for (var i = 0; i < count; i++)
        {
            var button = buttons.Nth(i);
            if (!await button.IsVisibleAsync())
            {
                continue;
            }
            var widths = await button.EvaluateAsync<double[]>("""
                el => {
                    const parent = el.parentElement, style = getComputedStyle(parent);
                    return [el.getBoundingClientRect().width, parent.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)];
                }
                """);
            var name = (await button.TextContentAsync())?.Trim();
            Assert.True(Math.Abs(widths[0] - widths[1]) < 1, $"The button \"{name}\" is {widths[0]} px wide in a row of {widths[1]} px; on phones buttons fill the row.");
        }
    }
}
