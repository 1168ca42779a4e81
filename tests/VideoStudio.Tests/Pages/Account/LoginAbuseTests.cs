using AngleSharp.Dom;
using System.Net;
using System.Text.RegularExpressions;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Pages.Account;

public class LoginAbuseTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task Unknown_and_known_e_mails_get_the_same_answer()
    {
        var tenant = await _app.CreateTenantAsync();
        var unknown = "nobody-" + Guid.NewGuid().ToString("N")[..8] + "@test.example";

        var known = await _app.CreateBrowserlessClient(from: "10.0.0.1").SubmitSignInAsync(tenant.Email, "wrong-password");
        var stranger = await _app.CreateBrowserlessClient(from: "10.0.0.1").SubmitSignInAsync(unknown, "wrong-password");

        Assert.Equal(known.StatusCode, stranger.StatusCode);
        Assert.Equal(Normalized(await known.Content.ReadAsStringAsync(), tenant.Email), Normalized(await stranger.Content.ReadAsStringAsync(), unknown));
    }

    [Fact]
    public async Task Repeated_failures_slow_down_that_caller_only_and_say_when_to_try_again()
    {
        var tenant = await _app.CreateTenantAsync();
        var attacker = _app.CreateBrowserlessClient(from: "203.0.113.9");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await attacker.SubmitSignInAsync(tenant.Email, "guess-" + i)).StatusCode);
        }

        var limited = await attacker.SubmitSignInAsync(tenant.Email, tenant.Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Matches(@"Try again in \d+ minutes?\.", (await limited.ParseAsync()).QuerySelector("#sign-in-error")!.TextContent);
        var owner = await _app.CreateBrowserlessClient(from: "198.51.100.7").SubmitSignInAsync(tenant.Email, tenant.Password);
        Assert.Equal(HttpStatusCode.Redirect, owner.StatusCode);
    }

    // The page differs only in what the visitor typed and in the antiforgery token, which is new on every response.
    private static string Normalized(string html, string email) =>
        Regex.Replace(html.Replace(email, "EMAIL"), "CfDJ8[A-Za-z0-9_-]+", "TOKEN");
}
