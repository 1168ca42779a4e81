using System.Net;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests;

/// <summary>Every GET page: anonymous visitors are sent to sign in, members get the page.</summary>
public class SmokeTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    public static TheoryData<string> Pages => new()
    {
        "/",
        "/content",
        "/content/{content}",
        "/content/new",
        "/content/{content}/edit",
        "/content/{content}/delete",
        "/settings/integrations",
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Anonymous_visitors_are_sent_to_sign_in(string page)
    {
        var tenant = await _app.CreateTenantAsync();
        var url = page.Replace("{content}", (await tenant.CreateContentAsync()).ToString());

        var response = await _app.CreateBrowserlessClient().GetAsync(url);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery);
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Members_get_the_page(string page)
    {
        var tenant = await _app.CreateTenantAsync();
        var url = page.Replace("{content}", (await tenant.CreateContentAsync()).ToString());

        var response = await tenant.Client.GetAsync(url);
        if (response.StatusCode == HttpStatusCode.Redirect)
        {
            response = await tenant.Client.GetAsync(response.Headers.Location);
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.ParseAsync();
        Assert.NotNull(document.QuerySelector("h1"));
        Assert.False(string.IsNullOrWhiteSpace(document.Body!.GetAttribute("hx-headers")));
    }

    [Fact]
    public async Task The_sign_in_page_and_static_files_need_no_sign_in()
    {
        var client = _app.CreateBrowserlessClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/login")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/lib/htmx-2.0.11.min.js")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/css/site.css")).StatusCode);
    }
}
