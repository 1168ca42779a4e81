using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VideoStudio.Core.Data;
using VideoStudio.Jobs.Webhooks;
using VideoStudio.Web.Api;

namespace VideoStudio.Tests.Infrastructure;

public static class ApiTesting
{
    /// <summary>A token of the tenant's business, made by the tenant, and a client that sends it (no cookie).</summary>
    public static async Task<HttpClient> ApiClientAsync(this Tenant tenant, ApiScope scope = ApiScope.Write, Guid? business = null)
    {
        var (token, _) = await tenant.IssueTokenAsync(scope, business);
        return tenant.App.ApiClient(token);
    }

    public static async Task<(string Token, ApiToken Row)> IssueTokenAsync(this Tenant tenant, ApiScope scope = ApiScope.Write, Guid? business = null)
    {
        var issued = ApiTokens.Issue(business ?? tenant.BusinessId, "test", scope, tenant.UserId, DateTimeOffset.UtcNow);
        await tenant.App.WithDbAsync(db =>
        {
            db.ApiTokens.Add(issued.Row);
            return db.SaveChangesAsync();
        });
        return issued;
    }

    /// <summary>An endpoint of the business with a new signing secret, stored as the settings page stores it; the secret in clear for the test's verifier.</summary>
    public static async Task<(Guid Endpoint, string Secret)> WebhookEndpointAsync(
        this IServiceProvider services, Guid businessId, string url, string[] events, bool allowPrivate = true)
    {
        var secret = WebhookSecrets.NewSecret();
        var endpoint = new WebhookEndpoint
        {
            Id = Guid.NewGuid(),
            BusinessId = businessId,
            Url = url,
            Events = events,
            AllowPrivateNetwork = allowPrivate,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await new StudioSeed(services).WithDbAsync(db =>
        {
            endpoint.Secret = db.IntegrationSecrets.Add(services.GetRequiredService<WebhookSecrets>().Protect(secret)).Entity;
            db.WebhookEndpoints.Add(endpoint);
            return db.SaveChangesAsync();
        });
        return (endpoint.Id, secret);
    }

    public static HttpClient ApiClient(this StudioApp app, string token)
    {
        var client = app.CreateBrowserlessClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>());

    /// <summary>An RFC 9457 answer: the status, the problem media type, and a title and status in the body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, System.Net.HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        return problem;
    }
}
