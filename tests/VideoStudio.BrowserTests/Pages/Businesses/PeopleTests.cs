
using VideoStudio.BrowserTests.Infrastructure;
using VideoStudio.Core;
using static Microsoft.Playwright.Assertions;

namespace VideoStudio.BrowserTests.Pages.Businesses;

public class PeopleTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public async Task An_admin_invites_an_editor_who_joins_and_creates_a_content_item()
    {
        var admin = await App.CreateEditorAsync(MemberRole.Admin);
        var page = await SignInAsync(admin);

        await page.GetByRole(AriaRole.Link, new() { Name = "People", Exact = true }).First.ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("^People of ") }).ClickAsync();
        var email = $"newcomer-{Guid.NewGuid():N}@team.example";
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Role", new() { Exact = true }).SelectOptionAsync("Editor");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create invitation link" }).ClickAsync();
        var link = await page.GetByRole(AriaRole.Textbox, new() { Name = "Link" }).InputValueAsync();
        await Artifacts.ScreenshotAsync(page, "people-1280");

        var newcomer = await OpenBrowserAsync(375);
        await newcomer.GotoAsync(link);
        await Artifacts.ScreenshotAsync(newcomer, "invitation-375");
        await newcomer.GetByLabel("Your name").FillAsync("Nia Newcomer");
        await newcomer.GetByLabel("Choose a password").FillAsync("Nia!Pass2026");
        await newcomer.GetByRole(AriaRole.Button, new() { Name = "Join" }).ClickAsync();
        await newcomer.GetByRole(AriaRole.Link, new() { Name = "New content" }).ClickAsync();
        await newcomer.GetByLabel("Title").FillAsync("Cold brew at home");
        await Artifacts.ScreenshotAsync(newcomer, "new-content-375");
        await newcomer.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();

        await Expect(newcomer.GetByRole(AriaRole.Heading, new() { Name = "Cold brew at home", Exact = true })).ToBeVisibleAsync();
        await page.SetViewportSizeAsync(375, 812);
        await page.GetByRole(AriaRole.Link, new() { Name = "Businesses", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("^People of ") }).ClickAsync();
        await Artifacts.ScreenshotAsync(page, "people-375");
        await page.GotoAsync("/content");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Cold brew at home" })).ToBeVisibleAsync();
    }
}
