using VideoStudio.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace VideoStudio.BrowserTests.Pages;

/// <summary>What a person sees when a session ends mid-page, a page is not theirs, or an address leads nowhere.</summary>
public class StatusTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public async Task After_the_session_ends_the_next_click_goes_to_sign_in_and_back_to_the_same_item()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync();
        var id = await editor.CreateContentAsync("Still here after sign-in");
        var page = await SignInAsync(editor);
        await page.GotoAsync($"/content/{id}");
        await page.Context.ClearCookiesAsync(new() { Name = "videostudio.auth" });

        await Card(page, "Long Social Video").GetByRole(AriaRole.Button, new() { Name = "Generate AI Video" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(page.Locator(".video-card")).ToHaveCountAsync(0);
        await Editor.SubmitSignInFormAsync(page, editor.Email, editor.Password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Still here after sign-in" })).ToBeVisibleAsync();
        Assert.EndsWith($"/content/{id}", page.Url);
    }

    [Fact]
    public async Task Signed_out_in_another_tab_the_open_page_says_so_and_stops_listening_instead_of_reconnecting()
    {
        var editor = await App.CreateEditorAsync();
        var id = await editor.CreateContentAsync("Left open in a tab");
        var page = await SignInAsync(editor);
        await page.GotoAsync($"/content/{id}");
        await page.EvaluateAsync("() => document.body.addEventListener('htmx:sseClose', e => window.streamClosedBy = e.detail.type)");
        var other = await page.Context.NewPageAsync();
        await other.GotoAsync("/content");

        await other.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        var notices = page.GetByRole(AriaRole.Region, new() { Name = "Notices" });
        await Expect(notices.GetByRole(AriaRole.Alert)).ToContainTextAsync("You were signed out, so this page no longer updates.", new() { Timeout = 30_000 });
        // Closed by the server's last word, which htmx's extension never retries (a failed connection it retries for ever).
        Assert.Equal("message", await page.EvaluateAsync<string>("() => window.streamClosedBy"));
        await notices.GetByRole(AriaRole.Link, new() { Name = "Sign in again" }).ClickAsync();
        await Editor.SubmitSignInFormAsync(page, editor.Email, editor.Password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Left open in a tab" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_editor_opening_the_job_dashboard_sees_a_forbidden_page_and_an_unknown_address_a_not_found_page()
    {
        var editor = await App.CreateEditorAsync();
        var page = await SignInAsync(editor);

        var denied = await page.GotoAsync("/hangfire");
        Assert.Equal(403, denied!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You do not have access to this page" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToHaveCountAsync(0);

        var missing = await page.GotoAsync("/content/not-a-content-item/at-all");
        Assert.Equal(404, missing!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to all content" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Content", Exact = true })).ToBeVisibleAsync();
    }
}
