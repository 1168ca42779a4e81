using System.Net;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Security;

/// <summary>
/// Clickjacking, MIME sniffing and injected script are refused by the browser on every kind of response: pages, fragments,
/// redirects, errors, static files, media, the live stream and health checks.
/// </summary>
[Collection(MediaCollection.Name)]
public class SecurityHeadersTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task Every_kind_of_response_forbids_framing_sniffing_inline_script_and_cross_site_referrers()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var media = await MediaUrlAsync(tenant, id);
        var anonymous = _app.CreateBrowserlessClient();
        var requests = new List<(string What, HttpClient Client, HttpRequestMessage Request)>
        {
            ("sign-in page", anonymous, new(HttpMethod.Get, "/account/login")),
            ("redirect to sign in", anonymous, new(HttpMethod.Get, "/content")),
            ("content page", tenant.Client, new(HttpMethod.Get, $"/content/{id}")),
            ("card fragment", tenant.Client, new(HttpMethod.Get, $"/content/{id}?handler=Card&slot=long")),
            ("not found", tenant.Client, new(HttpMethod.Get, "/no-such-page")),
            ("error page", tenant.Client, new(HttpMethod.Get, "/Error")),
            ("refused token", tenant.Client, new(HttpMethod.Post, $"/content/{id}?handler=Delete&slot=long")),
            ("static script", anonymous, new(HttpMethod.Get, "/js/site.js")),
            ("static style", anonymous, new(HttpMethod.Get, "/css/site.css")),
            ("media", tenant.Client, new(HttpMethod.Get, media)),
            ("media HEAD", tenant.Client, new(HttpMethod.Head, media)),
            ("health", anonymous, new(HttpMethod.Get, "/healthz")),
            ("unsigned webhook", anonymous, new(HttpMethod.Post, "/webhooks/heygen") { Content = new StringContent("{}") }),
            ("live stream", tenant.Client, new(HttpMethod.Get, $"/content/{id}/events")),
        };

        var missing = new List<string>();
        foreach (var (what, client, request) in requests)
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            missing.AddRange(MissingHeaders(response).Select(m => $"{what} ({(int)response.StatusCode}): {m}"));
        }

        Assert.Empty(missing);
    }

    [Fact]
    public async Task Private_pages_are_not_stored_by_browsers_or_proxies()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();

        var response = await tenant.Client.GetAsync($"/content/{id}");

        Assert.True(response.Headers.CacheControl?.NoStore, $"Cache-Control was '{response.Headers.CacheControl}'");
    }

    [Fact]
    public async Task A_video_is_cached_forever_never_sniffed_and_downloads_under_its_own_safe_name()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var url = await MediaUrlAsync(tenant, id);

        var response = await tenant.Client.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("immutable", response.Headers.CacheControl!.Extensions.Select(e => e.Name));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("inline", disposition.DispositionType);
        Assert.Equal(url["/media/".Length..], disposition.FileName);
    }

    [Fact]
    public async Task HEAD_on_a_video_answers_its_headers_without_the_body()
    {
        var tenant = await _app.CreateTenantAsync();
        var url = await MediaUrlAsync(tenant, await tenant.CreateContentAsync());

        var response = await tenant.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Videos.Mp4.Length, response.Content.Headers.ContentLength);
        Assert.Equal("video/mp4", response.Content.Headers.ContentType!.MediaType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    private static IEnumerable<string> MissingHeaders(HttpResponseMessage response)
    {
        string? Header(string name) =>
            response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values) : null;

        var csp = Header("Content-Security-Policy") ?? "";
        foreach (var directive in new[] { "default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'" })
        {
            if (!csp.Split(';').Select(d => d.Trim()).Contains(directive))
            {
                yield return $"CSP lacks {directive}";
            }
        }
        if (csp.Contains("unsafe-inline") || csp.Contains("unsafe-eval"))
        {
            yield return "CSP allows inline script or eval";
        }
        if (Header("X-Frame-Options") != "DENY")
        {
            yield return $"X-Frame-Options is '{Header("X-Frame-Options")}'";
        }
        if (Header("X-Content-Type-Options") != "nosniff")
        {
            yield return "no nosniff";
        }
        if (Header("Referrer-Policy") is not ("same-origin" or "no-referrer" or "strict-origin-when-cross-origin"))
        {
            yield return $"Referrer-Policy is '{Header("Referrer-Policy")}'";
        }
        if (Header("Permissions-Policy") is not { } permissions || !permissions.Contains("camera=()"))
        {
            yield return "no Permissions-Policy";
        }
    }

    private static async Task<string> MediaUrlAsync(Tenant tenant, Guid id)
    {
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        var card = (await (await tenant.UploadAsync(page, id, "long", Videos.Mp4, "clip.mp4")).FragmentAsync()).Body!.FirstElementChild!;
        return card.QuerySelector("video")!.GetAttribute("src")!;
    }
}
