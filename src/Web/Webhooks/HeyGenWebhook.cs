using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Jobs.Generation;
using VideoStudio.Jobs.HeyGen;

namespace VideoStudio.Web.Webhooks;

/// <summary>
/// HeyGen's end-of-render events: a shortcut past the next poll, never the only path (polling stays). The body is
/// verified as raw bytes (HMAC-SHA256, hex, header "Signature") before anything is parsed or changed.
/// </summary>
public static class HeyGenWebhook
{
    public const string Path = "/webhooks/heygen";
    private const int MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapHeyGenWebhook(this IEndpointRouteBuilder app)
    {
        // HeyGen checks a URL with OPTIONS (1 s timeout) before it registers it.
        app.MapMethods(Path, [HttpMethods.Options], () => Results.Ok()).AllowAnonymous();
        // HeyGen cannot hold a user's antiforgery token; the signature stands in for it.
        app.MapPost(Path, ReceiveAsync).AllowAnonymous().DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> ReceiveAsync(
        HttpRequest request, IOptions<HeyGenOptions> options, StudioDb db, GenerateVideoJob job, IBackgroundJobClient jobs,
        ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger(typeof(HeyGenWebhook));
        var secret = options.Value.WebhookSecret;
        if (string.IsNullOrEmpty(secret))
        {
            return Results.Unauthorized();
        }
        if (request.ContentLength > MaxBodyBytes)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }
        var body = await ReadBodyAsync(request.Body, ct);
        if (body is null)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }
        if (!SignatureMatches(secret, body, request.Headers["Signature"].FirstOrDefault()))
        {
            logger.LogWarning("HeyGen webhook refused: missing or wrong signature.");
            return Results.Unauthorized();
        }

        string? eventType, videoId, callbackId, message;
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Results.Text("The body must be a JSON object.", statusCode: StatusCodes.Status400BadRequest);
            }
            eventType = Text(root, "event_type");
            var data = root.TryGetProperty("event_data", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
            videoId = Text(data, "video_id");
            callbackId = Text(data, "callback_id");
            message = Text(data, "msg");
        }
        catch (JsonException)
        {
            return Results.Text("The body is not valid JSON.", statusCode: StatusCodes.Status400BadRequest);
        }

        // Other events (GIFs, translations...) may arrive unasked; they are acknowledged and ignored.
        if (eventType is not ("avatar_video.success" or "avatar_video.fail") || !Guid.TryParse(callbackId, out var generationId))
        {
            return Results.Ok();
        }
        var generation = await db.VideoGenerations.AsNoTracking()
            .Where(g => g.Id == generationId)
            .Select(g => new { g.Status, g.ProviderVideoId })
            .SingleOrDefaultAsync(ct);
        if (generation is null || !generation.Status.IsActive() || (generation.ProviderVideoId is not null && generation.ProviderVideoId != videoId))
        {
            return Results.Ok();
        }

        if (eventType == "avatar_video.fail")
        {
            await job.RecordRenderFailureAsync(generationId, videoId, message, ct);
        }
        else
        {
            if (generation.ProviderVideoId is null && videoId is not null)
            {
                await job.AdoptAsync(generationId, videoId, ct);
            }
            // The download can take a while; the job fetches a freshly signed link and stores the file.
            GenerateVideoJob.Enqueue(jobs, generationId);
        }
        logger.LogInformation("HeyGen webhook {EventType} for generation {GenerationId} accepted.", eventType, generationId);
        return Results.Ok();
    }

    public static bool SignatureMatches(string secret, byte[] body, string? signature)
    {
        if (string.IsNullOrEmpty(signature))
        {
            return false;
        }
        var expected = Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)).ToLowerInvariant();
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature.Trim().ToLowerInvariant()));
    }

    private static async Task<byte[]?> ReadBodyAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
