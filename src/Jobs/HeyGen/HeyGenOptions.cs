using VideoStudio.Core.Generation;

namespace VideoStudio.Jobs.HeyGen;

/// <summary>Configuration section "HeyGen".</summary>
public sealed class HeyGenOptions
{
    public const string Section = "HeyGen";

    public string BaseUrl { get; set; } = "https://api.heygen.com";

    /// <summary>One GET; HeyGen's reads answer within 2 s at p99 and its own CLI allows 30 s.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>One POST; POST /v3/videos takes about 31 s at p99, so HeyGen's CLI allows 120 s and so do we.</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Sent with every render; 720p and 1080p cost the same, 4k more.</summary>
    public string Resolution { get; set; } = "720p";

    /// <summary>HeyGen suggests 10-15 s between status calls; renders take minutes.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(12);

    /// <summary>A render still unfinished this long after it was sent is given up (HeyGen's CLI stops waiting after 20 min).</summary>
    public TimeSpan GenerationTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>Network errors and 5xx before a generation that never reached HeyGen is given up (429 and 409 only wait).</summary>
    public int MaxSubmitAttempts { get; set; } = 5;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(2);

    public long MaxDownloadBytes { get; set; } = 2L << 30;

    /// <summary>Renders one business keeps in flight at HeyGen (HeyGen answers 429 above 10 on pay-as-you-go); more wait here.</summary>
    public int MaxConcurrentRenders { get; set; } = 10;

    /// <summary>USD per second of video by engine, for the estimate beside Generate; HeyGen's published rates by default.</summary>
    public Dictionary<string, decimal> PricePerSecond { get; set; } = new(RenderEstimate.DefaultPricePerSecond);

    /// <summary>How long after the video the job keeps asking for its subtitles, which HeyGen may finish seconds later.</summary>
    public TimeSpan CaptionWait { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A delivery whose Heygen-Timestamp is further than this from now is refused (HeyGen documents ~5 min).</summary>
    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromMinutes(5);
}
