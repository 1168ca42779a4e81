using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace VideoStudio.HeyGenSimulator;

/// <summary>
/// The HeyGen v3 endpoints the app uses, answering with the documented bodies of <c>Fixtures/</c> (HeyGen's contract
/// fixtures) filled in with this render's values, served under a prefix of any ASP.NET Core app. Nothing here is
/// authenticated by the host app: it stands in for a third party, and every call carries its own x-api-key like the
/// real one.
/// </summary>
public static partial class SimulatorEndpoints
{
    private const int MaxScript = 5000;
    private const string CreateCallItem = "heygen-sim-create-call";
    private static readonly string[] AspectRatios = ["16:9", "9:16", "4:5", "5:4", "1:1", "auto"];
    private static readonly string[] Resolutions = ["4k", "1080p", "720p"];
    private static readonly HttpClient WebhookClient = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static IServiceCollection AddHeyGenSimulator(this IServiceCollection services, SimulatorOptions options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton<SimulatedHeyGen>();
        return services;
    }

    public static RouteGroupBuilder MapHeyGenSimulator(this IEndpointRouteBuilder app, string prefix)
    {
        var group = app.MapGroup(prefix);
        static SimulatedHeyGen SimOf(HttpContext http) => http.RequestServices.GetRequiredService<SimulatedHeyGen>();
        var api = group.MapGroup("/v3");
        api.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (ApiKey(http) is { } caller && http.Request.Method == HttpMethods.Post && http.Request.Path.Value?.EndsWith("/v3/videos", StringComparison.Ordinal) == true)
            {
                // Counted before anything can refuse it, so a test sees every create that reached "HeyGen".
                http.Items[CreateCallItem] = SimOf(http).CountCreateCall(caller);
            }
            if (ApiKey(http) is not { } key || SimulatorScenario.FromKey(key).Reject)
            {
                return Error(401, "error-401-authentication-failed.json");
            }
            return SimulatorScenario.FromKey(key).Unavailable
                ? Error(503, "error-500-internal.json", code: "service_unavailable", message: "Service unavailable (simulated).")
                : await next(context);
        });

        api.MapPost("/videos", (HttpContext http, SimulatedHeyGen sim, ILoggerFactory loggers) => CreateAsync(http, sim, loggers, prefix));
        api.MapGet("/videos/statuses", (HttpContext http, SimulatedHeyGen sim, string? video_ids) => Statuses(http, sim, video_ids));
        api.MapGet("/videos/{videoId}", (HttpContext http, SimulatedHeyGen sim, string videoId) =>
            sim.Find(ApiKey(http)!, videoId) is { } video ? Results.Json(VideoDetail(sim, video, PublicBase(http, prefix))) : Error(404, "error-404-not-found.json"));
        api.MapGet("/avatars/looks", (HttpContext http, int? limit, string? token) =>
            Page(SimulatedHeyGen.Looks.Select(l => LookItem(l, PublicBase(http, prefix))), limit ?? 20, 50, token));
        api.MapGet("/avatars/looks/{lookId}", (HttpContext http, string lookId) =>
            SimulatedHeyGen.Looks.FirstOrDefault(l => l.Id == lookId) is { } look
                ? Results.Json(new JsonObject { ["data"] = LookItem(look, PublicBase(http, prefix)) })
                : Error(404, "error-404-not-found.json", code: "avatar_not_found", message: "Avatar look not found."));
        api.MapGet("/voices", (HttpContext http, string? type, int? limit, string? token) =>
            Page(SimulatedHeyGen.Voices.Where(v => v.Private == (type == "private")).Select(v => VoiceItem(v, PublicBase(http, prefix))), limit ?? 20, 100, token));
        api.MapGet("/voices/{voiceId}", (HttpContext http, string voiceId) =>
            SimulatedHeyGen.Voices.FirstOrDefault(v => v.VoiceId == voiceId) is { } voice
                ? Results.Json(new JsonObject { ["data"] = VoiceItem(voice, PublicBase(http, prefix)) })
                : Error(404, "error-404-not-found.json", code: "voice_not_found", message: "Voice not found."));
        api.MapGet("/users/me", (HttpContext http) => Results.Json(User(SimulatorScenario.FromKey(ApiKey(http)!))));
        MapWebhookEndpoints(api);

        // Not HeyGen's API: lets a benchmark in another process see how many renders one generation paid for, since the
        // simulator's memory is the only place that knows. Counts only, nothing about the videos or keys.
        group.MapGet("/_simulator/submissions/{callbackId}", (string callbackId, SimulatedHeyGen sim) =>
            Results.Json(new JsonObject { ["callback_id"] = callbackId, ["submissions"] = sim.SubmissionsFor(callbackId).Count }));

        // Presigned media links of the real API need no key; past their Expires they answer 403, as a CDN does.
        group.MapGet("/files/{**path}", (string path, HttpContext http, SimulatedHeyGen sim) => File(path, http, sim));
        return group;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, SimulatedHeyGen sim, ILoggerFactory loggers, string prefix)
    {
        var key = ApiKey(http)!;
        var call = (int)http.Items[CreateCallItem]!;
        var scenario = SimulatorScenario.FromKey(key);
        if (call <= scenario.ServerErrors)
        {
            return Error(500, "error-500-internal.json");
        }
        if (call <= scenario.GatewayErrors)
        {
            return Results.Content("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
                "text/html", Encoding.UTF8, 502);
        }
        if (scenario.ThrottleSeconds is { } seconds && call == 1)
        {
            http.Response.Headers.RetryAfter = seconds.ToString();
            return Error(429, "error-429-rate-limit.json");
        }
        if (scenario.WalletEmpty)
        {
            return Error(402, "error-402-insufficient-credit.json");
        }

        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(http.Request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }
        if (body is null)
        {
            return Invalid(null, "Request body must be a JSON object.");
        }
        var idempotencyKey = http.Request.Headers["Idempotency-Key"].FirstOrDefault();
        if (Validate(body, idempotencyKey) is { } invalid)
        {
            return invalid;
        }
        sim.RecordCreateBody(body.DeepClone().AsObject());
        if (SimulatedHeyGen.Looks.All(l => l.Id != body["avatar_id"]!.ToString()))
        {
            return Error(404, "error-404-not-found.json", code: "avatar_not_found", message: "Avatar not found.");
        }
        if (SimulatedHeyGen.Voices.All(v => v.VoiceId != body["voice_id"]!.ToString()))
        {
            return Error(404, "error-404-not-found.json", code: "voice_not_found", message: "Voice not found.");
        }

        var limit = scenario.ConcurrencyLimit ?? sim.Options.ConcurrencyLimit;
        var baseUrl = PublicBase(http, prefix);
        var logger = loggers.CreateLogger(typeof(SimulatorEndpoints));
        async Task<SimulatedVideo?> Create()
        {
            if (sim.InFlightFor(key) >= limit)
            {
                return null;
            }
            var video = sim.Accept(key, body, idempotencyKey);
            _ = DeliverWebhooksLaterAsync(sim, video, baseUrl, logger);
            if (scenario.SlowCreate)
            {
                // The render is made at once, the answer comes late: time for a client to give up or die holding no video id.
                await Task.Delay(sim.Options.SlowCreateDelay, sim.Clock);
            }
            return video;
        }

        var (task, first) = idempotencyKey is null ? (Create(), true) : sim.CreateOnce(key, idempotencyKey, Create);
        if (!first && !task.IsCompleted)
        {
            return Error(409, "error-409-request-in-progress.json");
        }
        var created = await task.WaitAsync(http.RequestAborted);
        if (created is null)
        {
            http.Response.Headers.RetryAfter = "30";
            return Error(429, "error-429-rate-limit.json");
        }
        var answer = Fixture("create-success.json");
        answer["data"]!["video_id"] = created.VideoId;
        return Results.Json(answer);
    }

    /// <summary>What HeyGen refuses with 400 invalid_parameter, naming the field.</summary>
    private static IResult? Validate(JsonObject body, string? idempotencyKey)
    {
        string? Text(string name) => body[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        if (idempotencyKey is not null && !IdempotencyKeyFormat().IsMatch(idempotencyKey))
        {
            return Invalid("Idempotency-Key", "Idempotency-Key must be 1-255 characters of A-Z, a-z, 0-9, _ - : .");
        }
        if (Text("type") != "avatar")
        {
            return Invalid("type", "type must be one of avatar, image, cinematic_avatar, studio.");
        }
        if (Text("avatar_id") is not { Length: > 0 })
        {
            return Invalid("avatar_id", "Exactly one visual source required: avatar_id, image_url, or image_asset_id.");
        }
        if (Text("voice_id") is not { Length: > 0 })
        {
            return Invalid("voice_id", "voice_id is required with script.");
        }
        if (Text("script") is not { Length: > 0 and <= MaxScript })
        {
            return Invalid("script", $"script must be between 1 and {MaxScript} characters.");
        }
        if (body["aspect_ratio"] is not null && !AspectRatios.Contains(Text("aspect_ratio")))
        {
            return Invalid("aspect_ratio", "aspect_ratio must be one of " + string.Join(", ", AspectRatios) + ".");
        }
        if (body["resolution"] is not null && !Resolutions.Contains(Text("resolution")))
        {
            return Invalid("resolution", "resolution must be one of " + string.Join(", ", Resolutions) + ".");
        }
        if (body["caption"] is not (null or JsonObject))
        {
            return Invalid("caption", "caption must be an object such as {\"file_format\":\"srt\"}.");
        }
        if (body["engine"] is JsonObject engine
            && SimulatedHeyGen.Looks.FirstOrDefault(l => l.Id == Text("avatar_id")) is { } look
            && !look.Engines.Contains(engine["type"]?.ToString()))
        {
            return Invalid("engine", $"The engine {engine["type"]} is not supported by this avatar look.");
        }
        return null;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_\-:.]{1,255}$")]
    private static partial Regex IdempotencyKeyFormat();

    private static IResult Invalid(string? param, string message) =>
        Error(400, "error-400-invalid-parameter.json", message: message, param: param);

    private static JsonObject VideoDetail(SimulatedHeyGen sim, SimulatedVideo video, string baseUrl)
    {
        var status = sim.StatusOf(video);
        var captions = sim.CaptionsReady(video);
        var detail = Fixture(status switch
        {
            "completed" when captions => "get-completed-captioned.json",
            "completed" => "get-completed.json",
            "failed" => "get-failed.json",
            "processing" => "get-processing.json",
            _ => "get-pending.json",
        }, baseUrl);
        var data = detail["data"]!.AsObject();
        data["id"] = video.VideoId;
        data["title"] = video.Title;
        data["created_at"] = video.CreatedAt.ToUnixTimeSeconds();
        data["video_page_url"] = $"{baseUrl}/app/videos/{video.VideoId}";
        if (status == "completed")
        {
            var now = sim.Clock.GetUtcNow();
            var reads = sim.CountRead(video);
            var expires = (video.Scenario.ExpiredLink && reads == 1 ? now.AddMinutes(-1) : now.AddDays(7)).ToUnixTimeSeconds();
            string Link(string file) => $"{baseUrl}/files/{file}?Expires={expires}&Signature=sim-sig&Key-Pair-Id=SIMKEYPAIR";
            data["completed_at"] = video.CreatedAt.Add(sim.Options.RenderDelay).ToUnixTimeSeconds();
            data["video_url"] = Link($"{video.VideoId}.mp4");
            data["thumbnail_url"] = Link($"{video.VideoId}.jpg");
            data["gif_url"] = Link($"{video.VideoId}.gif");
            data["duration"] = SimulatedHeyGen.VideoDuration;
            if (captions)
            {
                data["subtitle_url"] = Link($"{video.VideoId}.srt");
                // Burned-in captions only with caption.style, which the app never asks for.
                data["captioned_video_url"] = null;
            }
        }
        return detail;
    }

    private static IResult Statuses(HttpContext http, SimulatedHeyGen sim, string? videoIds)
    {
        var ids = (videoIds ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ids.Length is 0 or > 100)
        {
            return Invalid("video_ids", "video_ids must name 1 to 100 videos.");
        }
        var template = Fixture("statuses-list.json")["data"]![0]!.AsObject();
        var items = ids.Select(id =>
        {
            var item = template.DeepClone().AsObject();
            item["video_id"] = id;
            var video = sim.Find(ApiKey(http)!, id);
            var status = video is null ? "not_found" : sim.StatusOf(video);
            item["status"] = status == "pending" ? "queued" : status;
            item["error"] = status == "failed" ? new JsonObject { ["code"] = "rendering_failed", ["message"] = SimulatedHeyGen.RenderFailureMessage } : null;
            return (JsonNode)item;
        }).ToArray();
        return Results.Json(new JsonObject { ["data"] = new JsonArray(items), ["has_more"] = false, ["next_token"] = null });
    }

    private static JsonObject LookItem(SimulatedLook look, string baseUrl)
    {
        var item = Fixture("avatar-look-get.json", baseUrl)["data"]!.DeepClone().AsObject();
        item["id"] = look.Id;
        item["name"] = look.Name;
        item["gender"] = look.Gender;
        item["group_id"] = look.Id.Split('_')[0].ToLowerInvariant();
        item["preview_image_url"] = $"{baseUrl}/files/looks/{look.PreviewFile}";
        item["preview_video_url"] = $"{baseUrl}/files/looks/{look.Id}-{look.Orientation}.mp4";
        item["supported_api_engines"] = new JsonArray(look.Engines.Select(e => (JsonNode)e).ToArray());
        item["preferred_orientation"] = look.Orientation;
        (item["image_width"], item["image_height"]) = look.Orientation == "portrait" ? (1080, 1920) : (1920, 1080);
        return item;
    }

    private static JsonObject VoiceItem(SimulatedVoice voice, string baseUrl)
    {
        var item = Fixture("voices-list.json", baseUrl)["data"]![0]!.DeepClone().AsObject();
        item["voice_id"] = voice.VoiceId;
        item["name"] = voice.Name;
        item["language"] = voice.Language;
        item["gender"] = voice.Gender;
        item["type"] = voice.Private ? "private" : "public";
        item["preview_audio_url"] = $"{baseUrl}/files/voices/{voice.VoiceId}.mp3";
        return item;
    }

    private static JsonObject User(SimulatorScenario scenario)
    {
        if (scenario.Subscription)
        {
            return Fixture("users-me-subscription.json");
        }
        var user = Fixture("users-me-wallet.json");
        user["data"]!["wallet"]!["remaining_balance"] = scenario.WalletEmpty ? 0 : SimulatedHeyGen.WalletBalance;
        return user;
    }

    /// <summary>A list page as HeyGen pages them: limit items, has_more and an opaque next_token.</summary>
    private static IResult Page(IEnumerable<JsonObject> all, int limit, int maxLimit, string? token)
    {
        if (limit < 1 || limit > maxLimit)
        {
            return Invalid("limit", $"limit must be between 1 and {maxLimit}.");
        }
        var page = 1;
        if (token is { Length: > 0 })
        {
            try
            {
                page = JsonNode.Parse(Convert.FromBase64String(token.PadRight(token.Length + (4 - token.Length % 4) % 4, '=')))!["page"]!.GetValue<int>();
            }
            catch (Exception e) when (e is FormatException or JsonException or NullReferenceException or InvalidOperationException)
            {
                return Invalid("token", "token is not a valid page token.");
            }
        }
        var items = all.ToList();
        var slice = items.Skip((page - 1) * limit).Take(limit).Select(i => (JsonNode)i).ToArray();
        var more = page * limit < items.Count;
        return Results.Json(new JsonObject
        {
            ["data"] = new JsonArray(slice),
            ["has_more"] = more,
            ["next_token"] = more ? Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"page\":{page + 1}}}")).TrimEnd('=') : null,
        });
    }

    private static IResult File(string path, HttpContext http, SimulatedHeyGen sim)
    {
        if (long.TryParse(http.Request.Query["Expires"], out var expires) && expires < sim.Clock.GetUtcNow().ToUnixTimeSeconds())
        {
            return Results.Content("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>",
                "application/xml", Encoding.UTF8, 403);
        }
        var segments = path.Split('/');
        if (segments is ["looks", var look])
        {
            return look.EndsWith(".jpg", StringComparison.Ordinal) && SimulatedHeyGen.Looks.Any(l => l.PreviewFile == look)
                ? Results.Stream(SimulatedHeyGen.OpenAsset(look), "image/jpeg")
                : look.EndsWith(".mp4", StringComparison.Ordinal)
                    ? Results.Stream(SimulatedHeyGen.OpenAsset(look.Contains("-portrait") ? "simulated-avatar-portrait.mp4" : "simulated-avatar.mp4"), "video/mp4")
                    : Results.NotFound();
        }
        if (segments is ["voices", _])
        {
            return Results.Stream(SimulatedHeyGen.OpenAsset("voice-preview.mp3"), "audio/mpeg");
        }
        var name = segments[^1];
        var dot = name.LastIndexOf('.');
        if (segments.Length != 1 || dot < 0 || sim.Find(name[..dot]) is not { } video || sim.StatusOf(video) != "completed")
        {
            return Results.NotFound();
        }
        return name[(dot + 1)..] switch
        {
            "mp4" => Results.Stream(SimulatedHeyGen.OpenAsset(video.Portrait ? "simulated-avatar-portrait.mp4" : "simulated-avatar.mp4"), "video/mp4"),
            "jpg" => Results.Stream(SimulatedHeyGen.OpenAsset(video.Portrait ? "thumbnail-portrait.jpg" : "thumbnail-landscape.jpg"), "image/jpeg"),
            "srt" when sim.CaptionsReady(video) => Results.Text(SimulatedHeyGen.Subtitles(video.Script), "application/x-subrip", Encoding.UTF8),
            _ => Results.NotFound(),
        };
    }

    /// <summary>The documented webhook bodies, byte for byte as in the fixtures, with this render's ids and links.</summary>
    public static byte[] WebhookBody(string eventType, SimulatedVideo video, string baseUrl)
    {
        var (file, fixtureVideo, fixtureCallback) = eventType switch
        {
            "avatar_video.success" => ("webhook-success.json", "7a1c2e3d4f5a4b6c8d9e0f1a2b3c4d5e", "3f2b9c1e-5d4a-4e8b-9c7f-1a2b3c4d5e6f"),
            "avatar_video.fail" => ("webhook-fail.json", "9e8d7c6b5a4f4e3d2c1b0a9988776655", "8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"),
            "avatar_video_caption.success" => ("webhook-caption-success.json", "4b5c6d7e8f9a4b1c8d2e3f4a5b6c7d8e", "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d"),
            _ => throw new ArgumentOutOfRangeException(nameof(eventType)),
        };
        var text = FixtureText(file, baseUrl)
            .Replace(fixtureVideo, video.VideoId)
            .Replace($"\"{fixtureCallback}\"", JsonSerializer.Serialize(video.CallbackId));
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>
    /// Posts one event signed as HeyGen documents it (Heygen-Signature, Heygen-Timestamp, Heygen-Event-Id), or with
    /// <paramref name="legacy"/> only the Signature header real v3 deliveries have been seen to carry.
    /// </summary>
    public static async Task<HttpResponseMessage> DeliverAsync(
        HttpClient client, string url, string secret, byte[] body, bool legacy, DateTimeOffset sentAt, string? eventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        var signature = SimulatedHeyGen.Sign(secret, body);
        if (legacy)
        {
            request.Headers.Add("Signature", signature);
        }
        else
        {
            request.Headers.Add("Heygen-Signature", signature);
            request.Headers.Add("Heygen-Timestamp", sentAt.ToUnixTimeSeconds().ToString());
            request.Headers.Add("Heygen-Event-Id", eventId ?? Guid.NewGuid().ToString("N"));
        }
        return await client.SendAsync(request);
    }

    private static async Task DeliverWebhooksLaterAsync(SimulatedHeyGen sim, SimulatedVideo video, string baseUrl, ILogger logger)
    {
        if (video.Scenario.NeverFinishes)
        {
            return;
        }
        await Task.Delay(sim.Options.RenderDelay, sim.Clock);
        await DeliverToEndpointsAsync(sim, video, video.Scenario.RenderFails ? "avatar_video.fail" : "avatar_video.success", baseUrl, logger);
        if (video.CaptionRequested && !video.Scenario.RenderFails)
        {
            if (video.Scenario.CaptionsLate)
            {
                await Task.Delay(sim.Options.RenderDelay, sim.Clock);
            }
            await DeliverToEndpointsAsync(sim, video, "avatar_video_caption.success", baseUrl, logger);
        }
    }

    private static async Task DeliverToEndpointsAsync(SimulatedHeyGen sim, SimulatedVideo video, string eventType, string baseUrl, ILogger logger)
    {
        foreach (var endpoint in sim.EndpointsOf(video.KeyHash).Where(e => e.Events.Contains(eventType)))
        {
            try
            {
                using var response = await DeliverAsync(WebhookClient, endpoint.Url, endpoint.Secret, WebhookBody(eventType, video, baseUrl),
                    video.Scenario.LegacySignature, sim.Clock.GetUtcNow());
                logger.LogInformation("Simulated HeyGen webhook {EventType} for video {VideoId} answered {Status}", eventType, video.VideoId, (int)response.StatusCode);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // The real HeyGen retries for a day; polling is the app's fallback, so one try is enough here.
                logger.LogWarning("Simulated HeyGen webhook for video {VideoId} could not be delivered: {Error}", video.VideoId, e.Message);
            }
        }
    }

    private static void MapWebhookEndpoints(RouteGroupBuilder api)
    {
        api.MapPost("/webhooks/endpoints", async (HttpContext http, SimulatedHeyGen sim) =>
        {
            JsonObject? body;
            try
            {
                body = await JsonNode.ParseAsync(http.Request.Body) as JsonObject;
            }
            catch (JsonException)
            {
                body = null;
            }
            if (body?["url"] is not JsonValue url || !Uri.TryCreate(url.ToString(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            {
                return Invalid("url", "url must be an absolute HTTPS URL.");
            }
            var events = (body["events"] as JsonArray)?.Select(e => e?.ToString() ?? "").ToArray()
                ?? ["avatar_video.success", "avatar_video.fail", "avatar_video_caption.success", "avatar_video_caption.fail"];
            var endpoint = sim.AddEndpoint(ApiKey(http)!, uri.ToString(), events);
            var answer = Fixture("webhook-endpoint-create.json");
            var data = answer["data"]!.AsObject();
            data["endpoint_id"] = endpoint.EndpointId;
            data["url"] = endpoint.Url;
            data["events"] = new JsonArray(events.Select(e => (JsonNode)e).ToArray());
            data["created_at"] = endpoint.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");
            data["secret"] = endpoint.Secret;
            return Results.Json(answer);
        });
        api.MapPost("/webhooks/endpoints/{endpointId}/rotate-secret", (HttpContext http, SimulatedHeyGen sim, string endpointId) =>
        {
            if (sim.Rotate(ApiKey(http)!, endpointId) is not { } rotated)
            {
                return Error(404, "error-404-not-found.json", message: "Webhook endpoint not found.");
            }
            var answer = Fixture("webhook-rotate-secret.json");
            answer["data"]!["endpoint_id"] = rotated.EndpointId;
            answer["data"]!["secret"] = rotated.Secret;
            return Results.Json(answer);
        });
        api.MapDelete("/webhooks/endpoints/{endpointId}", (HttpContext http, SimulatedHeyGen sim, string endpointId) =>
            sim.RemoveEndpoint(ApiKey(http)!, endpointId)
                ? Results.Json(new JsonObject { ["data"] = new JsonObject(), ["error"] = null })
                : Error(404, "error-404-not-found.json", message: "Webhook endpoint not found."));
    }

    private static IResult Error(int status, string fixture, string? code = null, string? message = null, string? param = null)
    {
        var body = Fixture(fixture);
        var error = body["error"]!.AsObject();
        if (code is not null)
        {
            error["code"] = code;
        }
        if (message is not null)
        {
            error["message"] = message;
        }
        if (param is not null)
        {
            error["param"] = param;
        }
        return Results.Json(body, statusCode: status);
    }

    private static JsonObject Fixture(string name, string baseUrl = "http://127.0.0.1") =>
        JsonNode.Parse(FixtureText(name, baseUrl))!.AsObject();

    private static string FixtureText(string name, string baseUrl)
    {
        using var reader = new StreamReader(SimulatedHeyGen.OpenAsset("fixtures/" + name));
        return reader.ReadToEnd().Replace("http://127.0.0.1:PORT", baseUrl);
    }

    private static string? ApiKey(HttpContext http) =>
        http.Request.Headers["x-api-key"].FirstOrDefault() is { Length: > 0 } key ? key : null;

    private static string PublicBase(HttpContext http, string prefix) => $"{http.Request.Scheme}://{http.Request.Host}{prefix}";
}
