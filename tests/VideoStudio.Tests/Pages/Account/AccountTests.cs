using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Pages.Account;

public class AccountTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task The_account_page_lists_where_you_are_signed_in_and_signs_out_another_device()
    {
        var tenant = await _app.CreateTenantAsync();
        var phone = _app.CreateBrowserlessClient();
        phone.DefaultRequestHeaders.UserAgent.ParseAdd("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36");
        await phone.SignInAsync(tenant.Email, tenant.Password);

        var account = await tenant.Client.GetDocumentAsync("/account");
        var sessions = account.QuerySelectorAll("#sessions li");
        Assert.Equal(2, sessions.Length);
        Assert.Contains("this browser", sessions[0].TextContent);
        Assert.Contains("Chrome on Android", sessions[1].TextContent);
        Assert.Null(sessions[0].QuerySelector("form"));

        var ended = await tenant.Client.SubmitAsync((IHtmlFormElement)sessions[1].QuerySelector("form")!, []);

        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await phone.GetAsync("/content")).StatusCode);
        var after = await tenant.Client.GetDocumentAsync(ended.Headers.Location!.PathAndQueryOf());
        Assert.NotNull(after.QuerySelector("#session-ended"));
        Assert.Single(after.QuerySelectorAll("#sessions li"));
    }

    [Fact]
    public async Task Nobody_can_sign_out_another_account_s_session()
    {
        var victim = await _app.CreateTenantAsync();
        var attacker = await _app.CreateTenantAsync();
        var victimSession = await _app.WithDbAsync(db => db.UserSessions.Where(s => s.UserId == victim.UserId).Select(s => s.Id).SingleAsync());
        var account = await attacker.Client.GetDocumentAsync("/account");
        var form = account.QuerySelector<IHtmlFormElement>("#sign-out-everywhere-form")!;
        form.SetAttribute("action", "/account?handler=End");

        await attacker.Client.SubmitAsync(form, new() { ["sessionId"] = victimSession.ToString() });

        Assert.Equal(HttpStatusCode.OK, (await victim.Client.GetAsync("/content")).StatusCode);
    }
}
