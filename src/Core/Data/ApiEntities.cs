namespace VideoStudio.Core.Data;

public enum ApiScope { Read, Write }

/// <summary>
/// A business's API token. Only the token's SHA-256 is stored (the token is 256 random bits, so a fast hash is enough);
/// the token itself is shown once, to the admin who created it. It acts as that admin within this business alone.
/// </summary>
public class ApiToken
{
    public Guid Id { get; set; }
    public Guid BusinessId { get; set; }
    public required string Name { get; set; }
    public ApiScope Scope { get; set; }
    public required string TokenHash { get; set; }
    /// <summary>The token's first characters, so an admin can tell which one a client holds.</summary>
    public required string Prefix { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Brought up to date at most once a minute, not on every request.</summary>
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>What a retried Generate with the same Idempotency-Key gets back: the generation the first request started.</summary>
public class ApiIdempotencyKey
{
    /// <summary>
    /// How long a key replays its request. Long enough for any client's retries (Stripe keeps keys as long); past it the key
    /// is a new request, and the hourly cleanup removes its record.
    /// </summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public Guid TokenId { get; set; }
    public required string Key { get; set; }
    public Guid ContentId { get; set; }
    public VideoSlot Slot { get; set; }
    public Guid GenerationId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A business's receiver of outgoing webhooks (Standard Webhooks); its signing secret is stored encrypted.</summary>
public class WebhookEndpoint
{
    public Guid Id { get; set; }
    public Guid BusinessId { get; set; }
    public required string Url { get; set; }
    public string[] Events { get; set; } = [];
    public Guid SecretId { get; set; }
    public IntegrationSecret? Secret { get; set; }
    /// <summary>Set by a site admin only: this endpoint may be on a private network (a receiver beside the app).</summary>
    public bool AllowPrivateNetwork { get; set; }
    public string? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DisabledAt { get; set; }
}

public enum WebhookDeliveryStatus { Pending, Delivered, Failed }

/// <summary>
/// One message to one endpoint: its id is the webhook-id header, the same on every attempt and redelivery, and its body is
/// fixed when it is made, so each attempt sends the same signed bytes (with a fresh timestamp).
/// </summary>
public class WebhookDelivery
{
    public Guid Id { get; set; }
    public Guid EndpointId { get; set; }
    public long? VideoEventId { get; set; }
    public required string EventType { get; set; }
    public required string Payload { get; set; }
    public WebhookDeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public string? JobId { get; set; }
}
