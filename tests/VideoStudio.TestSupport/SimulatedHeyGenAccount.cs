using Microsoft.Extensions.DependencyInjection;
using VideoStudio.HeyGenSimulator;
using VideoStudio.Jobs.Generation;

namespace VideoStudio.TestSupport;

/// <summary>An account on the HeyGen simulator, and the generation job run step by step against it.</summary>
public static class SimulatedHeyGenAccount
{
    /// <summary>A key no other test uses, with an optional scenario word the simulator reacts to (see SimulatorScenario).</summary>
    public static string NewKey(string scenario = "ok") => $"test-{scenario}-{Guid.NewGuid():N}";

    public static string Avatar => SimulatedHeyGen.Looks[0].Id;

    /// <summary>A look whose preferred orientation is portrait, for the short (9:16) slot.</summary>
    public static string PortraitAvatar => SimulatedHeyGen.Looks[1].Id;

    public static string Voice => SimulatedHeyGen.Voices[0].VoiceId;

    /// <summary>One run of the job's step, in its own scope like a Hangfire worker; returns when it wants to look again.</summary>
    public static async Task<TimeSpan?> StepGenerationAsync(this IServiceProvider services, Guid generationId)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<GenerateVideoJob>().StepAsync(generationId, CancellationToken.None);
    }
}
