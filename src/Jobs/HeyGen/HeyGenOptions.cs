namespace VideoStudio.Jobs.HeyGen;

/// <summary>Configuration section "HeyGen".</summary>
public sealed class HeyGenOptions
{
    public const string Section = "HeyGen";

    public string BaseUrl { get; set; } = "https://api.heygen.com";

    /// <summary>For one API call; downloads stream beyond it.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>HeyGen suggests 10-15 s between status calls; renders take minutes.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(12);

    /// <summary>A render still unfinished this long after it was requested is given up (HeyGen's own advice: 15-20 min).</summary>
    public TimeSpan GenerationTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>Transient failures before a generation that never reached HeyGen is given up.</summary>
    public int MaxSubmitAttempts { get; set; } = 5;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(2);

    public long MaxDownloadBytes { get; set; } = 2L << 30;

    /// <summary>The secret of the webhook endpoint registered at HeyGen; webhooks are refused while it is empty.</summary>
    public string? WebhookSecret { get; set; }
}
