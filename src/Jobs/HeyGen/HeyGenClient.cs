using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using VideoStudio.Core.Generation;

namespace VideoStudio.Jobs.HeyGen;

/// <summary>What POST /v3/videos is asked to render; <see cref="IdempotencyKey"/> makes a resend replay the first answer.</summary>
public sealed record HeyGenVideoRequest(
    string AvatarId, string VoiceId, string Script, string AspectRatio, string Resolution, string? Engine, string Title, string CallbackId,
    string IdempotencyKey);

/// <summary>GET /v3/videos/{id}. Links are presigned and short-lived: used at once, never stored or shown.</summary>
public sealed record HeyGenVideo(
    string Id, string Status, string? VideoUrl, string? SubtitleUrl, string? ThumbnailUrl, double? Duration, string? FailureCode, string? FailureMessage)
{
    public bool IsCompleted => Status == "completed";

    public bool IsFailed => Status == "failed";
}

public sealed record HeyGenVideoState(string VideoId, string Status);

public sealed record HeyGenLook(
    string Id, string Name, string? AvatarType, string? PreviewImageUrl, string? Orientation, IReadOnlyList<string> Engines, string? Status);

public sealed record HeyGenVoice(string VoiceId, string Name, string? Language, string? Gender, string? PreviewAudioUrl, bool Private);

public sealed record HeyGenPage<T>(IReadOnlyList<T> Items, string? NextToken);

/// <summary>The balance as the account is billed: a wallet in its currency, or credits.</summary>
public sealed record HeyGenUser(string? Email, string BillingType, string Balance);

public sealed record HeyGenWebhookEndpoint(string EndpointId, string Secret);

/// <summary>
/// HeyGen's v3 API (the contract is heygen-api.md of the project's shared notes). The key travels per request,
/// because each business has its own. Never logs bodies or headers. Every failure becomes a <see cref="HeyGenException"/>
/// classified first by HTTP status, then by HeyGen's code. No retrying handler here: retries of a create are the job's
/// decision, always with the same Idempotency-Key.
/// </summary>
public sealed class HeyGenClient(HttpClient http, IOptions<HeyGenOptions> options)
{
    public static readonly string[] WebhookEvents =
        ["avatar_video.success", "avatar_video.fail", "avatar_video_caption.success", "avatar_video_caption.fail"];

    private HeyGenOptions Options => options.Value;

    public async Task<string> CreateVideoAsync(string apiKey, HeyGenVideoRequest video, CancellationToken ct)
    {
        if (video.Script.Length > GenerationPolicy.MaxScriptLength)
        {
            throw new HeyGenException(HeyGenErrorKind.ScriptTooLong,
                $"The script is {video.Script.Length:N0} characters long; HeyGen accepts at most {GenerationPolicy.MaxScriptLength:N0}. Shorten the script and try again.");
        }
        var body = new JsonObject
        {
            ["type"] = "avatar",
            ["avatar_id"] = video.AvatarId,
            ["script"] = video.Script,
            ["voice_id"] = video.VoiceId,
            ["aspect_ratio"] = video.AspectRatio,
            ["resolution"] = video.Resolution,
            ["caption"] = new JsonObject { ["file_format"] = "srt" },
            ["title"] = video.Title,
            ["callback_id"] = video.CallbackId,
        };
        if (video.Engine is { Length: > 0 } engine)
        {
            body["engine"] = new JsonObject { ["type"] = engine };
        }
        var envelope = await SendAsync(apiKey, HttpMethod.Post, "v3/videos", body, Options.WriteTimeout, ct, video, video.IdempotencyKey);
        return Text(envelope["data"] as JsonObject, "video_id") is { Length: > 0 } id
            ? id
            : throw new HeyGenException(HeyGenErrorKind.Transient, "HeyGen accepted the request but sent no video id.");
    }

    public async Task<HeyGenVideo> GetVideoAsync(string apiKey, string videoId, CancellationToken ct)
    {
        var data = await SendObjectAsync(apiKey, $"v3/videos/{Uri.EscapeDataString(videoId)}", ct);
        return new HeyGenVideo(
            Text(data, "id") ?? videoId,
            Text(data, "status") ?? "pending",
            Text(data, "video_url"),
            Text(data, "subtitle_url"),
            Text(data, "thumbnail_url"),
            data["duration"] is JsonValue d && d.TryGetValue<double>(out var seconds) ? seconds : null,
            Text(data, "failure_code"),
            Text(data, "failure_message"));
    }

    /// <summary>GET /v3/videos/statuses for up to 100 ids per call; ids HeyGen does not know come back as not_found.</summary>
    public async Task<IReadOnlyList<HeyGenVideoState>> GetStatusesAsync(string apiKey, IReadOnlyList<string> videoIds, CancellationToken ct)
    {
        var states = new List<HeyGenVideoState>();
        foreach (var batch in videoIds.Chunk(100))
        {
            var envelope = await SendAsync(apiKey, HttpMethod.Get,
                "v3/videos/statuses?video_ids=" + string.Join(',', batch.Select(Uri.EscapeDataString)), null, Options.ReadTimeout, ct);
            states.AddRange((envelope["data"] as JsonArray ?? [])
                .OfType<JsonObject>()
                .Select(item => new HeyGenVideoState(Text(item, "video_id") ?? "", Text(item, "status") ?? "processing"))
                .Where(s => s.VideoId.Length > 0));
        }
        return states;
    }

    public async Task<HeyGenPage<HeyGenLook>> ListLooksAsync(string apiKey, string? token, int limit, CancellationToken ct)
    {
        var envelope = await SendAsync(apiKey, HttpMethod.Get, $"v3/avatars/looks?limit={limit}{TokenQuery(token)}", null, Options.ReadTimeout, ct);
        return new HeyGenPage<HeyGenLook>(
            (envelope["data"] as JsonArray ?? []).OfType<JsonObject>().Select(LookOf).Where(l => l.Id.Length > 0).ToList(),
            NextToken(envelope));
    }

    public async Task<HeyGenLook> GetLookAsync(string apiKey, string lookId, CancellationToken ct) =>
        LookOf(await SendObjectAsync(apiKey, $"v3/avatars/looks/{Uri.EscapeDataString(lookId)}", ct));

    /// <summary>Public voices, or with <paramref name="privateVoices"/> the account's own clones.</summary>
    public async Task<HeyGenPage<HeyGenVoice>> ListVoicesAsync(string apiKey, bool privateVoices, string? token, int limit, CancellationToken ct)
    {
        var envelope = await SendAsync(apiKey, HttpMethod.Get,
            $"v3/voices?type={(privateVoices ? "private" : "public")}&limit={limit}{TokenQuery(token)}", null, Options.ReadTimeout, ct);
        return new HeyGenPage<HeyGenVoice>(
            (envelope["data"] as JsonArray ?? []).OfType<JsonObject>().Select(VoiceOf).Where(v => v.VoiceId.Length > 0).ToList(),
            NextToken(envelope));
    }

    public async Task<HeyGenVoice> GetVoiceAsync(string apiKey, string voiceId, CancellationToken ct) =>
        VoiceOf(await SendObjectAsync(apiKey, $"v3/voices/{Uri.EscapeDataString(voiceId)}", ct));

    public async Task<HeyGenUser> GetUserAsync(string apiKey, CancellationToken ct)
    {
        var data = await SendObjectAsync(apiKey, "v3/users/me", ct);
        var billing = Text(data, "billing_type") ?? "wallet";
        var balance = billing switch
        {
            "wallet" when data["wallet"] is JsonObject wallet => WalletBalance(wallet),
            "subscription" when data["subscription"] is JsonObject subscription => SubscriptionBalance(subscription),
            "usage_based" when data["usage_based"] is JsonObject usage => $"{Number(usage, "remaining_credits"):#,0.##} credits left",
            _ => "balance not reported",
        };
        return new HeyGenUser(Text(data, "email"), billing, balance);
    }

    public async Task<HeyGenWebhookEndpoint> CreateWebhookEndpointAsync(string apiKey, string url, string idempotencyKey, CancellationToken ct)
    {
        var body = new JsonObject { ["url"] = url, ["events"] = new JsonArray(WebhookEvents.Select(e => (JsonNode)e).ToArray()) };
        var data = await SendAsync(apiKey, HttpMethod.Post, "v3/webhooks/endpoints", body, Options.WriteTimeout, ct, idempotencyKey: idempotencyKey);
        var endpoint = data["data"] as JsonObject;
        return Text(endpoint, "endpoint_id") is { Length: > 0 } id && Text(endpoint, "secret") is { Length: > 0 } secret
            ? new HeyGenWebhookEndpoint(id, secret)
            : throw new HeyGenException(HeyGenErrorKind.Transient, "HeyGen registered the webhook but sent no endpoint id or secret.");
    }

    public async Task<string> RotateWebhookSecretAsync(string apiKey, string endpointId, string idempotencyKey, CancellationToken ct)
    {
        var data = await SendAsync(apiKey, HttpMethod.Post, $"v3/webhooks/endpoints/{Uri.EscapeDataString(endpointId)}/rotate-secret", null,
            Options.WriteTimeout, ct, idempotencyKey: idempotencyKey);
        return Text(data["data"] as JsonObject, "secret") is { Length: > 0 } secret
            ? secret
            : throw new HeyGenException(HeyGenErrorKind.Transient, "HeyGen rotated the webhook secret but sent no new one.");
    }

    public Task DeleteWebhookEndpointAsync(string apiKey, string endpointId, CancellationToken ct) =>
        SendAsync(apiKey, HttpMethod.Delete, $"v3/webhooks/endpoints/{Uri.EscapeDataString(endpointId)}", null, Options.WriteTimeout, ct);

    /// <summary>
    /// Opens a presigned file for streaming (no key needed). 403/404 from the file host means the link expired
    /// (<see cref="HeyGenErrorKind.LinkExpired"/>): a fresh GET of the video signs a new one. The caller disposes the response.
    /// </summary>
    public async Task<HttpResponseMessage> DownloadAsync(string url, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new HeyGenException(HeyGenErrorKind.Transient, "A file could not be downloaded from HeyGen: " + Describe(e), inner: e);
        }
        if (!response.IsSuccessStatusCode)
        {
            var status = response.StatusCode;
            response.Dispose();
            throw status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound
                ? new HeyGenException(HeyGenErrorKind.LinkExpired, $"HeyGen's download link expired (HTTP {(int)status}); a fresh one is requested.")
                : new HeyGenException(HeyGenErrorKind.Transient, $"Downloading a file from HeyGen failed with HTTP {(int)status}.");
        }
        return response;
    }

    private async Task<JsonObject> SendObjectAsync(string apiKey, string path, CancellationToken ct) =>
        (await SendAsync(apiKey, HttpMethod.Get, path, null, Options.ReadTimeout, ct))["data"] as JsonObject ?? [];

    /// <summary>Returns the whole success envelope (lists carry has_more/next_token beside data).</summary>
    private async Task<JsonObject> SendAsync(
        string apiKey, HttpMethod method, string path, JsonObject? body, TimeSpan timeout, CancellationToken ct,
        HeyGenVideoRequest? video = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("x-api-key", apiKey);
        request.Headers.Accept.ParseAdd("application/json");
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        HttpResponseMessage response;
        string text;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            text = await response.Content.ReadAsStringAsync(deadline.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            // On a create this is an unknown outcome, not a failure: the resend carries the same key and HeyGen replays.
            throw new HeyGenException(HeyGenErrorKind.Transient, "HeyGen could not be reached: " + Describe(e), inner: e);
        }

        using (response)
        {
            JsonObject? envelope = null;
            try
            {
                envelope = JsonNode.Parse(text) as JsonObject;
            }
            catch (JsonException)
            {
                // A gateway's HTML page (502/504) is classified by its status code alone.
            }
            if (response.IsSuccessStatusCode && envelope?["data"] is not null)
            {
                return envelope;
            }
            var error = envelope?["error"] as JsonObject;
            throw Classify(response.StatusCode, Text(error, "code"), HeyGenException.DetailOf(Text(error, "message"), apiKey), Text(error, "param"),
                response.Headers.RetryAfter, video);
        }
    }

    /// <summary>Our words for what happened and what to do; HeyGen's own message travels beside them as the detail.</summary>
    private static HeyGenException Classify(
        HttpStatusCode status, string? code, string? detail, string? param, System.Net.Http.Headers.RetryConditionHeaderValue? retryAfter,
        HeyGenVideoRequest? video)
    {
        var e = Classify(status, code, param, retryAfter, video);
        e.Detail = detail;
        return e;
    }

    private static HeyGenException Classify(
        HttpStatusCode status, string? code, string? param, System.Net.Http.Headers.RetryConditionHeaderValue? retryAfter, HeyGenVideoRequest? video)
    {
        switch ((int)status)
        {
            case 400 when param is "avatar_id":
                return new HeyGenException(HeyGenErrorKind.UnknownAvatar,
                    $"HeyGen cannot use the avatar look \"{video?.AvatarId}\". Choose another look in Settings.", code);
            case 400 when param is "voice_id":
                return new HeyGenException(HeyGenErrorKind.UnknownVoice,
                    $"HeyGen cannot use the voice \"{video?.VoiceId}\". Choose another voice in Settings.", code);
            case 400:
                return new HeyGenException(HeyGenErrorKind.Refused,
                    (param is null ? "HeyGen refused the request." : $"HeyGen refused the field \"{param}\".") + " Check the script and the look and voice in Settings, then retry.", code);
            case 401:
                return new HeyGenException(HeyGenErrorKind.KeyRejected, "HeyGen rejected the API key. Check the key in Settings.", code);
            case 402 when code is null or "insufficient_credit":
                return new HeyGenException(HeyGenErrorKind.WalletEmpty, "The HeyGen wallet is empty: top it up at HeyGen, then retry.", code);
            case 402:
                return new HeyGenException(HeyGenErrorKind.WalletEmpty, "Your HeyGen plan does not cover this video. Check your plan at HeyGen, then retry.", code);
            case 403:
                return new HeyGenException(HeyGenErrorKind.KeyRejected, "HeyGen refused this API key the permission for this call. Check the key's permissions at HeyGen.", code);
            case 404 when code is "voice_not_found":
                return new HeyGenException(HeyGenErrorKind.UnknownVoice,
                    $"HeyGen does not know the voice ID \"{video?.VoiceId}\". Choose another voice in Settings.", code);
            case 404 when video is not null:
                return new HeyGenException(HeyGenErrorKind.UnknownAvatar,
                    $"HeyGen does not know the avatar look \"{video.AvatarId}\" (or it is still training). Choose another look in Settings.", code);
            case 404:
                return new HeyGenException(HeyGenErrorKind.NotFound, "HeyGen does not know what was asked for.", code);
            case 409:
                // request_in_progress: the first send with this Idempotency-Key is still running; ask again with the same key.
                return new HeyGenException(HeyGenErrorKind.Transient, "HeyGen is still working on the first request for this video.", code,
                    waitOnly: true);
            case 429:
                var wait = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
                return new HeyGenException(HeyGenErrorKind.Transient, "HeyGen is limiting requests right now.", code, wait, waitOnly: true);
            case 408 or >= 500:
                return new HeyGenException(HeyGenErrorKind.Transient, $"HeyGen had a server error (HTTP {(int)status}).", code);
            case >= 200 and < 300:
                return new HeyGenException(HeyGenErrorKind.Transient, "HeyGen answered without the expected data.", code);
            default:
                return new HeyGenException(HeyGenErrorKind.Refused, $"HeyGen refused the request (HTTP {(int)status}).", code);
        }
    }

    private static HeyGenLook LookOf(JsonObject look) => new(
        Text(look, "id") ?? "",
        Text(look, "name") ?? Text(look, "id") ?? "",
        Text(look, "avatar_type"),
        Text(look, "preview_image_url"),
        Text(look, "preferred_orientation"),
        (look["supported_api_engines"] as JsonArray ?? []).Select(e => e?.ToString().ToLowerInvariant() ?? "").Where(e => e.Length > 0).ToList(),
        Text(look, "status"));

    private static HeyGenVoice VoiceOf(JsonObject voice) => new(
        Text(voice, "voice_id") ?? "",
        Text(voice, "name") ?? "",
        Text(voice, "language"),
        Text(voice, "gender"),
        Text(voice, "preview_audio_url"),
        Text(voice, "type") == "private");

    private static string WalletBalance(JsonObject wallet)
    {
        var amount = Number(wallet, "remaining_balance");
        return (Text(wallet, "currency") ?? "usd").ToLowerInvariant() switch
        {
            "usd" => $"${amount:#,0.00} in the API wallet",
            "credits" => $"{amount:#,0.##} credits in the API wallet",
            var other => $"{amount:#,0.00} {other.ToUpperInvariant()} in the API wallet",
        };
    }

    private static string SubscriptionBalance(JsonObject subscription)
    {
        var credits = subscription["credits"] as JsonObject;
        var premium = Number(credits?["premium_credits"] as JsonObject, "remaining");
        var addOn = Number(credits?["add_on_credits"] as JsonObject, "remaining");
        return $"{premium + addOn:#,0.##} credits left on the {Text(subscription, "plan") ?? "current"} plan";
    }

    private static double Number(JsonObject? o, string name) =>
        o?[name] is JsonValue v && v.TryGetValue<double>(out var number) ? number : 0;

    private static string? Text(JsonObject? o, string name) =>
        o?[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static string? NextToken(JsonObject envelope) =>
        envelope["has_more"] is JsonValue more && more.GetValueKind() == JsonValueKind.True ? Text(envelope, "next_token") : null;

    private static string TokenQuery(string? token) => token is { Length: > 0 } ? "&token=" + Uri.EscapeDataString(token) : "";

    private static string Describe(Exception e) => e is OperationCanceledException ? "the request timed out." : e.Message;
}

public enum HeyGenErrorKind { Transient, KeyRejected, WalletEmpty, UnknownAvatar, UnknownVoice, NotFound, ScriptTooLong, LinkExpired, Refused }

public sealed class HeyGenException(
    HeyGenErrorKind kind, string message, string? code = null, TimeSpan? retryAfter = null, Exception? inner = null, bool waitOnly = false)
    : Exception(message, inner)
{
    public HeyGenErrorKind Kind { get; } = kind;

    /// <summary>HeyGen's own code when it sent one (e.g. insufficient_credit); advisory, the HTTP status decided the kind.</summary>
    public string? Code { get; } = code;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>
    /// HeyGen asked us to wait (429, or 409 while the first send with this key is still running): not a failure, so it
    /// does not count against the attempts a generation gets.
    /// </summary>
    public bool WaitOnly { get; } = waitOnly;

    public bool IsTransient => Kind is HeyGenErrorKind.Transient or HeyGenErrorKind.LinkExpired;

    /// <summary>HeyGen's own words for it (its error message), kept apart from ours and shown as a detail.</summary>
    public string? Detail { get; internal set; }

    /// <summary>
    /// HeyGen's text as a detail that may be stored and shown: trimmed, bounded, and never carrying the API key should
    /// HeyGen ever echo it.
    /// </summary>
    /// <summary>For a message that stands alone (Settings): our words, then HeyGen's.</summary>
    public string MessageWithDetail => Detail is null ? Message : $"{Message} HeyGen said: “{Detail}”";

    public static string? DetailOf(string? text, string? apiKey)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        text = text.Trim();
        if (apiKey is { Length: > 0 })
        {
            text = text.Replace(apiKey, "[API key]", StringComparison.Ordinal);
        }
        return text.Length <= MaxDetailLength ? text : text[..MaxDetailLength] + "…";
    }

    private const int MaxDetailLength = 500;

    /// <summary>A short stable word for video_events.error_kind.</summary>
    public string KindName => Kind switch
    {
        HeyGenErrorKind.Transient or HeyGenErrorKind.LinkExpired => "heygen_unavailable",
        HeyGenErrorKind.KeyRejected => "key_rejected",
        HeyGenErrorKind.WalletEmpty => "wallet_empty",
        HeyGenErrorKind.UnknownAvatar => "unknown_avatar",
        HeyGenErrorKind.UnknownVoice => "unknown_voice",
        HeyGenErrorKind.NotFound => "not_found",
        HeyGenErrorKind.ScriptTooLong => "script_too_long",
        _ => "refused",
    };
}
