using VideoStudio.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace VideoStudio.BrowserTests.Pages.Account;

public class SignInTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public async Task An_editor_signs_in_with_the_form_and_lands_on_their_content_list()
    {
        var editor = await App.CreateEditorAsync();
        await editor.CreateContentAsync("Sourdough basics");
        var page = await OpenBrowserAsync();

        await page.GotoAsync("/content");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Editor.SubmitSignInFormAsync(page, editor.Email, editor.Password);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Content", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sourdough basics" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_wrong_password_is_announced_and_the_email_is_kept()
    {
        var editor = await App.CreateEditorAsync();
        var page = await OpenBrowserAsync();

        await page.GotoAsync("/account/login");
        await Editor.SubmitSignInFormAsync(page, editor.Email, "not the password");

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("do not match");
        await Expect(page.GetByLabel("Email")).ToHaveValueAsync(editor.Email);
    }

    [Fact]
    public async Task With_the_keyboard_alone_an_editor_signs_in()
    {
        var editor = await App.CreateEditorAsync();
        var page = await OpenBrowserAsync();
        await page.GotoAsync("/account/login");

        await Keyboard.TabToAsync(page, page.GetByLabel("Email"));
        await page.Keyboard.TypeAsync(editor.Email);
        await Keyboard.TabToAsync(page, page.GetByLabel("Password"));
        await page.Keyboard.TypeAsync(editor.Password);
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Content", Exact = true })).ToBeVisibleAsync();
    }
}
