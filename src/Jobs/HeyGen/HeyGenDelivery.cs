using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Jobs.Generation;

namespace VideoStudio.Jobs.HeyGen;

/// <summary>What a verified webhook delivery says, reduced to ids: it is a hint, never the truth.</summary>
public sealed record HeyGenEvent(string EventType, string? VideoId, string? CallbackId)
{
    public static readonly string[] Handled =
        ["avatar_video.success", "avatar_video.fail", "avatar_video_caption.success", "avatar_video_caption.fail"];

    /// <summary>The event of a raw body, or null when it is not JSON; unknown keys are ignored.</summary>
    public static HeyGenEvent? Parse(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            var data = root.TryGetProperty("event_data", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
            return new HeyGenEvent(Text(root, "event_type") ?? "", Text(data, "video_id"), Text(data, "callback_id"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}

/// <summary>
/// HeyGen's webhook deliveries: <see cref="IsAuthentic"/> checks one over its raw bytes (both header styles HeyGen is known
/// to send), and <see cref="HandleAsync"/> runs as a job, so the endpoint answers within HeyGen's 10 s. The job never acts
/// on what the delivery says: it only makes the generation's next step happen now, and that step asks HeyGen
/// (GET /v3/videos/{id}) before it changes anything.
/// </summary>
public sealed class HeyGenDelivery(StudioDb db, IBackgroundJobClient jobs, ILogger<HeyGenDelivery> logger)
{
    /// <summary>
    /// HMAC-SHA256 of the raw body keyed with the endpoint secret exactly as HeyGen returned it (whsec_ prefix included),
    /// lower-case hex in Heygen-Signature, or in Signature as observed on real v3 deliveries. Heygen-Timestamp, when
    /// present, must be within the tolerance; real deliveries have been seen without it, so its absence is accepted.
    /// </summary>
    public static bool IsAuthentic(byte[] body, string? signature, string? timestamp, IEnumerable<string> secrets, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrWhiteSpace(signature))
        {
            return false;
        }
        if (timestamp is not null
            && (!long.TryParse(timestamp, out var seconds) || Math.Abs(now.ToUnixTimeSeconds() - seconds) > tolerance.TotalSeconds))
        {
            return false;
        }
        byte[] given;
        try
        {
            given = Convert.FromHexString(signature.Trim());
        }
        catch (FormatException)
        {
            return false;
        }
        return secrets.Any(secret => CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body), given));
    }

    public static void Enqueue(IBackgroundJobClient jobs, Guid businessId, HeyGenEvent delivery) =>
        jobs.Enqueue<HeyGenDelivery>(d => d.HandleAsync(businessId, delivery.EventType, delivery.VideoId, delivery.CallbackId, CancellationToken.None));

    /// <summary>
    /// Finds the generation the delivery names (callback_id = generation id, or the video id) within the business whose
    /// endpoint secret verified it, and runs its next step now. Another business's generation is not found, so nothing changes.
    /// </summary>
    [JobDisplayName("HeyGen webhook {1}")]
    [AutomaticRetry(Attempts = 3, DelaysInSeconds = [10, 30, 60])]
    public async Task HandleAsync(Guid businessId, string eventType, string? videoId, string? callbackId, CancellationToken ct)
    {
        if (!HeyGenEvent.Handled.Contains(eventType))
        {
            return;
        }
        var byCallback = Guid.TryParse(callbackId, out var id) ? id : (Guid?)null;
        var generation = await db.VideoGenerations.AsNoTracking()
            .Where(g => g.Id == byCallback || (videoId != null && g.ProviderVideoId == videoId))
            .Where(g => db.Content.Any(c => c.Id == g.ContentId && c.BusinessId == businessId))
            .Select(g => new { g.Id, g.Status, g.ProviderVideoId })
            .FirstOrDefaultAsync(ct);
        if (generation is null || (generation.ProviderVideoId is not null && videoId is not null && generation.ProviderVideoId != videoId))
        {
            logger.LogInformation("HeyGen webhook {EventType} names no generation of this business; ignored.", eventType);
            return;
        }
        if (generation.Status.IsActive())
        {
            GenerateVideoJob.Enqueue(jobs, generation.Id);
        }
        else if (generation.Status == GenerationStatus.Completed && eventType == "avatar_video_caption.success")
        {
            jobs.Enqueue<GenerateVideoJob>(j => j.FetchCompanionsAsync(generation.Id, CancellationToken.None));
        }
    }
}
