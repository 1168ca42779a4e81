using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using VideoStudio.BrowserTests.Infrastructure;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Jobs.Webhooks;
using VideoStudio.Web.Api;
using static Microsoft.Playwright.Assertions;

namespace VideoStudio.BrowserTests.Api;

/// <summary>A change made through the API reaches an open page live, as a change by another editor does.</summary>
public class ApiLiveTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public async Task A_generation_asked_for_by_the_api_shows_on_the_open_page_without_a_reload()
    {
        var editor = await App.CreateEditorAsync(MemberRole.Admin);
        await editor.ConfigureHeyGenAsync();
        var page = await SignInAsync(editor);
        var api = await ApiClientAsync(editor);

        var created = await (await api.PostAsJsonAsync("/api/v1/content", new { title = "From the CMS", mainScript = "Hello from the CMS.", shortScript = "Hi." }))
            .Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var id = created.GetProperty("id").GetGuid();
        await page.GotoAsync($"/content/{id}");
        var card = Card(page, "Long Social Video");
        await Expect(card).ToHaveAttributeAsync("data-state", "empty");

        (await api.PostAsync($"/api/v1/content/{id}/slots/long/generate", null)).EnsureSuccessStatusCode();

        // Well inside the card's own poll: only the live stream can bring it this soon.
        await Expect(card).ToHaveAttributeAsync("data-state", "generating", new() { Timeout = 3_000 });
    }

    [Fact]
    public async Task The_api_settings_and_the_reference_read_well_at_every_width()
    {
        var admin = await App.CreateSiteAdminAsync();
        await ApiClientAsync(admin);
        await App.WithDbAsync(async db =>
        {
            var secrets = new WebhookSecrets(Microsoft.AspNetCore.DataProtection.DataProtectionProvider.Create("screens"));
            var endpoint = new WebhookEndpoint
            {
                Id = Guid.NewGuid(), BusinessId = admin.BusinessId, Url = "https://hooks.example.com/videostudio/a-rather-long-path-for-narrow-screens",
                Events = [WebhookEvents.VideoReady, WebhookEvents.VideoFailed], Secret = db.IntegrationSecrets.Add(secrets.Protect(WebhookSecrets.NewSecret())).Entity,
                CreatedAt = DateTimeOffset.UtcNow,
            };
            db.WebhookEndpoints.Add(endpoint);
            db.WebhookDeliveries.Add(new WebhookDelivery
            {
                Id = Guid.NewGuid(), EndpointId = endpoint.Id, EventType = WebhookEvents.VideoReady, Payload = "{}", Status = WebhookDeliveryStatus.Pending,
                Attempts = 2, LastStatusCode = 503, LastError = "The receiver answered 503 Service Unavailable.", CreatedAt = DateTimeOffset.UtcNow,
                LastAttemptAt = DateTimeOffset.UtcNow, NextAttemptAt = DateTimeOffset.UtcNow.AddMinutes(5),
            });
            await db.SaveChangesAsync();
        });
        var page = await SignInAsync(admin);
        foreach (var (name, url, heading) in new[] { ("settings-api", "/settings/api", "API and webhooks"), ("api-reference", "/api/reference", "VideoStudio API") })
        {
            await page.GotoAsync(url);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                await page.EmulateMediaAsync(new() { ColorScheme = scheme });
                foreach (var width in new[] { 375, 1280 })
                {
                    await page.SetViewportSizeAsync(width, 900);
                    await Layout.AssertNoHorizontalScrollingAsync(page);
                    await Artifacts.ScreenshotAsync(page, $"page-{name}-{width}{(scheme == ColorScheme.Dark ? "-dark" : "")}");
                }
            }
            await Accessibility.AssertNoViolationsAsync(page, url);
        }
    }

    private async Task<HttpClient> ApiClientAsync(Editor editor)
    {
        var userId = await App.WithDbAsync(db => db.Users.Where(u => u.Email == editor.Email).Select(u => u.Id).SingleAsync());
        var (token, row) = ApiTokens.Issue(editor.BusinessId, "browser test", ApiScope.Write, userId, DateTimeOffset.UtcNow);
        await App.WithDbAsync(db =>
        {
            db.ApiTokens.Add(row);
            return db.SaveChangesAsync();
        });
        var client = new HttpClient { BaseAddress = App.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
