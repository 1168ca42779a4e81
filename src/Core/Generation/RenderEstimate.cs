namespace VideoStudio.Core.Generation;

/// <summary>
/// "about 40 s · about $2.65" before Generate: the length from the script (HeyGen's voices speak about 15 characters a
/// second) and the price from the engine's published per-second rate (a configurable table; HeyGen changed it several
/// times in 2026). An estimate, said as one.
/// </summary>
public static class RenderEstimate
{
    public const double CharactersPerSecond = 15;

    /// <summary>HeyGen's pricing page (720p/1080p, studio avatars and digital twins), USD per second of video.</summary>
    public static readonly IReadOnlyDictionary<string, decimal> DefaultPricePerSecond = new Dictionary<string, decimal>
    {
        ["avatar_iv"] = 0.0667m,
        ["avatar_v"] = 0.0667m,
        ["avatar_iii"] = 0.0167m,
    };

    /// <summary>The engine HeyGen uses when none is sent.</summary>
    public const string DefaultEngine = "avatar_iv";

    public static TimeSpan Length(int scriptLength) => TimeSpan.FromSeconds(Math.Max(1, Math.Round(scriptLength / CharactersPerSecond)));

    public static string Describe(int scriptLength, string? engine, IReadOnlyDictionary<string, decimal> pricePerSecond)
    {
        var length = Length(scriptLength);
        var said = length.TotalSeconds < 60
            ? $"about {Math.Max(5, Math.Round(length.TotalSeconds / 5) * 5):0} s"
            : $"about {(int)length.TotalMinutes} min {length.Seconds / 5 * 5:0} s";
        return pricePerSecond.TryGetValue(engine ?? DefaultEngine, out var rate)
            ? $"{said} · about ${(decimal)length.TotalSeconds * rate:0.00}"
            : said;
    }
}
