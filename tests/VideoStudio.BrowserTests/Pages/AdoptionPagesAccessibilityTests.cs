using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VideoStudio.BrowserTests.Infrastructure;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Web.Pages.Businesses;
using VideoStudio.Web.Pages.Invitations;
using static Microsoft.Playwright.Assertions;

namespace VideoStudio.BrowserTests.Pages;

/// <summary>
/// The pages a team adopts the app with (first run, businesses, people, invitations, new and edit content, the account), in
/// their ordinary and their error states, at phone, tablet and laptop widths: axe finds nothing, nothing scrolls sideways, a
/// screenshot is kept.
/// </summary>
public class AdoptionPagesAccessibilityTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public async Task The_first_run_page_passes_axe_with_and_without_errors_and_leads_to_an_empty_businesses_page()
    {
        await using var install = await FreshInstall.StartAsync();
        var page = await OpenBrowserAsync();
        await page.GotoAsync(install.SetupUrl);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Set up VideoStudio" })).ToBeVisibleAsync();
        await CheckAtEveryWidthAsync(page, "first-run");

        await page.GetByRole(AriaRole.Button, new() { Name = "Create administrator" }).ClickAsync();
        await Expect(page.Locator("#email-error")).ToContainTextAsync("Enter your e-mail address");
        await CheckAtEveryWidthAsync(page, "first-run-errors");

        await page.GetByLabel("E-mail").FillAsync("first@team.example");
        await page.GetByLabel("Your name").FillAsync("Fay First");
        await page.GetByLabel("Choose a password").FillAsync("First!Admin2026");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create administrator" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Businesses", Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator("#no-businesses")).ToBeVisibleAsync();
        await CheckAtEveryWidthAsync(page, "businesses-empty");
    }

    [Fact]
    public async Task The_businesses_and_people_pages_pass_axe_with_issued_links_and_errors()
    {
        var member = await App.Seed.MemberAsync(MemberRole.Admin, siteAdmin: true);
        var siteAdmin = new Editor(App, member.BusinessId, member.Email, member.Password);
        var page = await SignInAsync(siteAdmin);
        await page.GotoAsync("/businesses");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create business" }).ClickAsync();
        await Expect(page.Locator("#create-name-error")).ToContainTextAsync("Enter the business's name.");
        await CheckAtEveryWidthAsync(page, "businesses-errors");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync($"Harbour Fish {Guid.NewGuid():N}"[..24]);
        await page.GetByLabel("E-mail of its first admin").FillAsync($"boss-{Guid.NewGuid():N}@harbour.example");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create business" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Link", Exact = true })).ToBeVisibleAsync();
        await CheckAtEveryWidthAsync(page, "businesses");

        await page.GotoAsync($"/businesses/{member.BusinessId}/people");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create invitation link" }).ClickAsync();
        await Expect(page.Locator("#invite-email-error")).ToContainTextAsync("Enter the e-mail");
        await CheckAtEveryWidthAsync(page, "people-errors");
        await page.GetByLabel("E-mail").FillAsync($"newcomer-{Guid.NewGuid():N}@team.example");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create invitation link" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Link", Exact = true })).ToBeVisibleAsync();
        await CheckAtEveryWidthAsync(page, "people-with-link");
    }

    [Fact]
    public async Task The_invitation_page_passes_axe_with_and_without_errors()
    {
        var admin = await App.CreateEditorAsync(MemberRole.Admin);
        var adminId = await App.WithDbAsync(db => db.Users.Where(u => u.Email == admin.Email).Select(u => u.Id).SingleAsync());
        var (invitation, path) = BusinessInvitations.New(admin.BusinessId, $"invitee-{Guid.NewGuid():N}@team.example", MemberRole.Editor, adminId);
        await App.WithDbAsync(db => { db.Invitations.Add(invitation); return db.SaveChangesAsync(); });
        var page = await OpenBrowserAsync();
        await page.GotoAsync(path);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Join" })).ToBeVisibleAsync();
        await CheckAtEveryWidthAsync(page, "invitation");

        await page.GetByLabel("Choose a password").FillAsync("weak");
        await page.GetByRole(AriaRole.Button, new() { Name = "Join" }).ClickAsync();
        await Expect(page.Locator("#name-error")).ToContainTextAsync("Enter your name");
        await CheckAtEveryWidthAsync(page, "invitation-errors");
    }

    [Fact]
    public async Task The_new_and_edit_content_pages_pass_axe_with_and_without_errors()
    {
        var editor = await App.CreateEditorAsync();
        var id = await editor.CreateContentAsync("Sourdough starter");
        var page = await SignInAsync(editor);
        await page.GotoAsync("/content/new");
        await CheckAtEveryWidthAsync(page, "new-content");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(page.Locator("#title-error")).ToContainTextAsync("Enter a title.");
        await CheckAtEveryWidthAsync(page, "new-content-errors");

        await page.GotoAsync($"/content/{id}/edit");
        await CheckAtEveryWidthAsync(page, "edit-content");
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Title" }).FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save title" }).ClickAsync();
        await Expect(page.Locator("#title-error")).ToContainTextAsync("Enter a title.");
        await CheckAtEveryWidthAsync(page, "edit-content-errors");
    }

    [Fact]
    public async Task The_account_and_password_pages_pass_axe()
    {
        var editor = await App.CreateEditorAsync();
        await SignInAsync(editor, 375);
        var page = await SignInAsync(editor);
        await page.GotoAsync("/account");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Where you are signed in" })).ToBeVisibleAsync();
        await Expect(page.Locator("#sessions li")).ToHaveCountAsync(2);
        await CheckAtEveryWidthAsync(page, "account");

        await page.GetByRole(AriaRole.Link, new() { Name = "Change password" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(page.Locator("#current-password-error")).ToContainTextAsync("Enter your current password.");
        await CheckAtEveryWidthAsync(page, "password-errors");
    }

    /// <summary>A second app on its own empty database, as a fresh install starts: no user, so a set-up link is made.</summary>
    private sealed class FreshInstall : IAsyncDisposable
    {
        private readonly TestDatabase _database = TestDatabase.Create();
        private WebApplicationFactory<Program> _app = null!;

        public string SetupUrl { get; private set; } = "";

        public static async Task<FreshInstall> StartAsync()
        {
            var install = new FreshInstall();
            var port = StudioTestHost.FreePort();
            install._app = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            {
                b.UseStudioTestSettings(install._database.ConnectionString, StudioTestHost.NewMediaRoot());
                b.UseSetting("Studio:RunJobs", "false");
            });
            install._app.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
            install._app.StartServer();
            // The link printed at start-up went to the log; a new one (which replaces it) is as good for the browser.
            await using var scope = install._app.Services.CreateAsyncScope();
            var path = await FirstRun.PrepareAsync(scope.ServiceProvider.GetRequiredService<StudioDb>());
            install.SetupUrl = $"http://127.0.0.1:{port}{path}";
            return install;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.DisposeAsync();
            await _database.DisposeAsync();
        }
    }
}
