using VideoStudio.Jobs.HeyGen;

namespace VideoStudio.Web.Pages.Settings;

/// <summary>
/// Asks HeyGen whether the looks, voice and engine an admin saved (or is saving) still exist on v3: ids typed in the v2
/// era may not. Answers a plain sentence per problem; none means all were found.
/// </summary>
public static class HeyGenChecks
{
    public sealed record Ids(string? AvatarId, string? ShortAvatarId, string? VoiceId, string? Engine);

    /// <summary>The problems found; HeyGen being unreachable or refusing the key is thrown, not reported as a problem.</summary>
    public static async Task<IReadOnlyList<string>> ProblemsAsync(HeyGenClient heygen, string apiKey, Ids ids, CancellationToken ct)
    {
        var problems = new List<string>();
        foreach (var (lookId, slot) in new[] { (ids.AvatarId, "the long video"), (ids.ShortAvatarId, "the short video") })
        {
            if (string.IsNullOrEmpty(lookId))
            {
                continue;
            }
            var look = await FindAsync(() => heygen.GetLookAsync(apiKey, lookId, ct));
            if (look is null)
            {
                problems.Add($"HeyGen has no avatar look \"{lookId}\" (for {slot}); IDs from HeyGen's older API may have changed. Load the looks and pick one.");
            }
            else if (!string.IsNullOrEmpty(ids.Engine) && look.Engines.Count > 0 && !look.Engines.Contains(ids.Engine, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"The look \"{look.Name}\" does not support the engine {EngineName(ids.Engine)}. Choose another engine or look.");
            }
            else if (look.Status is { } status && status != "completed")
            {
                problems.Add($"The look \"{look.Name}\" is not ready at HeyGen yet ({status}).");
            }
        }
        if (!string.IsNullOrEmpty(ids.VoiceId) && await FindAsync(() => heygen.GetVoiceAsync(apiKey, ids.VoiceId, ct)) is null)
        {
            problems.Add($"HeyGen has no voice \"{ids.VoiceId}\"; IDs from HeyGen's older API may have changed. Load the voices and pick one.");
        }
        return problems;
    }

    public static string EngineName(string engine) => engine.ToLowerInvariant() switch
    {
        "avatar_iv" => "Avatar IV",
        "avatar_v" => "Avatar V",
        "avatar_iii" => "Avatar III",
        var other => other,
    };

    private static async Task<T?> FindAsync<T>(Func<Task<T>> get) where T : class
    {
        try
        {
            return await get();
        }
        catch (HeyGenException e) when (e.Kind is HeyGenErrorKind.NotFound or HeyGenErrorKind.UnknownAvatar or HeyGenErrorKind.UnknownVoice or HeyGenErrorKind.Refused)
        {
            return null;
        }
    }
}
