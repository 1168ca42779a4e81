using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Pages.Account;

public class PasswordTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task Empty_password_fields_are_named_next_to_each_field_and_the_password_stays()
    {
        var tenant = await _app.CreateTenantAsync();
        var form = (await tenant.Client.GetDocumentAsync("/account/password")).QuerySelector<IHtmlFormElement>("#password-form")!;

        var page = await (await tenant.Client.SubmitAsync(form, new() { ["Input.CurrentPassword"] = "", ["Input.NewPassword"] = "" })).ParseAsync();

        Assert.Contains("Enter your current password.", page.QuerySelector("#current-password-error")!.TextContent);
        Assert.Contains("Choose a new password.", page.QuerySelector("#new-password-error")!.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, (await _app.CreateBrowserlessClient().SubmitSignInAsync(tenant.Email, tenant.Password)).StatusCode);
    }

    [Fact]
    public async Task A_reset_link_without_its_token_or_with_an_empty_password_says_what_to_do()
    {
        var tenant = await _app.CreateTenantAsync();
        var anonymous = _app.CreateBrowserlessClient();
        var forged = await anonymous.GetDocumentAsync($"/account/reset?user={tenant.UserId}&token=made-up");
        var form = forged.QuerySelector<IHtmlFormElement>("#reset-form")!;

        var empty = await (await anonymous.SubmitAsync(form, new() { ["NewPassword"] = "" })).ParseAsync();
        var invalid = await (await anonymous.SubmitAsync(form, new() { ["NewPassword"] = "Fresh!Pass2026" })).ParseAsync();

        Assert.Contains("Choose a new password.", empty.QuerySelector("#reset-password-error")!.TextContent);
        Assert.Contains("does not work any more", invalid.QuerySelector("#reset-error")!.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, (await _app.CreateBrowserlessClient().SubmitSignInAsync(tenant.Email, tenant.Password)).StatusCode);
    }
}
