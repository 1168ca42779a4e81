using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

using VideoStudio.Core.Generation;

namespace VideoStudio.Jobs.HeyGen;

public sealed record HeyGenAvatar(string AvatarId, string Name, string? PreviewImageUrl);

public sealed record HeyGenVoice(string VoiceId, string Name, string? Language, string? Gender);

public sealed record HeyGenVideoRequest(string AvatarId, string VoiceId, string Script, int Width, int Height, string Title, string CallbackId);

/// <summary>The status of a render; <see cref="Error"/> is HeyGen's own words when it failed.</summary>
public sealed record HeyGenVideoStatus(string Status, string? VideoUrl, string? Error, string? ErrorCode)
{
    public bool IsCompleted => Status == "completed";
    public bool IsFailed => Status == "failed";
}

/// <summary>
/// HeyGen's v1/v2 API (contract: shared/heygen-api.md). The key travels per request, because each business has its own.
/// Never logs bodies or headers; failures become <see cref="HeyGenException"/> with a transient/permanent verdict.
/// No retrying handler here: a retried generate could create a second video, so retries are the job's decision.
/// </summary>
public sealed class HeyGenClient(HttpClient http)
{
    public async Task<string> GenerateAsync(string apiKey, HeyGenVideoRequest video, CancellationToken ct)
    {
        if (video.Script.Length > GenerationPolicy.MaxScriptLength)
        {
            throw new HeyGenException(HeyGenErrorKind.ScriptTooLong,
                $"The script is {video.Script.Length:N0} characters long; HeyGen accepts at most {GenerationPolicy.MaxScriptLength:N0}. Shorten the script and try again.");
        }
        var body = new JsonObject
        {
            ["video_inputs"] = new JsonArray(new JsonObject
            {
                ["character"] = new JsonObject { ["type"] = "avatar", ["avatar_id"] = video.AvatarId, ["avatar_style"] = "normal" },
                ["voice"] = new JsonObject { ["type"] = "text", ["voice_id"] = video.VoiceId, ["input_text"] = video.Script },
            }),
            ["dimension"] = new JsonObject { ["width"] = video.Width, ["height"] = video.Height },
            ["title"] = video.Title,
            ["callback_id"] = video.CallbackId,
        };
        var data = await SendAsync(apiKey, HttpMethod.Post, "/v2/video/generate", body, ct, video);
        return data["video_id"]?.GetValue<string>() is { Length: > 0 } id
            ? id
            : throw new HeyGenException(HeyGenErrorKind.Transient, "HeyGen accepted the request but sent no video id.");
    }

    public async Task<HeyGenVideoStatus> GetStatusAsync(string apiKey, string videoId, CancellationToken ct)
    {
        var data = await SendAsync(apiKey, HttpMethod.Get, $"/v1/video_status.get?video_id={Uri.EscapeDataString(videoId)}", null, ct);
        var status = data["status"]?.GetValue<string>() ?? "pending";
        // Documented as a string, observed as {code, message, detail}; accept both.
        var (error, code) = data["error"] switch
        {
            JsonObject o => (o["message"]?.ToString() ?? o["detail"]?.ToString(), o["code"]?.ToString()),
            JsonValue v when v.GetValueKind() == JsonValueKind.String => (v.GetValue<string>(), null),
            _ => ((string?)null, (string?)null),
        };
        return new HeyGenVideoStatus(status, data["video_url"]?.GetValue<string>(), error, code);
    }

    public async Task<IReadOnlyList<HeyGenAvatar>> ListAvatarsAsync(string apiKey, CancellationToken ct)
    {
        var data = await SendAsync(apiKey, HttpMethod.Get, "/v2/avatars", null, ct);
        return (data["avatars"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(a => new HeyGenAvatar(a["avatar_id"]?.ToString() ?? "", a["avatar_name"]?.ToString() ?? "", a["preview_image_url"]?.ToString()))
            .Where(a => a.AvatarId.Length > 0)
            .ToList();
    }

    public async Task<IReadOnlyList<HeyGenVoice>> ListVoicesAsync(string apiKey, CancellationToken ct)
    {
        var data = await SendAsync(apiKey, HttpMethod.Get, "/v2/voices", null, ct);
        return (data["voices"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(v => new HeyGenVoice(v["voice_id"]?.ToString() ?? "", v["name"]?.ToString() ?? "", v["language"]?.ToString(), v["gender"]?.ToString()))
            .Where(v => v.VoiceId.Length > 0)
            .ToList();
    }

    /// <summary>Remaining quota in HeyGen's units; 60 units are one credit.</summary>
    public async Task<double> GetRemainingQuotaAsync(string apiKey, CancellationToken ct)
    {
        var data = await SendAsync(apiKey, HttpMethod.Get, "/v2/user/remaining_quota", null, ct);
        return data["remaining_quota"]?.GetValue<double>() ?? 0;
    }

    /// <summary>Opens the finished file for streaming; signed links need no key. The caller disposes the response.</summary>
    public async Task<HttpResponseMessage> DownloadAsync(string url, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new HeyGenException(HeyGenErrorKind.Transient, "The finished video could not be downloaded from HeyGen: " + Describe(e), inner: e);
        }
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            // An expired signed link answers 403; the next status call signs a fresh one, so this is worth another try.
            throw new HeyGenException(HeyGenErrorKind.Transient, $"Downloading the finished video from HeyGen failed with HTTP {status}.");
        }
        return response;
    }

    private async Task<JsonObject> SendAsync(string apiKey, HttpMethod method, string path, JsonObject? body, CancellationToken ct, HeyGenVideoRequest? video = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        request.Headers.Add("X-Api-Key", apiKey);
        request.Headers.Accept.ParseAdd("application/json");
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new HeyGenException(HeyGenErrorKind.Transient, "HeyGen could not be reached: " + Describe(e), inner: e);
        }

        using (response)
        {
            JsonObject? envelope = null;
            try
            {
                envelope = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct)) as JsonObject;
            }
            catch (JsonException)
            {
                // An HTML error page from a proxy is classified by its status code below.
            }
            var (code, message) = ErrorOf(envelope);
            var status = response.StatusCode;

            if (response.IsSuccessStatusCode && code is null && envelope?["data"] is JsonObject data)
            {
                return data;
            }
            throw Classify(status, code, message, response.Headers.RetryAfter, video);
        }
    }

    /// <summary>Both envelopes: v2 {error: {code, message}} and v1 {code: int (100 = success), message}.</summary>
    private static (string? Code, string? Message) ErrorOf(JsonObject? envelope)
    {
        if (envelope is null)
        {
            return (null, null);
        }
        if (envelope["error"] is JsonObject error)
        {
            return (error["code"]?.ToString() ?? "error", error["message"]?.ToString());
        }
        if (envelope["code"] is JsonValue v1Code && v1Code.ToString() != "100")
        {
            return (v1Code.ToString(), envelope["message"]?.ToString() ?? envelope["msg"]?.ToString());
        }
        return (null, null);
    }

    private static HeyGenException Classify(HttpStatusCode status, string? code, string? message, System.Net.Http.Headers.RetryConditionHeaderValue? retryAfter, HeyGenVideoRequest? video)
    {
        var said = string.IsNullOrWhiteSpace(message) ? "" : $" HeyGen said: {message}";
        // Auth failures arrive as internal_error with HTTP 401, so the status code decides, not the code string.
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || code is "40009" or "400112" or "400101")
        {
            return new HeyGenException(HeyGenErrorKind.KeyRejected, "HeyGen rejected the API key. Check the key in Settings.", code);
        }
        if (status == HttpStatusCode.TooManyRequests || code is "400123" or "400664" or "trial_video_limit_exceeded")
        {
            var wait = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
            return new HeyGenException(HeyGenErrorKind.Transient, "HeyGen is limiting requests right now." + said, code, wait);
        }
        if ((int)status >= 500 || status == HttpStatusCode.RequestTimeout)
        {
            return new HeyGenException(HeyGenErrorKind.Transient, $"HeyGen had a server error (HTTP {(int)status}).{said}", code);
        }
        if (code is "avatar_not_found" or "400144" or "40090")
        {
            return new HeyGenException(HeyGenErrorKind.UnknownAvatar,
                $"HeyGen does not know the avatar ID \"{video?.AvatarId}\". Choose another avatar in Settings.", code);
        }
        if (code is "voice_not_found" or "400116" or "400548")
        {
            return new HeyGenException(HeyGenErrorKind.UnknownVoice,
                $"HeyGen does not know the voice ID \"{video?.VoiceId}\". Choose another voice in Settings.", code);
        }
        return new HeyGenException(HeyGenErrorKind.Refused, $"HeyGen refused the request (HTTP {(int)status}).{said}", code);
    }

    private static string Describe(Exception e) => e is TaskCanceledException ? "the request timed out." : e.Message;
}

public enum HeyGenErrorKind { Transient, KeyRejected, UnknownAvatar, UnknownVoice, ScriptTooLong, Refused }

public sealed class HeyGenException(HeyGenErrorKind kind, string message, string? code = null, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public HeyGenErrorKind Kind { get; } = kind;

    /// <summary>HeyGen's own code when it sent one (e.g. avatar_not_found, 400112).</summary>
    public string? Code { get; } = code;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    public bool IsTransient => Kind == HeyGenErrorKind.Transient;

    /// <summary>A short stable word for video_events.error_kind.</summary>
    public string KindName => Kind switch
    {
        HeyGenErrorKind.Transient => "heygen_unavailable",
        HeyGenErrorKind.KeyRejected => "key_rejected",
        HeyGenErrorKind.UnknownAvatar => "unknown_avatar",
        HeyGenErrorKind.UnknownVoice => "unknown_voice",
        HeyGenErrorKind.ScriptTooLong => "script_too_long",
        _ => "refused",
    };
}
