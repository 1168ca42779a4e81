using System.Net;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using VideoStudio.Core;
using VideoStudio.HeyGenSimulator;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Webhooks;

/// <summary>POST /webhooks/heygen with bodies and signatures exactly as the simulator (and HeyGen) sends them.</summary>
[Collection(MediaCollection.Name)]
public class HeyGenWebhookTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task A_signed_success_event_starts_the_download_step_at_once()
    {
        var (generationId, video) = await SubmittedGenerationAsync("ok");

        var response = await DeliverAsync(video, HeyGenSim.WebhookSecret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var enqueued = _app.Services.GetRequiredService<JobStorage>().GetMonitoringApi().EnqueuedJobs("default", 0, 10_000);
        Assert.Contains(enqueued, j => j.Value.Job.Type.Name == "GenerateVideoJob" && Equals(j.Value.Job.Args[0], generationId));
        Assert.Null(await _app.StepAsync(generationId));
        Assert.Equal(GenerationStatus.Completed, (await _app.GenerationAsync(generationId)).Status);
    }

    [Fact]
    public async Task A_signed_failure_event_fails_the_generation_with_HeyGens_message()
    {
        var (generationId, video) = await SubmittedGenerationAsync("renderfail");

        var response = await DeliverAsync(video, HeyGenSim.WebhookSecret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var failed = await _app.GenerationAsync(generationId);
        Assert.Equal(GenerationStatus.Failed, failed.Status);
        Assert.Equal("HeyGen could not render the video: " + SimulatedHeyGen.RenderFailureMessage, failed.ErrorMessage);
    }

    [Fact]
    public async Task A_wrong_signature_is_refused_and_changes_nothing()
    {
        var (generationId, video) = await SubmittedGenerationAsync("renderfail");

        var response = await DeliverAsync(video, "not-the-secret");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(GenerationStatus.Submitted, (await _app.GenerationAsync(generationId)).Status);
    }

    [Fact]
    public async Task A_missing_signature_is_refused_and_changes_nothing()
    {
        var (generationId, video) = await SubmittedGenerationAsync("renderfail");
        var body = SimulatorEndpoints.WebhookBody(video, success: false, HeyGenSim.Host.BaseUrl);

        var response = await _app.CreateBrowserlessClient().PostAsync("/webhooks/heygen", new ByteArrayContent(body));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(GenerationStatus.Submitted, (await _app.GenerationAsync(generationId)).Status);
    }

    [Fact]
    public async Task HeyGens_registration_check_with_OPTIONS_is_answered()
    {
        var response = await _app.CreateBrowserlessClient().SendAsync(new HttpRequestMessage(HttpMethod.Options, "/webhooks/heygen"));

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

    private Task<HttpResponseMessage> DeliverAsync(SimulatedVideo video, string secret) =>
        SimulatorEndpoints.DeliverWebhookAsync(_app.CreateBrowserlessClient(), "/webhooks/heygen", secret, video, HeyGenSim.Host.BaseUrl);
}
