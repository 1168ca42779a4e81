using Hangfire;
using Microsoft.Extensions.Options;
using VideoStudio.Jobs.HeyGen;

namespace VideoStudio.Web.Webhooks;

/// <summary>
/// HeyGen's webhook deliveries: verified over the raw bytes before anything is parsed, then handed to a job
/// (<see cref="HeyGenDelivery"/>), which confirms with HeyGen before it changes anything. Polling stays the fallback.
/// </summary>
public static class HeyGenWebhook
{
    public const string Path = "/webhooks/heygen";
    private const int MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapHeyGenWebhook(this IEndpointRouteBuilder app)
    {
        // HeyGen may check a URL before it registers it (OPTIONS in v1/v2, GET reported on v3): answer at once.
        app.MapMethods(Path, [HttpMethods.Options, HttpMethods.Get, HttpMethods.Head], () => Results.Ok()).AllowAnonymous();
        // HeyGen cannot hold a user's antiforgery token; the signature stands in for it.
        app.MapPost(Path, ReceiveAsync).AllowAnonymous().DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> ReceiveAsync(
        HttpRequest request, IOptions<HeyGenOptions> options, IBackgroundJobClient jobs, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger(typeof(HeyGenWebhook));
        var secret = options.Value.WebhookSecret;
        if (string.IsNullOrEmpty(secret))
        {
            return Results.Unauthorized();
        }
        if (request.ContentLength > MaxBodyBytes || await ReadBodyAsync(request.Body, ct) is not { } body)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }
        var headers = request.Headers;
        if (!HeyGenDelivery.IsAuthentic(body, headers["Heygen-Signature"].FirstOrDefault() ?? headers["Signature"].FirstOrDefault(),
                headers["Heygen-Timestamp"].FirstOrDefault(), [secret], clock.GetUtcNow(), options.Value.WebhookTolerance))
        {
            logger.LogWarning("HeyGen webhook refused: missing or wrong signature, or too old.");
            return Results.Unauthorized();
        }
        if (HeyGenEvent.Parse(body) is not { } delivery)
        {
            return Results.BadRequest();
        }
        HeyGenDelivery.Enqueue(jobs, null, delivery);
        return Results.Ok();
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
}
