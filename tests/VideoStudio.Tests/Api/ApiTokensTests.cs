using System.Net;
using System.Net.Http.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Tests.Infrastructure;
using VideoStudio.Web.Api;

namespace VideoStudio.Tests.Api;

/// <summary>API tokens: made on the settings page, shown once, stored hashed, scoped, revocable, one business each, rate limited.</summary>
public class ApiTokensTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task An_admin_creates_a_token_that_is_shown_once_and_stored_only_as_a_hash()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var page = await admin.Client.GetDocumentAsync("/settings/api");

        var created = await (await admin.Client.SubmitAsync(page.QuerySelector<IHtmlFormElement>("#create-token-form")!,
            new() { ["name"] = "CMS", ["scope"] = "write" })).ParseAsync();

        var token = created.QuerySelector<IHtmlInputElement>("#issued-secret-value")!.Value;
        Assert.StartsWith(ApiTokens.TokenPrefix, token);
        var row = await _app.WithDbAsync(db => db.ApiTokens.SingleAsync(t => t.BusinessId == admin.BusinessId));
        Assert.Equal(ApiTokens.Hash(token), row.TokenHash);
        Assert.Equal(ApiScope.Write, row.Scope);
        Assert.Null(row.LastUsedAt);
        Assert.DoesNotContain(token, await admin.Client.GetStringAsync("/settings/api"));

        var response = await _app.ApiClient(token).GetAsync("/api/v1/content");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull((await _app.WithDbAsync(db => db.ApiTokens.SingleAsync(t => t.Id == row.Id))).LastUsedAt);
        Assert.Contains("last used " + DateTimeOffset.UtcNow.ToString("d MMM yyyy"), await admin.Client.GetStringAsync("/settings/api"));
    }

    [Fact]
    public async Task An_editor_cannot_create_tokens()
    {
        var editor = await _app.CreateTenantAsync();
        var page = await editor.Client.GetDocumentAsync("/settings/api");
        Assert.NotNull(page.GetElementById("api-admins-only"));
        Assert.Null(page.GetElementById("create-token-form"));

        var response = await editor.Client.HtmxPostAsync(page, "/settings/api?handler=CreateToken",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "x", ["scope"] = "write" }));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(await _app.WithDbAsync(db => db.ApiTokens.AnyAsync(t => t.BusinessId == editor.BusinessId)));
    }

    [Fact]
    public async Task A_read_token_reads_but_may_not_write()
    {
        var tenant = await _app.CreateTenantAsync(MemberRole.Admin);
        var id = await tenant.CreateContentAsync();
        var api = await tenant.ApiClientAsync(ApiScope.Read);

        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/v1/content/{id}")).StatusCode);
        var refused = await api.PostAsJsonAsync("/api/v1/content", new { title = "Not allowed" });

        var problem = await refused.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("write scope", problem.GetProperty("detail").GetString());
        Assert.False(await _app.WithDbAsync(db => db.Content.AnyAsync(c => c.BusinessId == tenant.BusinessId && c.Title == "Not allowed")));
    }

    [Fact]
    public async Task A_revoked_token_stops_working_at_once()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var (token, row) = await admin.IssueTokenAsync();
        var api = _app.ApiClient(token);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/content")).StatusCode);

        var page = await admin.Client.GetDocumentAsync("/settings/api");
        var form = page.QuerySelector<IHtmlFormElement>($"#token-{row.Id:N} form")!;
        Assert.Equal(HttpStatusCode.Found, (await admin.Client.SubmitAsync(form, new())).StatusCode);

        var refused = await api.GetAsync("/api/v1/content");
        await refused.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Requests_without_a_valid_token_get_a_problem_not_the_sign_in_page()
    {
        var anonymous = _app.CreateBrowserlessClient();
        await (await anonymous.GetAsync("/api/v1/content")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await _app.ApiClient("vs_made-up").GetAsync("/api/v1/content")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        // A signed-in browser's cookie opens no API endpoint: only a token does.
        var editor = await _app.CreateTenantAsync();
        await (await editor.Client.GetAsync("/api/v1/content")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_never_reaches_another_business_even_when_its_maker_belongs_to_both()
    {
        var maker = await _app.CreateTenantAsync(MemberRole.Admin);
        var other = await _app.CreateTenantAsync(MemberRole.Admin);
        await _app.WithDbAsync(db =>
        {
            db.BusinessMembers.Add(new BusinessMember { BusinessId = other.BusinessId, UserId = maker.UserId, Role = MemberRole.Admin });
            return db.SaveChangesAsync();
        });
        var theirs = await other.CreateContentAsync("Their item");
        var api = await maker.ApiClientAsync();

        await (await api.GetAsync($"/api/v1/content/{theirs}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await api.GetAsync($"/api/v1/content/{theirs}/slots/long")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await api.PostAsync($"/api/v1/content/{theirs}/slots/long/generate", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await api.DeleteAsync($"/api/v1/content/{theirs}/slots/long/video")).AssertProblemAsync(HttpStatusCode.NotFound);
        var upload = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/content/{theirs}/uploads/long");
        upload.Headers.Add("Tus-Resumable", "1.0.0");
        upload.Headers.Add("Upload-Length", "100");
        Assert.Equal(HttpStatusCode.NotFound, (await api.SendAsync(upload)).StatusCode);
        var list = await (await api.GetAsync("/api/v1/content?q=Their")).JsonAsync();
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_token_past_its_rate_limit_is_told_when_to_come_back()
    {
        await using var limited = _app.WithWebHostBuilder(b => b.UseSetting("Studio:Api:RequestsPerMinute", "2"));
        var tenant = await _app.CreateTenantAsync();
        var (token, _) = await tenant.IssueTokenAsync();
        var api = limited.CreateClient();
        api.DefaultRequestHeaders.Authorization = new("Bearer", token);

        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/content")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/content")).StatusCode);
        var refused = await api.GetAsync("/api/v1/content");

        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single()) > 0);
    }

    [Fact]
    public async Task Refused_tokens_from_one_address_are_throttled_there_and_nowhere_else()
    {
        await using var limited = _app.WithWebHostBuilder(b => b.UseSetting("Studio:Api:InvalidTokensPerMinute", "3"));
        var tenant = await _app.CreateTenantAsync();
        var (token, _) = await tenant.IssueTokenAsync(ApiScope.Read);
        HttpClient From(string address, string bearer)
        {
            var client = limited.CreateClient();
            client.DefaultRequestHeaders.Add(ClientAddressFromHeader.Header, address);
            client.DefaultRequestHeaders.Authorization = new("Bearer", bearer);
            return client;
        }
        var guesser = "203.0.113.7";

        foreach (var guess in new[] { ApiTokens.TokenPrefix + new string('a', 43), "garbage", ApiTokens.TokenPrefix + "x" })
        {
            await (await From(guesser, guess).GetAsync("/api/v1/content")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
        var throttled = await From(guesser, ApiTokens.TokenPrefix + new string('b', 43)).GetAsync("/api/v1/content");

        await throttled.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.InRange(int.Parse(throttled.Headers.GetValues("Retry-After").Single()), 1, 60);
        // Until the minute is over even a working token is refused there: the answer to a guess must not tell it apart.
        await (await From(guesser, token).GetAsync("/api/v1/content")).AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.OK, (await From("203.0.113.8", token).GetAsync("/api/v1/content")).StatusCode);
    }
}
