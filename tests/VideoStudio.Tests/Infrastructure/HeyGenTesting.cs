using System.Collections.Concurrent;
using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.HeyGenSimulator;
using VideoStudio.Jobs.Generation;
using VideoStudio.Jobs.HeyGen;

namespace VideoStudio.Tests.Infrastructure;

/// <summary>One HeyGen simulator for the test run, on its own Kestrel port: the app under test reaches it over real HTTP.</summary>
public static class HeyGenSim
{
    private static readonly Lazy<SimulatorHost> Shared = new(() =>
        SimulatorHost.StartAsync(new SimulatorOptions { RenderDelay = TimeSpan.Zero, SlowCreateDelay = TimeSpan.FromSeconds(2) }).GetAwaiter().GetResult());

    public static SimulatorHost Host => Shared.Value;

    public static SimulatedHeyGen State => Host.State;

    public static string NewKey(string scenario = "ok") => SimulatedHeyGenAccount.NewKey(scenario);

    public static string Avatar => SimulatedHeyGenAccount.Avatar;

    public static string PortraitAvatar => SimulatedHeyGenAccount.PortraitAvatar;

    public static string Voice => SimulatedHeyGenAccount.Voice;
}

public static class HeyGenTenantExtensions
{
    /// <summary>An active HeyGen integration for the tenant's business, the key encrypted as the settings page stores it.</summary>
    public static Task ConfigureHeyGenAsync(this Tenant tenant, string apiKey, string? avatarId = null, string? voiceId = null) =>
        tenant.App.Seed.HeyGenIntegrationAsync(tenant.BusinessId, apiKey, avatarId ?? HeyGenSim.Avatar, voiceId ?? HeyGenSim.Voice);

    /// <summary>Saves an active HeyGen integration through the settings form, as an admin does; returns the page the save redirects to.</summary>
    public static async Task<IHtmlDocument> SaveHeyGenSettingsAsync(this Tenant admin, string key, string avatarId, string voiceId, IHtmlDocument? page = null)
    {
        page ??= await admin.Client.GetDocumentAsync("/settings/integrations");
        var response = await admin.Client.SubmitAsync(page.QuerySelector<IHtmlFormElement>("#heygen-settings-form")!, new()
        {
            ["Input.ApiKey"] = key,
            ["Input.AvatarId"] = avatarId,
            ["Input.VoiceId"] = voiceId,
            ["Input.Active"] = "true",
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return await admin.Client.GetDocumentAsync(response.Headers.Location!.OriginalString);
    }

    /// <summary>
    /// Registers the business's webhook through the settings page, as an admin does; returns the URL path HeyGen was
    /// given and the signing secret the simulator issued for it.
    /// </summary>
    public static async Task<(string Path, string Secret)> RegisterWebhookAsync(this Tenant admin, string apiKey)
    {
        var page = await admin.Client.GetDocumentAsync("/settings/integrations");
        var response = await admin.Client.SubmitAsync(page.QuerySelector<IHtmlFormElement>("#webhook-register-form")!, []);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var endpoint = Assert.Single(HeyGenSim.State.EndpointsFor(apiKey));
        return (new Uri(endpoint.Url).AbsolutePath, endpoint.Secret);
    }

    /// <summary>A queued generation, as the Generate handler inserts it.</summary>
    public static Task<Guid> QueueGenerationAsync(this Tenant tenant, Guid contentId, VideoSlot slot, DateTimeOffset? createdAt = null) =>
        tenant.App.Seed.GenerationAsync(contentId, slot, GenerationStatus.Queued, g =>
        {
            g.RequestedBy = tenant.UserId;
            g.CreatedAt = g.UpdatedAt = createdAt ?? g.CreatedAt;
        });

    /// <summary>One run of the job's step, in its own scope like a Hangfire worker; returns when it wants to look again.</summary>
    public static Task<TimeSpan?> StepAsync(this StudioApp app, Guid generationId) => app.Services.StepGenerationAsync(generationId);

    /// <summary>Runs steps until the job stops scheduling itself, as the chain of continuations would (without the waits).</summary>
    public static async Task<int> DriveAsync(this StudioApp app, Guid generationId)
    {
        var steps = 0;
        while (await app.StepAsync(generationId) is not null)
        {
            Assert.True(++steps < 20, "The job kept rescheduling itself.");
        }
        return steps + 1;
    }

    public static Task<VideoGeneration> GenerationAsync(this StudioApp app, Guid generationId) =>
        app.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AsNoTracking(db.VideoGenerations), g => g.Id == generationId));
}

/// <summary>Every log line the app writes during the test run, to prove what never appears in them.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IEnumerable<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            capture._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
