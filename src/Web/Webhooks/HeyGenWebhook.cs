using System.Security.Cryptography;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VideoStudio.Core.Data;
using VideoStudio.Core.Media;
using VideoStudio.Jobs.HeyGen;

namespace VideoStudio.Web.Webhooks;

/// <summary>
/// HeyGen's webhook deliveries, one URL per business (<c>/webhooks/heygen/{token}</c>, registered from the settings page):
/// the token names the business whose endpoint secret must verify the raw bytes before anything is parsed. The delivery
/// is then handed to a job (<see cref="HeyGenDelivery"/>), which confirms with HeyGen before it changes anything, and only
/// for that business's generations. Polling stays the fallback.
/// </summary>
public static class HeyGenWebhook
{
    public const string Path = "/webhooks/heygen";
    private const int MaxBodyBytes = 64 * 1024;

    public static string UrlFor(string publicUrl, string token) => $"{publicUrl.TrimEnd('/')}{Path}/{token}";

    public static IEndpointRouteBuilder MapHeyGenWebhook(this IEndpointRouteBuilder app)
    {
        // HeyGen may check a URL before it registers it (OPTIONS in v1/v2, GET reported on v3): answer at once.
        app.MapMethods(Path + "/{token}", [HttpMethods.Options, HttpMethods.Get, HttpMethods.Head], () => Results.Ok()).AllowAnonymous();
        // HeyGen cannot hold a user's antiforgery token; the signature stands in for it.
        app.MapPost(Path + "/{token}", ReceiveAsync).AllowAnonymous().DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> ReceiveAsync(
        string token, HttpRequest request, StudioDb db, HeyGenSecrets secrets, IOptions<HeyGenOptions> options, IBackgroundJobClient jobs,
        TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger(typeof(HeyGenWebhook));
        if (request.ContentLength > MaxBodyBytes || await request.Body.ReadAtMostAsync(MaxBodyBytes, ct) is not { } body)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }
        var endpoint = await db.AiAvatarIntegrations.AsNoTracking()
            .Where(i => i.WebhookToken == token && i.Provider == "heygen")
            .Select(i => new { i.BusinessId, i.WebhookSecret })
            .SingleOrDefaultAsync(ct);
        string? secret = null;
        try
        {
            secret = endpoint?.WebhookSecret is { } stored ? secrets.UnprotectWebhookSecret(stored) : null;
        }
        catch (CryptographicException)
        {
            logger.LogWarning("HeyGen webhook refused: the stored signing secret can no longer be decrypted; rotate it in Settings.");
        }
        var headers = request.Headers;
        if (secret is null
            || !HeyGenDelivery.IsAuthentic(body, headers["Heygen-Signature"].FirstOrDefault() ?? headers["Signature"].FirstOrDefault(),
                headers["Heygen-Timestamp"].FirstOrDefault(), [secret], clock.GetUtcNow(), options.Value.WebhookTolerance))
        {
            logger.LogWarning("HeyGen webhook refused: unknown endpoint, missing or wrong signature, or too old.");
            return Results.Unauthorized();
        }
        if (HeyGenEvent.Parse(body) is not { } delivery)
        {
            return Results.BadRequest();
        }
        HeyGenDelivery.Enqueue(jobs, endpoint!.BusinessId, delivery);
        return Results.Ok();
    }
}
