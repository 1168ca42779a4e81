using System.Globalization;
using System.Text;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StandardWebhooks;
using VideoStudio.Core.Data;

namespace VideoStudio.Jobs.Webhooks;

/// <summary>
/// One attempt to deliver one message, signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature).
/// A 2xx answer delivers it; anything else schedules the next attempt after <see cref="WebhookOptions.RetryDelays"/>,
/// and after the last one it is marked failed (Redeliver on the settings page starts again). Takes the delivery's id only
/// and does nothing for a delivery that is no longer pending, so running it twice is harmless.
/// </summary>
public sealed class WebhookDeliveryJob(
    StudioDb db, WebhookSecrets secrets, WebhookSender sender, IBackgroundJobClient jobs, IOptions<WebhookOptions> options,
    TimeProvider clock, ILogger<WebhookDeliveryJob> log)
{
    public static string Enqueue(IBackgroundJobClient jobs, Guid deliveryId) =>
        jobs.Enqueue<WebhookDeliveryJob>(j => j.SendAsync(deliveryId, CancellationToken.None));

    [AutomaticRetry(Attempts = 0)]
    public async Task SendAsync(Guid deliveryId, CancellationToken ct)
    {
        var delivery = await db.WebhookDeliveries.SingleOrDefaultAsync(d => d.Id == deliveryId, ct);
        if (delivery is not { Status: WebhookDeliveryStatus.Pending })
        {
            return;
        }
        var endpoint = await db.WebhookEndpoints.AsNoTracking().Include(e => e.Secret).SingleOrDefaultAsync(e => e.Id == delivery.EndpointId, ct);
        if (endpoint is null || endpoint.DisabledAt is not null || endpoint.Secret is null)
        {
            Finish(delivery, WebhookDeliveryStatus.Failed, null, "The endpoint was removed.");
            await db.SaveChangesAsync(CancellationToken.None);
            return;
        }

        var attempt = await sender.SendAsync(endpoint, secrets.Unprotect(endpoint.Secret), delivery, ct);
        delivery.Attempts++;
        var delays = options.Value.RetryDelays;
        if (attempt.Delivered)
        {
            Finish(delivery, WebhookDeliveryStatus.Delivered, attempt.StatusCode, null);
            delivery.DeliveredAt = delivery.LastAttemptAt;
        }
        else if (attempt.Final || delivery.Attempts > delays.Length)
        {
            Finish(delivery, WebhookDeliveryStatus.Failed, attempt.StatusCode, attempt.Error);
        }
        else
        {
            Finish(delivery, WebhookDeliveryStatus.Pending, attempt.StatusCode, attempt.Error);
            var delay = delays[delivery.Attempts - 1];
            delivery.NextAttemptAt = delivery.LastAttemptAt + delay;
            delivery.JobId = jobs.Schedule<WebhookDeliveryJob>(j => j.SendAsync(deliveryId, CancellationToken.None), delay);
        }
        await db.SaveChangesAsync(CancellationToken.None);
        log.LogInformation("Webhook delivery {DeliveryId} ({EventType}) attempt {Attempt}: {Status} {Code} {Error}",
            delivery.Id, delivery.EventType, delivery.Attempts, delivery.Status, attempt.StatusCode, attempt.Error);
    }

    private void Finish(WebhookDelivery delivery, WebhookDeliveryStatus status, int? code, string? error)
    {
        delivery.Status = status;
        delivery.LastStatusCode = code;
        delivery.LastError = error is { Length: > 500 } ? error[..500] : error;
        delivery.LastAttemptAt = clock.GetUtcNow();
        delivery.NextAttemptAt = null;
    }
}

public sealed record WebhookAttempt(bool Delivered, int? StatusCode, string? Error, bool Final = false);

/// <summary>Sends one signed message; two long-lived clients, one that may dial private addresses and one that may not.</summary>
public sealed class WebhookSender(IOptions<WebhookOptions> options, TimeProvider clock) : IDisposable
{
    private readonly HttpClient _public = new(WebhookTargets.Handler(allowPrivate: false)) { Timeout = options.Value.Timeout };
    private readonly HttpClient _private = new(WebhookTargets.Handler(allowPrivate: true)) { Timeout = options.Value.Timeout };

    public const string UserAgent = "VideoStudio-Webhooks/1";

    public async Task<WebhookAttempt> SendAsync(WebhookEndpoint endpoint, string secret, WebhookDelivery delivery, CancellationToken ct)
    {
        var timestamp = clock.GetUtcNow();
        var messageId = "msg_" + delivery.Id.ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("webhook-id", messageId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", new StandardWebhook(secret).Sign(messageId, timestamp, delivery.Payload));
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        try
        {
            using var response = await (endpoint.AllowPrivateNetwork ? _private : _public).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var code = (int)response.StatusCode;
            return code is >= 200 and < 300
                ? new WebhookAttempt(true, code, null)
                : new WebhookAttempt(false, code, $"The receiver answered {code} {response.ReasonPhrase}.");
        }
        catch (HttpRequestException e) when (e.InnerException is PrivateNetworkRefusedException refused)
        {
            return new WebhookAttempt(false, null, refused.Message, Final: true);
        }
        catch (HttpRequestException e)
        {
            return new WebhookAttempt(false, null, $"Could not reach the receiver: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new WebhookAttempt(false, null, $"The receiver did not answer within {options.Value.Timeout.TotalSeconds:0} s.");
        }
    }

    public void Dispose()
    {
        _public.Dispose();
        _private.Dispose();
    }
}
