using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VideoStudio.Core.Data;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Pages.Invitations;

public class FirstRunTests
{
    [Fact]
    public async Task A_fresh_install_prints_a_one_time_link_that_creates_the_first_site_administrator()
    {
        await using var install = new FreshInstall();
        var app = install.App;
        var client = app.CreateBrowserlessClient();

        var link = install.SetupLink;
        Assert.NotEmpty(link);
        Assert.DoesNotContain(install.Logs.Lines, l => l.StartsWith("Error") || l.StartsWith("Critical"));
        var token = link["/invitations/".Length..];
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var stored = await scope.ServiceProvider.GetRequiredService<StudioDb>().Invitations.Select(i => i.TokenHash).ToListAsync();
            Assert.DoesNotContain(token, stored);
        }

        var form = (await client.GetDocumentAsync(link)).QuerySelector<IHtmlFormElement>("#accept-form")!;
        var weak = await client.SubmitAsync(form, new() { ["Input.Email"] = "first@team.example", ["Input.DisplayName"] = "First Admin", ["Input.Password"] = "short" });
        Assert.Equal(HttpStatusCode.OK, weak.StatusCode);
        Assert.NotEmpty((await weak.ParseAsync()).QuerySelector("#password-error")!.TextContent.Trim());

        var created = await client.SubmitAsync(form, new() { ["Input.Email"] = "first@team.example", ["Input.DisplayName"] = "First Admin", ["Input.Password"] = "First!Admin2026" });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var signedIn = await client.GetDocumentAsync("/content");
        Assert.Equal("First Admin", signedIn.QuerySelector(".who")!.TextContent.Trim());

        var again = await app.CreateClient().GetAsync(link);
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.Null((await again.ParseAsync()).QuerySelector("#accept-form"));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var admin = await scope.ServiceProvider.GetRequiredService<StudioDb>().Users.SingleAsync();
            Assert.True(admin.IsSiteAdmin);
        }
    }

    [Fact]
    public async Task Setup_form_errors_are_named_next_to_each_field_and_create_nobody()
    {
        await using var install = new FreshInstall();
        var client = install.App.CreateBrowserlessClient();
        var form = (await client.GetDocumentAsync(install.SetupLink)).QuerySelector<IHtmlFormElement>("#accept-form")!;

        foreach (var (fields, field, expected) in new (Dictionary<string, string>, string, string)[]
        {
            (new() { ["Input.Email"] = "", ["Input.DisplayName"] = "Ann", ["Input.Password"] = "First!Admin2026" }, "#email-error", "Enter your e-mail address"),
            (new() { ["Input.Email"] = "ann-at-team", ["Input.DisplayName"] = "Ann", ["Input.Password"] = "First!Admin2026" }, "#email-error", "name@example.com"),
            (new() { ["Input.Email"] = "ann@team.example", ["Input.DisplayName"] = " ", ["Input.Password"] = "First!Admin2026" }, "#name-error", "Enter your name"),
            (new() { ["Input.Email"] = "ann@team.example", ["Input.DisplayName"] = "Ann", ["Input.Password"] = "" }, "#password-error", "Choose a password."),
            (new() { ["Input.Email"] = "ann@team.example", ["Input.DisplayName"] = "Ann", ["Input.Password"] = "lower!case2026" }, "#password-error", "uppercase"),
        })
        {
            var response = await client.SubmitAsync(form, fields);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(expected, (await response.ParseAsync()).QuerySelector(field)!.TextContent);
        }

        await using var scope = install.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudioDb>();
        Assert.False(await db.Users.AnyAsync());
        Assert.True(await db.Invitations.AnyAsync(i => i.SiteAdmin && i.AcceptedAt == null && i.RevokedAt == null));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(install.SetupLink)).StatusCode);
    }

    [Fact]
    public async Task Without_a_valid_token_there_is_no_setup_form()
    {
        var response = await StudioApp.Instance.CreateBrowserlessClient().GetAsync("/invitations/guessed-token");

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Null((await response.ParseAsync()).QuerySelector("#accept-form"));
    }
}
