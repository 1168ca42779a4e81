namespace VideoStudio.Core.Generation;

public enum IntegrationReadiness { Ready, MissingKey, MissingIds }

/// <summary>What decides whether a slot may generate: read by the card loader, and by the job from the rows it has.</summary>
public sealed record GenerationFacts(VideoSlot Slot, bool HasScript, int ScriptLength, IntegrationReadiness Integration, bool Generating);

/// <summary>
/// May this slot generate now, and if not, why, in the words the editor sees. The card, the Generate handler, the HeyGen
/// client and the job all ask here, so the button, the refusal and the job never disagree.
/// </summary>
public static class GenerationPolicy
{
    /// <summary>HeyGen's v3 limit for <c>script</c> on POST /v3/videos ("Script text: Maximum 5,000 characters").</summary>
    public const int MaxScriptLength = 5000;

    public const string MissingScriptMessage = "Video script is required to generate an AI avatar video.";
    public const string MissingKeyMessage = "HeyGen API key is not configured. Please set it up in Settings.";
    public const string MissingIdsMessage = "HeyGen avatar and voice IDs are required. Please configure them in Settings.";

    /// <summary>The one definition of "configured": an active integration with a key, an avatar and a voice.</summary>
    public static IntegrationReadiness Readiness(bool hasKey, string? avatarId, string? voiceId) =>
        !hasKey ? IntegrationReadiness.MissingKey
        : string.IsNullOrEmpty(avatarId) || string.IsNullOrEmpty(voiceId) ? IntegrationReadiness.MissingIds
        : IntegrationReadiness.Ready;

    public static string? IntegrationRefusal(IntegrationReadiness integration) => integration switch
    {
        IntegrationReadiness.MissingKey => MissingKeyMessage,
        IntegrationReadiness.MissingIds => MissingIdsMessage,
        _ => null,
    };

    public static string? ScriptRefusal(VideoSlot slot, bool hasScript, int scriptLength) =>
        !hasScript ? MissingScriptMessage
        : scriptLength > MaxScriptLength
            ? $"The {slot.ScriptLabel().ToLowerInvariant()} is {scriptLength:N0} characters long; HeyGen accepts at most {MaxScriptLength:N0}. Shorten it, then generate."
        : null;

    /// <summary>For the job, which has the script itself: the refusal with a stable code for the generation's error_code.</summary>
    public static (string Code, string Message)? ScriptRefusal(VideoSlot slot, string? script) =>
        string.IsNullOrWhiteSpace(script) ? ("missing_script", MissingScriptMessage)
        : ScriptRefusal(slot, true, script.Length) is { } tooLong ? ("script_too_long", tooLong)
        : null;

    /// <summary>Why a new generation may not start, or null when it may. A running generation is no refusal: the card shows it.</summary>
    public static string? Refusal(GenerationFacts facts) =>
        !facts.HasScript ? MissingScriptMessage
        : IntegrationRefusal(facts.Integration) ?? ScriptRefusal(facts.Slot, facts.HasScript, facts.ScriptLength);

    public static bool MayStart(GenerationFacts facts) => !facts.Generating && Refusal(facts) is null;

    /// <summary>
    /// HeyGen answers 429 above 10 renders in flight on pay-as-you-go; a business keeps at most its limit in flight and
    /// the next generations wait here, saying why.
    /// </summary>
    public static string QueueReason(int limit) => $"Queued — HeyGen renders {limit} at a time";
}
