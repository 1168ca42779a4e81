using System.Net;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Security;

public class AntiforgeryTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    // Protected by HeyGen's signature instead: HeyGen cannot hold a user's antiforgery token.
    private static readonly string[] SignedWebhooks = ["/webhooks/heygen/{token}"];

    // Refused before any token matters to everyone but site admins (JobsDashboardTests); Hangfire checks its own token for them.
    private static readonly string[] SiteAdminOnly = ["/hangfire/{**path}"];

    [Fact]
    public async Task Every_unsafe_endpoint_refuses_a_request_without_a_valid_token()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var values = new Dictionary<string, string> { ["id"] = id.ToString(), ["slot"] = "long", ["businessId"] = tenant.BusinessId.ToString(), ["token"] = "any", ["uploadId"] = Guid.NewGuid().ToString("N"), ["versionId"] = Guid.NewGuid().ToString() };
        var unsafeEndpoints = (await EndpointCatalog.AllAsync(_app.Services))
            .Where(e => e.IsUnsafe && !SignedWebhooks.Contains("/" + e.Pattern.TrimStart('/')) && !SiteAdminOnly.Contains("/" + e.Pattern.TrimStart('/')))
            .ToList();
        Assert.Contains(unsafeEndpoints, e => e.Handler == "SaveScript");
        Assert.Contains(unsafeEndpoints, e => e.Pattern.Contains("upload"));
        Assert.Contains(unsafeEndpoints, e => e.Handler is "Restore" or "Undo" or "RemoveVersion");
        // The resumable upload's creation, chunks and termination carry the page's token in a header too.
        Assert.Contains(unsafeEndpoints, e => e.Pattern.Contains("{uploadId") && e.Method == "PATCH");
        Assert.Contains(unsafeEndpoints, e => e.Pattern.Contains("{uploadId") && e.Method == "DELETE");

        var accepted = new List<string>();
        foreach (var endpoint in unsafeEndpoints)
        {
            var withoutToken = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Url(values))
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["text"] = "forged" }),
            };
            withoutToken.Headers.Add("HX-Request", "true");
            var wrongToken = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Url(values))
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["text"] = "forged", ["__RequestVerificationToken"] = "forged" }),
            };
            wrongToken.Headers.Add("RequestVerificationToken", "forged");

            foreach (var request in new[] { withoutToken, wrongToken })
            {
                var response = await tenant.Client.SendAsync(request);
                // The API's endpoints take a bearer token, never the cookie, so a forged request from a page has nothing to ride on.
                var refusal = !IsApi(endpoint) ? HttpStatusCode.BadRequest
                    : endpoint.Pattern.Contains("{**") ? HttpStatusCode.NotFound
                    : HttpStatusCode.Unauthorized;
                if (response.StatusCode != refusal)
                {
                    accepted.Add($"{endpoint} answered {(int)response.StatusCode}");
                }
            }
        }

        Assert.Empty(accepted);
        Assert.Contains(unsafeEndpoints, e => IsApi(e) && e.Pattern.Contains("generate"));
    }

    private static bool IsApi(AppEndpoint endpoint) => endpoint.Pattern.TrimStart('/').StartsWith("api/", StringComparison.Ordinal);
}
