using System.Net;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StandardWebhooks;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Jobs.Webhooks;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Api;

/// <summary>Outgoing webhooks: made from the history every change writes, signed per Standard Webhooks, retried, never into a private network unless allowed.</summary>
[Collection(MediaCollection.Name)]
public class WebhookTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task A_finished_video_is_announced_with_a_signature_the_packages_own_verifier_accepts()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var tenant = await _app.CreateTenantAsync(MemberRole.Admin);
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey());
        var (endpoint, secret) = await EndpointAsync(tenant, receiver.Url, [WebhookEvents.VideoReady, WebhookEvents.GenerationStarted]);
        var id = await tenant.CreateContentAsync();
        var api = await tenant.ApiClientAsync();

        var generation = (await (await api.PostAsync($"/api/v1/content/{id}/slots/long/generate", null)).JsonAsync()).GetProperty("id").GetGuid();
        await _app.DriveAsync(generation);
        var deliveries = await DeliverAllAsync(endpoint);

        Assert.Equal(new[] { WebhookEvents.GenerationStarted, WebhookEvents.VideoReady }, deliveries.Select(d => d.EventType).ToArray());
        Assert.All(deliveries, d => Assert.Equal(WebhookDeliveryStatus.Delivered, d.Status));
        Assert.Equal(2, receiver.Requests.Count);
        var ready = receiver.Requests.Last();
        new StandardWebhook(secret).Verify(ready.Body, ready.Headers);
        Assert.Throws<StandardWebhooks.Diagnostics.WebhookVerificationException>(() => new StandardWebhook(WebhookSecrets.NewSecret()).Verify(ready.Body, ready.Headers));
        Assert.Equal("msg_" + deliveries[1].Id.ToString("N"), ready.Headers["webhook-id"].ToString());
        var body = JsonDocument.Parse(ready.Body).RootElement;
        Assert.Equal(WebhookEvents.VideoReady, body.GetProperty("type").GetString());
        var data = body.GetProperty("data");
        Assert.Equal(id, data.GetProperty("contentId").GetGuid());
        Assert.Equal("long", data.GetProperty("slot").GetString());
        Assert.Equal("video", data.GetProperty("state").GetString());
        Assert.Equal((await _app.GenerationAsync(generation)).AssetId, data.GetProperty("assetId").GetGuid());
        Assert.DoesNotContain(secret, ready.Body);
        Assert.DoesNotContain("/media/", ready.Body);
    }

    [Fact]
    public async Task A_failing_receiver_is_tried_again_and_a_delivery_can_be_sent_again_by_hand()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answers.Enqueue(500);
        var tenant = await _app.CreateTenantAsync(MemberRole.Admin);
        var (endpoint, secret) = await EndpointAsync(tenant, receiver.Url, [WebhookEvents.VideoDeleted]);
        var id = await tenant.CreateContentAsync();
        await _app.Seed.VideoAsync(id, VideoSlot.Short, Fixtures.SampleMp4);
        var api = await tenant.ApiClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.DeleteAsync($"/api/v1/content/{id}/slots/short/video")).StatusCode);

        var failed = (await DeliverAllAsync(endpoint)).Single();
        Assert.Equal(WebhookDeliveryStatus.Pending, failed.Status);
        Assert.Equal(1, failed.Attempts);
        Assert.Equal(500, failed.LastStatusCode);
        Assert.True(failed.NextAttemptAt > failed.LastAttemptAt);
        Assert.NotNull(failed.JobId);

        await SendAsync(failed.Id);
        var delivered = await DeliveryAsync(failed.Id);
        Assert.Equal((WebhookDeliveryStatus.Delivered, 2, 200), (delivered.Status, delivered.Attempts, delivered.LastStatusCode));
        var bodies = receiver.Requests.Select(r => r.Body).Distinct().ToList();
        Assert.Single(bodies);
        Assert.Single(receiver.Requests.Select(r => r.Headers["webhook-id"].ToString()).Distinct());
        foreach (var request in receiver.Requests)
        {
            new StandardWebhook(secret).Verify(request.Body, request.Headers);
        }

        var page = await tenant.Client.GetDocumentAsync("/settings/api");
        var row = page.GetElementById($"delivery-{failed.Id:N}")!;
        Assert.Equal("delivered", row.GetAttribute("data-status"));
        await tenant.Client.SubmitAsync(row.QuerySelector<IHtmlFormElement>("form")!, new());
        Assert.Equal(WebhookDeliveryStatus.Pending, (await DeliveryAsync(failed.Id)).Status);
        await SendAsync(failed.Id);
        Assert.Equal(3, receiver.Requests.Count);
    }

    [Fact]
    public async Task Private_network_targets_are_refused_unless_a_site_admin_allows_them()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var page = await admin.Client.GetDocumentAsync("/settings/api");
        foreach (var url in new[] { receiver.Url, "http://169.254.169.254/latest/meta-data", "http://[::1]:8080/x", "http://10.1.2.3/hook" })
        {
            var refused = await admin.Client.SubmitAsync(page.QuerySelector<IHtmlFormElement>("#add-endpoint-form")!, new() { ["url"] = url });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains("private network", (await refused.ParseAsync()).GetElementById("api-error")!.TextContent);
        }
        Assert.False(await _app.WithDbAsync(db => db.WebhookEndpoints.AnyAsync(e => e.BusinessId == admin.BusinessId)));

        // Saved before its name pointed inward, or stored by hand: the send itself refuses, once and for good.
        var (endpoint, _) = await EndpointAsync(admin, receiver.Url, [WebhookEvents.VideoDeleted], allowPrivate: false);
        var id = await admin.CreateContentAsync();
        await _app.Seed.VideoAsync(id, VideoSlot.Long, Fixtures.SampleMp4);
        Assert.Equal(HttpStatusCode.OK, (await (await admin.ApiClientAsync()).DeleteAsync($"/api/v1/content/{id}/slots/long/video")).StatusCode);
        var delivery = (await DeliverAllAsync(endpoint)).Single();
        Assert.Equal(WebhookDeliveryStatus.Failed, delivery.Status);
        Assert.Contains("private address", delivery.LastError);
        Assert.Empty(receiver.Requests);

        var siteAdmin = await _app.CreateTenantAsync(siteAdmin: true);
        var adminView = await siteAdmin.Client.GetDocumentAsync($"/settings/api?business={admin.BusinessId}");
        await siteAdmin.Client.SubmitAsync(adminView.QuerySelector<IHtmlFormElement>($"#endpoint-{endpoint:N} form")!, new());
        Assert.True((await _app.WithDbAsync(db => db.WebhookEndpoints.SingleAsync(e => e.Id == endpoint))).AllowPrivateNetwork);
        await admin.Client.SubmitAsync((await admin.Client.GetDocumentAsync("/settings/api")).GetElementById($"delivery-{delivery.Id:N}")!
            .QuerySelector<IHtmlFormElement>("form")!, new());
        await SendAsync(delivery.Id);
        Assert.Equal(WebhookDeliveryStatus.Delivered, (await DeliveryAsync(delivery.Id)).Status);
        Assert.Single(receiver.Requests);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.0.0.1", true)]
    [InlineData("172.20.1.1", true)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("93.184.216.34", false)]
    [InlineData("172.32.0.1", false)]
    [InlineData("2606:4700::1111", false)]
    public void Private_addresses_are_told_from_public_ones(string address, bool isPrivate) =>
        Assert.Equal(isPrivate, WebhookTargets.IsPrivate(IPAddress.Parse(address)));

    private Task<(Guid Endpoint, string Secret)> EndpointAsync(Tenant tenant, string url, string[] events, bool allowPrivate = true) =>
        _app.Services.WebhookEndpointAsync(tenant.BusinessId, url, events, allowPrivate);

    /// <summary>What the worker does: the outbox turned into deliveries, then one attempt of each of this endpoint's.</summary>
    private async Task<List<WebhookDelivery>> DeliverAllAsync(Guid endpoint)
    {
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<WebhookFanOut>().RunOnceAsync(CancellationToken.None);
        }
        var ids = await _app.WithDbAsync(db => db.WebhookDeliveries.Where(d => d.EndpointId == endpoint).OrderBy(d => d.VideoEventId).Select(d => d.Id).ToListAsync());
        foreach (var id in ids)
        {
            await SendAsync(id);
        }
        return await _app.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().Where(d => d.EndpointId == endpoint).OrderBy(d => d.VideoEventId).ToListAsync());
    }

    private async Task SendAsync(Guid delivery)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<WebhookDeliveryJob>().SendAsync(delivery, CancellationToken.None);
    }

    private Task<WebhookDelivery> DeliveryAsync(Guid id) => _app.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.Id == id));
}
