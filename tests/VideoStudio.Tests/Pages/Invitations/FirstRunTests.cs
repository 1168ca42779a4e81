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
    public async Task Without_a_valid_token_there_is_no_setup_form()
    {
        var response = await StudioApp.Instance.CreateBrowserlessClient().GetAsync("/invitations/guessed-token");

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Null((await response.ParseAsync()).QuerySelector("#accept-form"));
    }
}
