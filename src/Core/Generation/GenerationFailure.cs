namespace VideoStudio.Core.Generation;

/// <summary>
/// What kind of thing went wrong with a render, named from the generation's stored error code: the card's headline. The
/// stored message says it in detail with what to do; HeyGen's own words stay a secondary detail beneath.
/// </summary>
public static class GenerationFailure
{
    public static string Headline(string? errorCode, bool timedOut) =>
        timedOut ? "AI video generation timed out."
        : Reason(errorCode) is { } reason ? $"AI video generation failed: {reason}."
        : "AI video generation failed.";

    private static string? Reason(string? errorCode) => errorCode switch
    {
        "wallet_empty" => "HeyGen's wallet or plan does not cover it",
        "key_rejected" => "HeyGen refused the API key",
        "key_unreadable" => "the saved API key cannot be read",
        "not_configured" => "HeyGen is not set up for this business",
        "unknown_avatar" => "HeyGen does not have the chosen avatar look",
        "unknown_voice" => "HeyGen does not have the chosen voice",
        "missing_script" or "script_too_long" => "the script cannot be sent",
        "refused" => "HeyGen refused the request",
        "render_failed" => "HeyGen could not finish the render",
        "not_found" => "HeyGen no longer has this video",
        "bad_file" => "the finished video could not be downloaded",
        "heygen_unavailable" => "HeyGen could not be reached",
        "not_started" => "the render could not be started here",
        _ => null,
    };
}
