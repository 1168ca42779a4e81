using Microsoft.EntityFrameworkCore;
using VideoStudio.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace VideoStudio.BrowserTests.Security;

/// <summary>The policy every page is sent with, as Chromium enforces it; every other browser test fails on a violation.</summary>
public class ContentSecurityPolicyTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public async Task Injected_inline_style_is_blocked_and_reported()
    {
        var page = await OpenBrowserAsync();
        await page.GotoAsync("/account/login");
        var violations = CspViolations.Of(page.Context);

        await page.EvaluateAsync("document.body.setAttribute('style', 'outline: 4px solid red')");
        await page.EvaluateAsync("document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"document.title=1\">')");

        await Expect(page).Not.ToHaveTitleAsync("1");
        Assert.Equal("none", await page.EvaluateAsync<string>("getComputedStyle(document.body).outlineStyle"));
        for (var attempt = 0; attempt < 50 && violations.Seen.Count < 2; attempt++)
        {
            await page.WaitForTimeoutAsync(100);
        }
        Assert.Contains(violations.Seen, v => v.StartsWith("style-src"));
        Assert.Contains(violations.Seen, v => v.StartsWith("script-src"));
        violations.Clear();
    }

    [Fact]
    public async Task Another_site_cannot_frame_a_page()
    {
        var page = await OpenBrowserAsync();
        await page.SetContentAsync($"<iframe src=\"{App.BaseUrl}account/login\" width=\"800\" height=\"600\"></iframe>");
        var frame = page.Frames.Single(f => f != page.MainFrame);

        await page.WaitForLoadStateAsync(LoadState.Load);

        Assert.Equal(0, await frame.GetByRole(AriaRole.Heading, new() { Name = "Sign in" }).CountAsync());
    }

    [Fact]
    public async Task The_jobs_dashboard_works_under_its_policy()
    {
        var siteAdmin = await App.CreateEditorAsync();
        await App.WithDbAsync(db => db.Users.Where(u => u.Email == siteAdmin.Email).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsSiteAdmin, true)));
        var page = await SignInAsync(siteAdmin);

        await page.GotoAsync("/hangfire");

        await Expect(page.GetByText("VideoStudio jobs").First).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }
}
