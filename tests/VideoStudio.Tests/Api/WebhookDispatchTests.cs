using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using StandardWebhooks;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Jobs.Webhooks;
using VideoStudio.Tests.Infrastructure;
using VideoStudio.Web.Api;

namespace VideoStudio.Tests.Api;

/// <summary>
/// A process that runs jobs sends webhooks with nothing to switch on: the outbox trigger's NOTIFY wakes its fan-out and its
/// own Hangfire server sends the delivery. On a database and media folder of its own: a running Hangfire server would
/// otherwise take the jobs that other tests drive step by step.
/// </summary>
public class WebhookDispatchTests
{
    [Fact]
    public async Task A_worker_sends_the_signed_webhook_of_a_committed_change_when_the_outbox_notifies_it()
    {
        await using var database = TestDatabase.Create();
        await using var worker = StudioApp.Instance.WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Studio", database.ConnectionString);
            b.UseSetting("Studio:MediaRoot", StudioTestHost.NewMediaRoot());
            b.UseSetting("Studio:RunJobs", "true");
            // Far longer than the receiver waits: only the trigger's notice can wake the fan-out in time.
            b.UseSetting("Studio:Webhooks:PollInterval", "01:00:00");
        });
        await using var receiver = await WebhookReceiver.StartAsync();
        var seed = new StudioSeed(worker.Services);
        var admin = await seed.MemberAsync(MemberRole.Admin);
        var (_, secret) = await worker.Services.WebhookEndpointAsync(admin.BusinessId, receiver.Url, [WebhookEvents.VideoDeleted]);
        var id = await seed.ContentAsync(admin.BusinessId);
        await seed.VideoAsync(id, VideoSlot.Long, Fixtures.SampleMp4);
        var issued = ApiTokens.Issue(admin.BusinessId, "dispatch", ApiScope.Write, admin.UserId, DateTimeOffset.UtcNow);
        await seed.WithDbAsync(db =>
        {
            db.ApiTokens.Add(issued.Row);
            return db.SaveChangesAsync();
        });
        var api = worker.CreateBrowserlessClient();
        api.DefaultRequestHeaders.Authorization = new("Bearer", issued.Token);

        Assert.Equal(HttpStatusCode.OK, (await api.DeleteAsync($"/api/v1/content/{id}/slots/long/video")).StatusCode);

        var received = await receiver.WaitForRequestAsync();
        new StandardWebhook(secret).Verify(received.Body, received.Headers);
        var body = JsonDocument.Parse(received.Body).RootElement;
        Assert.Equal(WebhookEvents.VideoDeleted, body.GetProperty("type").GetString());
        Assert.Equal(id, body.GetProperty("data").GetProperty("contentId").GetGuid());
    }
}
