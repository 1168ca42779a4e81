namespace VideoStudio.Jobs.Webhooks;

public sealed class WebhookOptions
{
    public const string Section = "Studio:Webhooks";

    /// <summary>
    /// How often the outbox is looked at without being told: the trigger's NOTIFY wakes the fan-out at once, so this only
    /// catches notices lost while the listening connection was down, and deliveries whose job could not be enqueued.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The waits before each attempt after the first: Standard Webhooks' own schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
    /// 10 h), so a receiver that is down for a day still gets everything.
    /// </summary>
    public TimeSpan[] RetryDelays { get; set; } =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    /// <summary>How long one attempt waits for the receiver's answer.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
}
