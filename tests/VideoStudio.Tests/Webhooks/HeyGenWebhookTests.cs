using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VideoStudio.Core;
using VideoStudio.HeyGenSimulator;
using VideoStudio.Jobs.Generation;
using VideoStudio.Jobs.HeyGen;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Webhooks;

/// <summary>
/// POST /webhooks/heygen/{token} with bodies and signatures exactly as the simulator (and HeyGen) sends them, to the
/// endpoint a business registered on its settings page.
/// </summary>
[Collection(MediaCollection.Name)]
public class HeyGenWebhookTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_signed_success_event_in_either_header_style_makes_the_job_confirm_with_HeyGen_and_finish(bool legacy)
    {
        var business = await RegisteredBusinessAsync("ok");
        var (generationId, video) = await business.SubmittedGenerationAsync();

        var response = await business.DeliverAsync("avatar_video.success", video, legacy: legacy);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await RunEnqueuedDeliveriesAsync();
        Assert.Contains(EnqueuedJobs(), j => j.Type == typeof(GenerateVideoJob) && Equals(j.Args[0], generationId));
        Assert.Null(await _app.StepAsync(generationId));
        Assert.Equal(GenerationStatus.Completed, (await _app.GenerationAsync(generationId)).Status);
    }

    [Fact]
    public async Task A_signed_failure_event_fails_the_generation_with_the_reason_HeyGen_gives_when_asked()
    {
        var business = await RegisteredBusinessAsync("renderfail");
        var (generationId, video) = await business.SubmittedGenerationAsync();

        var response = await business.DeliverAsync("avatar_video.fail", video);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await RunEnqueuedDeliveriesAsync();
        Assert.Null(await _app.StepAsync(generationId));
        var failed = await _app.GenerationAsync(generationId);
        Assert.Equal(GenerationStatus.Failed, failed.Status);
        Assert.Equal((GenerateVideoJob.RenderFailedMessage, SimulatedHeyGen.RenderFailureMessage + " (rendering_failed)"), (failed.ErrorMessage, failed.ErrorDetail));
    }

    [Fact]
    public async Task A_caption_event_after_the_video_fetches_the_captions_it_announces()
    {
        var business = await RegisteredBusinessAsync("captionslate");
        var (generationId, video) = await business.SubmittedGenerationAsync(VideoSlot.Short);
        await _app.DriveAsync(generationId);
        var assetId = (await _app.GenerationAsync(generationId)).AssetId;
        Assert.Null(await _app.WithDbAsync(db => db.VideoAssets.Where(a => a.Id == assetId).Select(a => a.CaptionsKey).SingleAsync()));

        var response = await business.DeliverAsync("avatar_video_caption.success", video);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await RunEnqueuedDeliveriesAsync();
        var fetch = Assert.Single(EnqueuedJobs(), j => j.Method.Name == nameof(GenerateVideoJob.FetchCompanionsAsync) && Equals(j.Args[0], generationId));
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<GenerateVideoJob>().FetchCompanionsAsync(generationId, CancellationToken.None);
        }
        Assert.NotNull(fetch);
        Assert.NotNull(await _app.WithDbAsync(db => db.VideoAssets.Where(a => a.Id == assetId).Select(a => a.CaptionsKey).SingleAsync()));
    }

    [Fact]
    public async Task A_wrong_signature_is_refused_and_changes_nothing()
    {
        var business = await RegisteredBusinessAsync("renderfail");
        var (generationId, video) = await business.SubmittedGenerationAsync();

        var response = await business.DeliverAsync("avatar_video.fail", video, secret: "whsec_not-the-secret");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(EnqueuedJobs(), j => j.Args.Contains(video.VideoId));
        Assert.Equal(GenerationStatus.Submitted, (await _app.GenerationAsync(generationId)).Status);
    }

    [Fact]
    public async Task A_delivery_older_than_five_minutes_is_refused_even_when_signed()
    {
        var business = await RegisteredBusinessAsync("renderfail");
        var (generationId, video) = await business.SubmittedGenerationAsync();

        var response = await business.DeliverAsync("avatar_video.fail", video, sentAt: DateTimeOffset.UtcNow.AddMinutes(-6));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(EnqueuedJobs(), j => j.Args.Contains(video.VideoId));
    }

    [Fact]
    public async Task A_missing_signature_is_refused_and_changes_nothing()
    {
        var business = await RegisteredBusinessAsync("renderfail");
        var (generationId, video) = await business.SubmittedGenerationAsync();
        var body = SimulatorEndpoints.WebhookBody("avatar_video.fail", video, HeyGenSim.Host.BaseUrl);

        var response = await _app.CreateBrowserlessClient().PostAsync(business.Path, new ByteArrayContent(body));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(GenerationStatus.Submitted, (await _app.GenerationAsync(generationId)).Status);
    }

    [Fact]
    public async Task A_delivery_naming_another_business_generation_changes_nothing()
    {
        var mallory = await RegisteredBusinessAsync("renderfail");
        var victim = await RegisteredBusinessAsync("renderfail");
        var (victimGeneration, victimVideo) = await victim.SubmittedGenerationAsync();

        var response = await mallory.DeliverAsync("avatar_video.fail", victimVideo);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await RunEnqueuedDeliveriesAsync();
        Assert.DoesNotContain(EnqueuedJobs(), j => j.Type == typeof(GenerateVideoJob) && Equals(j.Args[0], victimGeneration));
        Assert.Equal(GenerationStatus.Submitted, (await _app.GenerationAsync(victimGeneration)).Status);
    }

    [Fact]
    public async Task After_a_rotation_the_old_secret_is_refused_and_the_new_one_accepted()
    {
        var business = await RegisteredBusinessAsync("renderfail");
        var (_, video) = await business.SubmittedGenerationAsync();
        var page = await business.Admin.Client.GetDocumentAsync("/settings/integrations");

        var rotated = await business.Admin.Client.SubmitAsync(page.QuerySelector<IHtmlFormElement>("#webhook-rotate-form")!, []);

        Assert.Equal(HttpStatusCode.Redirect, rotated.StatusCode);
        var newSecret = Assert.Single(HeyGenSim.State.EndpointsFor(business.Key)).Secret;
        Assert.NotEqual(business.Secret, newSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, (await business.DeliverAsync("avatar_video.fail", video)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await business.DeliverAsync("avatar_video.fail", video, secret: newSecret)).StatusCode);
    }

    [Fact]
    public async Task A_removed_webhook_is_deleted_at_HeyGen_and_its_deliveries_refused()
    {
        var business = await RegisteredBusinessAsync("renderfail");
        var (_, video) = await business.SubmittedGenerationAsync();
        var page = await business.Admin.Client.GetDocumentAsync("/settings/integrations");

        var removed = await business.Admin.Client.SubmitAsync(page.QuerySelector<IHtmlFormElement>("#webhook-remove-form")!, []);

        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Empty(HeyGenSim.State.EndpointsFor(business.Key));
        Assert.Equal(HttpStatusCode.Unauthorized, (await business.DeliverAsync("avatar_video.fail", video)).StatusCode);
        var after = await business.Admin.Client.GetDocumentAsync("/settings/integrations");
        Assert.NotNull(after.QuerySelector("#webhook-register-form"));
        Assert.False(await _app.WithDbAsync(db => db.AiAvatarIntegrations.AnyAsync(i => i.BusinessId == business.Admin.BusinessId && i.WebhookSecretId != null)));
    }

    [Fact]
    public void The_signature_check_matches_HeyGens_published_reference_digest()
    {
        using var fixture = new MemoryStream();
        SimulatedHeyGen.OpenAsset("fixtures/webhook-success.json").CopyTo(fixture);
        var body = fixture.ToArray();

        Assert.True(HeyGenDelivery.IsAuthentic(body, "632f0a3f1da17b0ad91648026ecedf80d2a2ec96c2b4c281bf3dfd156b6f55fe", null,
            ["whsec_test_0123456789abcdef"], DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.False(HeyGenDelivery.IsAuthentic(body, "632f0a3f1da17b0ad91648026ecedf80d2a2ec96c2b4c281bf3dfd156b6f55fe", null,
            ["test_0123456789abcdef"], DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
    }

    [Theory]
    [InlineData("OPTIONS")]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task HeyGens_registration_check_is_answered(string method)
    {
        var response = await _app.CreateBrowserlessClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), "/webhooks/heygen/any-token"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<RegisteredBusiness> RegisteredBusinessAsync(string scenario)
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var key = HeyGenSim.NewKey(scenario);
        await admin.ConfigureHeyGenAsync(key);
        var (path, secret) = await admin.RegisterWebhookAsync(key);
        return new RegisteredBusiness(_app, admin, key, path, secret);
    }

    private sealed record RegisteredBusiness(StudioApp App, Tenant Admin, string Key, string Path, string Secret)
    {
        public async Task<(Guid GenerationId, SimulatedVideo Video)> SubmittedGenerationAsync(VideoSlot slot = VideoSlot.Long)
        {
            var generationId = await Admin.QueueGenerationAsync(await Admin.CreateContentAsync(), slot);
            Assert.NotNull(await App.StepAsync(generationId));
            return (generationId, Assert.Single(HeyGenSim.State.SubmissionsFor(generationId.ToString())));
        }

        public Task<HttpResponseMessage> DeliverAsync(string eventType, SimulatedVideo video, string? secret = null, bool legacy = false, DateTimeOffset? sentAt = null) =>
            SimulatorEndpoints.DeliverAsync(App.CreateBrowserlessClient(), Path, secret ?? Secret,
                SimulatorEndpoints.WebhookBody(eventType, video, HeyGenSim.Host.BaseUrl), legacy, sentAt ?? DateTimeOffset.UtcNow);
    }

    private List<Hangfire.Common.Job> EnqueuedJobs() =>
        _app.Services.GetRequiredService<JobStorage>().GetMonitoringApi().EnqueuedJobs("default", 0, 10_000).Select(j => j.Value.Job).ToList();

    /// <summary>What a Hangfire worker does with the enqueued deliveries (the tests' app runs no worker).</summary>
    private async Task RunEnqueuedDeliveriesAsync()
    {
        foreach (var job in EnqueuedJobs().Where(j => j.Type == typeof(HeyGenDelivery)))
        {
            await using var scope = _app.Services.CreateAsyncScope();
            await (Task)job.Method.Invoke(scope.ServiceProvider.GetRequiredService<HeyGenDelivery>(), job.Args.ToArray())!;
        }
    }
}
