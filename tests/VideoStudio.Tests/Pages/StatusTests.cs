using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using VideoStudio.Core;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Pages;

/// <summary>Answers without a body of their own get a page a person can read; htmx requests get what htmx can act on.</summary>
public class StatusTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task An_unknown_address_shows_a_styled_not_found_page_with_a_way_back()
    {
        var tenant = await _app.CreateTenantAsync();

        var response = await tenant.Client.GetAsync("/no/such/page");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var page = await response.ParseAsync();
        Assert.Equal("Page not found", page.QuerySelector("h1")!.TextContent);
        Assert.Equal("/content", page.QuerySelector<IHtmlAnchorElement>("main a")!.GetAttribute("href"));
        Assert.NotNull(page.QuerySelector("nav[aria-label=Main]"));
    }

    [Fact]
    public async Task A_signed_in_editor_opening_an_admin_page_is_told_it_is_for_site_administrators()
    {
        var tenant = await _app.CreateTenantAsync();

        foreach (var url in new[] { "/hangfire", "/admin/metrics" })
        {
            var (response, page) = await FollowAsABrowserAsync(tenant.Client, url);

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("You do not have access to this page", page.QuerySelector("h1")?.TextContent);
            Assert.Contains("site administrators", page.QuerySelector("main")!.TextContent);
            // The app's own styled page, still signed in: its stylesheet, its navigation, the way back to the content.
            Assert.NotNull(page.QuerySelector("link[rel=stylesheet][href^='/css/site.css']"));
            Assert.NotNull(page.QuerySelector("nav[aria-label=Main] a[href='/content']"));
            Assert.Equal("/content", page.QuerySelector<IHtmlAnchorElement>("main a")!.GetAttribute("href"));
            Assert.Null(page.QuerySelector("input[type=password], #sign-in-form"));
        }
    }

    /// <summary>Follows redirects (same site only) as a browser does and returns the answer it would show with its page.</summary>
    private static async Task<(HttpResponseMessage Response, IDocument Page)> FollowAsABrowserAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        for (var hops = 0; response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther && hops < 5; hops++)
        {
            response = await client.GetAsync(response.Headers.Location!.PathAndQueryOf());
        }
        return (response, await response.ParseAsync());
    }

    [Fact]
    public async Task An_htmx_request_after_the_session_ended_sends_the_page_to_sign_in_and_back_to_the_same_item()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        var signedOut = _app.CreateBrowserlessClient();

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/content/{id}?handler=Generate&slot=long");
        request.Headers.Add("HX-Request", "true");
        request.Headers.Add("HX-Current-URL", $"http://localhost/content/{id}");
        request.Headers.Add("RequestVerificationToken", page.AntiforgeryHeader());
        var response = await signedOut.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal($"/account/login?returnUrl={Uri.EscapeDataString($"/content/{id}")}", response.Headers.GetValues("HX-Redirect").Single());
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());

        var signIn = await signedOut.SubmitSignInAsync(tenant.Email, tenant.Password, response.Headers.GetValues("HX-Redirect").Single());
        Assert.Equal($"/content/{id}", signIn.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_missing_fragment_asked_for_by_htmx_gets_a_bare_404_not_a_page_inside_a_card()
    {
        var tenant = await _app.CreateTenantAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/content/{Guid.NewGuid()}?handler=Card&slot=long");
        request.Headers.Add("HX-Request", "true");
        var response = await tenant.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync());
    }
}
