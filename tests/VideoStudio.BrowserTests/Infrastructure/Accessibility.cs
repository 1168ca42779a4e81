using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;

namespace VideoStudio.BrowserTests.Infrastructure;

public static class Accessibility
{
    /// <summary>The WCAG 2.2 AA rule set; axe's best-practice rules are advice, not the bar we are held to.</summary>
    public static readonly string[] Tags = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"];

    /// <summary>Runs axe-core on the page as it is now and fails with every violation, its rule and the elements it found.</summary>
    public static async Task AssertNoViolationsAsync(IPage page, string where)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = [.. Tags] },
            // Only violations come back: the passes and incomplete lists are most of the result and cost seconds to serialise.
            ResultTypes = [ResultType.Violations],
        });
        var report = string.Join(Environment.NewLine, result.Violations.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help}{Environment.NewLine}" +
            string.Join(Environment.NewLine, v.Nodes.Select(n => $"    {n.Target}: {string.Join("; ", n.Any.Concat(n.All).Concat(n.None).Select(c => c.Message))}"))));
        Assert.True(result.Violations.Length == 0, $"axe found {result.Violations.Length} violation(s) on {where}:{Environment.NewLine}{report}");
    }
}
