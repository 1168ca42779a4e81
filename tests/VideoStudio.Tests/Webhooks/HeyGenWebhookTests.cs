using System.Net;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using VideoStudio.Core;
using VideoStudio.HeyGenSimulator;
using VideoStudio.Jobs.HeyGen;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Webhooks;

/// <summary>POST /webhooks/heygen with bodies and signatures exactly as the simulator (and HeyGen) sends them.</summary>
[Collection(MediaCollection.Name)]
public class HeyGenWebhookTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_signed_success_event_in_either_header_style_makes_the_job_confirm_with_HeyGen_and_finish(bool legacy)
    {
        var (generationId, video) = await SubmittedGenerationAsync("ok");

        var response = await DeliverAsync("avatar_video.success", video, HeyGenSim.WebhookSecret, legacy);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await RunEnqueuedDeliveriesAsync();
        Assert.Contains(EnqueuedJobs(), j => j.Type.Name == "GenerateVideoJob" && Equals(j.Args[0], generationId));
        Assert.Null(await _app.StepAsync(generationId));
        Assert.Equal(GenerationStatus.Completed, (await _app.GenerationAsync(generationId)).Status);
    }

    [Fact]
    public async Task A_signed_failure_event_fails_the_generation_with_the_reason_HeyGen_gives_when_asked()
    {
        var (generationId, video) = await SubmittedGenerationAsync("renderfail");

        var response = await DeliverAsync("avatar_video.fail", video, HeyGenSim.WebhookSecret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await RunEnqueuedDeliveriesAsync();
        Assert.Null(await _app.StepAsync(generationId));
        var failed = await _app.GenerationAsync(generationId);
        Assert.Equal(GenerationStatus.Failed, failed.Status);
        Assert.Equal("HeyGen could not render the video: " + SimulatedHeyGen.RenderFailureMessage, failed.ErrorMessage);
    }

    [Fact]
    public async Task A_wrong_signature_is_refused_and_changes_nothing()
    {
        var (generationId, video) = await SubmittedGenerationAsync("renderfail");

        var response = await DeliverAsync("avatar_video.fail", video, "not-the-secret");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(GenerationStatus.Submitted, (await _app.GenerationAsync(generationId)).Status);
    }

    [Fact]
    public async Task A_delivery_older_than_five_minutes_is_refused_even_when_signed()
    {
        var (generationId, video) = await SubmittedGenerationAsync("renderfail");
        var body = SimulatorEndpoints.WebhookBody("avatar_video.fail", video, HeyGenSim.Host.BaseUrl);

        var response = await SimulatorEndpoints.DeliverAsync(_app.CreateBrowserlessClient(), "/webhooks/heygen", HeyGenSim.WebhookSecret, body,
            legacy: false, DateTimeOffset.UtcNow.AddMinutes(-6));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(GenerationStatus.Submitted, (await _app.GenerationAsync(generationId)).Status);
    }

    [Fact]
    public async Task A_missing_signature_is_refused_and_changes_nothing()
    {
        var (generationId, video) = await SubmittedGenerationAsync("renderfail");
        var body = SimulatorEndpoints.WebhookBody("avatar_video.fail", video, HeyGenSim.Host.BaseUrl);

        var response = await _app.CreateBrowserlessClient().PostAsync("/webhooks/heygen", new ByteArrayContent(body));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(GenerationStatus.Submitted, (await _app.GenerationAsync(generationId)).Status);
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
        var response = await _app.CreateBrowserlessClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), "/webhooks/heygen"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<(Guid GenerationId, SimulatedVideo Video)> SubmittedGenerationAsync(string scenario)
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey(scenario));
        var generationId = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(), VideoSlot.Long);
        Assert.NotNull(await _app.StepAsync(generationId));
        return (generationId, Assert.Single(HeyGenSim.State.SubmissionsFor(generationId.ToString())));
    }

    private Task<HttpResponseMessage> DeliverAsync(string eventType, SimulatedVideo video, string secret, bool legacy = false) =>
        SimulatorEndpoints.DeliverAsync(_app.CreateBrowserlessClient(), "/webhooks/heygen", secret,
            SimulatorEndpoints.WebhookBody(eventType, video, HeyGenSim.Host.BaseUrl), legacy, DateTimeOffset.UtcNow);

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
