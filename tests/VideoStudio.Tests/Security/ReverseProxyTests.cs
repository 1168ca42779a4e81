using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Security;

/// <summary>
/// The app behind a TLS-terminating proxy at 10.0.0.5 serving https://studio.example: the proxy's forwarded scheme is
/// believed, nobody else's; cookies are Secure and HSTS is sent exactly when the browser is on HTTPS; a spoofed Host is
/// neither reflected nor accepted.
/// </summary>
public class ReverseProxyTests
{
    private const string Proxy = "10.0.0.5";
    private const string Stranger = "203.0.113.9";
    private const string PublicHost = "studio.example";

    private static readonly Lazy<WebApplicationFactory<Program>> BehindProxy = new(() => StudioApp.Instance.WithWebHostBuilder(b => b
        .UseSetting("Studio:Proxy:KnownProxies", Proxy)
        .UseSetting("Studio:PublicUrl", $"https://{PublicHost}")
        .UseSetting("AllowedHosts", PublicHost)
        .ConfigureServices(s => s.AddSingleton<IStartupFilter, PeerAddressFromTestHeader>())));

    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task Behind_the_known_proxy_an_HTTPS_visit_gets_Secure_cookies_and_HSTS()
    {
        var tenant = await _app.CreateTenantAsync();

        var session = await Client().SignInForSessionCookieAsync(tenant.Email, tenant.Password, Via(Proxy, "https"));
        var page = await Client().SendAsync(Request("/account/login", Via(Proxy, "https")));

        Assert.Contains("secure", session.Split(';').Select(a => a.Trim().ToLowerInvariant()));
        Assert.All(page.Headers.GetValues("Set-Cookie"), c => Assert.Contains("secure", c.ToLowerInvariant()));
        Assert.StartsWith("max-age=", page.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Theory]
    [InlineData(Stranger, "https")]
    [InlineData(Proxy, "http")]
    public async Task Plain_HTTP_or_a_forwarded_scheme_from_anyone_but_the_proxy_gets_neither(string peer, string forwardedProto)
    {
        var tenant = await _app.CreateTenantAsync();

        var session = await Client().SignInForSessionCookieAsync(tenant.Email, tenant.Password, Via(peer, forwardedProto));
        var page = await Client().SendAsync(Request("/account/login", Via(peer, forwardedProto)));

        Assert.DoesNotContain("secure", session.Split(';').Select(a => a.Trim().ToLowerInvariant()));
        Assert.False(page.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task The_sign_in_redirect_is_built_from_the_public_URL_not_the_Host_header()
    {
        var spoofed = Request("/content", Via(Proxy, "https"));

        var response = await Client().SendAsync(spoofed);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith($"https://{PublicHost}/account/login?ReturnUrl=%2Fcontent", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Without_a_public_URL_a_spoofed_Host_is_not_reflected_into_the_sign_in_redirect()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/content");
        request.Headers.Host = "attacker.example";

        await using var withoutPublicUrl = _app.WithWebHostBuilder(b => b.UseSetting("Studio:PublicUrl", ""));

        var response = await withoutPublicUrl.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }).SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.DoesNotContain("attacker.example", response.Headers.Location!.ToString());
        Assert.StartsWith("/account/login", response.Headers.Location.OriginalString);
    }

    [Fact]
    public async Task A_Host_outside_AllowedHosts_is_refused()
    {
        var request = Request("/account/login", Via(Proxy, "https"));
        request.Headers.Host = "attacker.example";

        var response = await Client().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static HttpClient Client() =>
        BehindProxy.Value.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    private static HttpRequestMessage Request(string url, Action<HttpRequestMessage> decorate)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        decorate(request);
        return request;
    }

    private static Action<HttpRequestMessage> Via(string peer, string forwardedProto) => request =>
    {
        request.Headers.Host ??= PublicHost;
        request.Headers.Add(PeerAddressFromTestHeader.Header, peer);
        request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        request.Headers.Add("X-Forwarded-For", "198.51.100.7");
    };

    /// <summary>Stands in for the TCP connection the test server does not have: the peer address a request came from.</summary>
    private sealed class PeerAddressFromTestHeader : IStartupFilter
    {
        public const string Header = "X-Test-Peer-Address";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                if (http.Request.Headers[Header].FirstOrDefault() is { } peer)
                {
                    http.Connection.RemoteIpAddress = IPAddress.Parse(peer);
                }
                return nextMiddleware(http);
            });
            next(app);
        };
    }
}
