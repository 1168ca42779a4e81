using AngleSharp.Dom;
using System.Net;
using AngleSharp.Html.Dom;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Pages.Account;

public class LoginTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task Wrong_password_keeps_the_user_out_and_says_what_to_check()
    {
        var tenant = await _app.CreateTenantAsync();
        var client = _app.CreateBrowserlessClient();

        var response = await client.SubmitSignInAsync(tenant.Email, "not-the-password");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var error = (await response.ParseAsync()).QuerySelector("#sign-in-error");
        Assert.NotNull(error);
        Assert.Contains("do not match", error.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/content")).StatusCode);
    }

    [Fact]
    public async Task Empty_fields_are_named_next_to_each_field()
    {
        var client = _app.CreateBrowserlessClient();

        var page = await (await client.SubmitSignInAsync("", "")).ParseAsync();

        Assert.Contains("Enter your email.", page.QuerySelector("#email-error")!.TextContent);
        Assert.Contains("Enter your password.", page.QuerySelector("#password-error")!.TextContent);
        var onlyPassword = await (await client.SubmitSignInAsync("someone@test.example", "")).ParseAsync();
        Assert.Empty(onlyPassword.QuerySelector("#email-error")!.TextContent.Trim());
        Assert.Equal("someone@test.example", onlyPassword.QuerySelector<IHtmlInputElement>("#email")!.Value);
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        var tenant = await _app.CreateTenantAsync();
        var list = await tenant.Client.GetDocumentAsync("/content");

        var signOut = (IHtmlFormElement)list.QuerySelector("#sign-out")!.Closest("form")!;
        var response = await tenant.Client.SubmitAsync(signOut, []);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var after = await tenant.Client.GetAsync("/content");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/account/login", after.Headers.Location!.PathAndQueryOf());
    }

    [Fact]
    public async Task Sign_in_returns_to_the_page_asked_for_but_never_to_another_site()
    {
        var tenant = await _app.CreateTenantAsync();
        var client = _app.CreateBrowserlessClient();

        foreach (var (returnUrl, expected) in new[] { ("/content", "/content"), ("https://evil.example/", "/content") })
        {
            var response = await client.SubmitSignInAsync(tenant.Email, tenant.Password, "/account/login?ReturnUrl=" + Uri.EscapeDataString(returnUrl));
            Assert.Equal(expected, response.Headers.Location!.OriginalString);
        }
    }
}
