using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace VideoStudio.HeyGenSimulator;

/// <summary>
/// The HeyGen endpoints the app uses, in HeyGen's wire format (both envelopes, snake_case, the documented status values),
/// served under a prefix of any ASP.NET Core app. Nothing here is authenticated by the host app: it stands in for a
/// third party, and every call carries its own X-Api-Key like the real one.
/// </summary>
public static class SimulatorEndpoints
{
    private const int MaxInputText = 5000;
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
        group.AddEndpointFilter(async (context, next) =>
            ApiKey(context.HttpContext) is { } key && SimulatorScenario.FromKey(key).Unavailable
                ? V2Error(StatusCodes.Status503ServiceUnavailable, "internal_error", "Service unavailable (simulated)")
                : await next(context));

        group.MapPost("/v2/video/generate", (HttpContext http, SimulatedHeyGen sim, ILoggerFactory loggers) => GenerateAsync(http, sim, loggers, prefix));

        group.MapGet("/v1/video_status.get", (HttpContext http, SimulatedHeyGen sim, string? video_id) =>
        {
            if (ApiKey(http) is not { } key || SimulatorScenario.FromKey(key).Reject)
            {
                return V1Error(StatusCodes.Status401Unauthorized, 400112, "Unauthorized");
            }
            if (string.IsNullOrEmpty(video_id) || sim.Find(key, video_id) is not { } video)
            {
                return V1Error(StatusCodes.Status404NotFound, 40031, "Video not found");
            }
            var status = sim.StatusOf(video);
            var baseUrl = PublicBase(http, prefix);
            var expires = sim.Clock.GetUtcNow().AddDays(7).ToUnixTimeSeconds();
            var data = new JsonObject
            {
                ["id"] = video.VideoId,
                ["status"] = status,
                ["callback_id"] = video.CallbackId,
                ["created_at"] = video.CreatedAt.ToUnixTimeSeconds(),
                ["duration"] = status == "completed" ? 4.0 : null,
                ["video_url"] = status == "completed" ? $"{baseUrl}/files/{video.VideoId}.mp4?Expires={expires}&Signature=sim" : null,
                ["thumbnail_url"] = status == "completed" ? $"{baseUrl}/files/{SimulatedHeyGen.Avatars[0].PreviewFile}" : null,
                ["gif_url"] = null,
                ["caption_url"] = null,
                ["error"] = status == "failed"
                    ? new JsonObject { ["code"] = 40039, ["message"] = SimulatedHeyGen.RenderFailureMessage, ["detail"] = "tts_failed" }
                    : null,
            };
            return Results.Json(new JsonObject { ["code"] = 100, ["data"] = data, ["message"] = "Success" });
        });

        group.MapGet("/v2/avatars", (HttpContext http) => ApiKey(http) is not { } key || SimulatorScenario.FromKey(key).Reject
            ? V2Error(StatusCodes.Status401Unauthorized, "internal_error", "Unauthorized")
            : V2Data(new JsonObject
            {
                ["avatars"] = new JsonArray(SimulatedHeyGen.Avatars.Select(a => (JsonNode)new JsonObject
                {
                    ["avatar_id"] = a.AvatarId,
                    ["avatar_name"] = a.Name,
                    ["gender"] = a.Gender,
                    ["preview_image_url"] = $"{PublicBase(http, prefix)}/files/{a.PreviewFile}",
                    ["preview_video_url"] = $"{PublicBase(http, prefix)}/files/simulated-avatar.mp4",
                    ["premium"] = false,
                }).ToArray()),
                ["talking_photos"] = new JsonArray(),
            }));

        group.MapGet("/v2/voices", (HttpContext http) => ApiKey(http) is not { } key || SimulatorScenario.FromKey(key).Reject
            ? V2Error(StatusCodes.Status401Unauthorized, "internal_error", "Unauthorized")
            : V2Data(new JsonObject
            {
                ["voices"] = new JsonArray(SimulatedHeyGen.Voices.Select(v => (JsonNode)new JsonObject
                {
                    ["voice_id"] = v.VoiceId,
                    ["language"] = v.Language,
                    ["gender"] = v.Gender,
                    ["name"] = v.Name,
                    ["preview_audio"] = null,
                    ["support_pause"] = true,
                    ["emotion_support"] = false,
                }).ToArray()),
            }));

        group.MapGet("/v2/user/remaining_quota", (HttpContext http) => ApiKey(http) is not { } key || SimulatorScenario.FromKey(key).Reject
            ? V2Error(StatusCodes.Status401Unauthorized, "internal_error", "Unauthorized")
            : V2Data(new JsonObject
            {
                ["remaining_quota"] = SimulatedHeyGen.RemainingQuota,
                ["details"] = new JsonObject { ["api"] = SimulatedHeyGen.RemainingQuota },
            }));

        // Not HeyGen's API: lets a benchmark in another process see how many renders one generation paid for, since the
        // simulator's memory is the only place that knows. Counts only, nothing about the videos or keys.
        group.MapGet("/_simulator/submissions/{callbackId}", (string callbackId, SimulatedHeyGen sim) =>
            Results.Json(new JsonObject { ["callback_id"] = callbackId, ["submissions"] = sim.SubmissionsFor(callbackId).Count }));

        // Signed media links of the real API need no key either.
        group.MapGet("/files/{name}", (string name) =>
        {
            var asset = name.EndsWith(".mp4", StringComparison.Ordinal) ? "simulated-avatar.mp4"
                : SimulatedHeyGen.Avatars.Any(a => a.PreviewFile == name) ? name
                : null;
            return asset is null
                ? Results.NotFound()
                : Results.Stream(SimulatedHeyGen.OpenAsset(asset), asset.EndsWith(".mp4", StringComparison.Ordinal) ? "video/mp4" : "image/jpeg");
        });

        return group;
    }

    private static async Task<IResult> GenerateAsync(HttpContext http, SimulatedHeyGen sim, ILoggerFactory loggers, string prefix)
    {
        if (ApiKey(http) is not { } key)
        {
            return V2Error(StatusCodes.Status401Unauthorized, "internal_error", "Unauthorized");
        }
        var call = sim.CountGenerateCall(key);
        var scenario = SimulatorScenario.FromKey(key);
        if (scenario.Reject)
        {
            return V2Error(StatusCodes.Status401Unauthorized, "internal_error", "Unauthorized");
        }
        if (call <= scenario.ServerErrors)
        {
            return V2Error(StatusCodes.Status500InternalServerError, "internal_error", "Internal server error (simulated)");
        }
        if (scenario.ThrottleSeconds is { } seconds && call == 1)
        {
            http.Response.Headers.RetryAfter = seconds.ToString();
            return V2Error(StatusCodes.Status429TooManyRequests, "trial_video_limit_exceeded", "It seems you've reached your daily api trial limit 5.");
        }

        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(http.Request.Body);
        }
        catch (JsonException)
        {
            return V2Error(StatusCodes.Status400BadRequest, "invalid_parameter", "Request body is not valid JSON");
        }
        var input = body?["video_inputs"]?[0];
        var avatarId = input?["character"]?["avatar_id"]?.GetValue<string>();
        var voiceId = input?["voice"]?["voice_id"]?.GetValue<string>();
        var text = input?["voice"]?["input_text"]?.GetValue<string>() ?? "";
        var width = body?["dimension"]?["width"]?.GetValue<int>() ?? 1280;
        var height = body?["dimension"]?["height"]?.GetValue<int>() ?? 720;
        if (SimulatedHeyGen.Avatars.All(a => a.AvatarId != avatarId))
        {
            return V2Error(StatusCodes.Status400BadRequest, "avatar_not_found", $"Avatar {avatarId} not found or no longer available");
        }
        if (SimulatedHeyGen.Voices.All(v => v.VoiceId != voiceId))
        {
            return V2Error(StatusCodes.Status400BadRequest, "voice_not_found", $"Voice {voiceId} not found");
        }
        if (text.Length == 0 || text.Length >= MaxInputText)
        {
            return V2Error(StatusCodes.Status400BadRequest, "invalid_parameter", "input_text must be between 1 and 4999 characters");
        }
        if (width is <= 128 or >= 4096 || height is <= 128 or >= 4096)
        {
            return V2Error(StatusCodes.Status400BadRequest, "invalid_parameter", "dimension out of range");
        }

        var video = sim.Accept(key, body?["callback_id"]?.GetValue<string>(), body?["title"]?.GetValue<string>(), width, height, avatarId!, voiceId!, text);
        if (!string.IsNullOrEmpty(sim.Options.WebhookUrl) && !string.IsNullOrEmpty(sim.Options.WebhookSecret) && !scenario.NeverFinishes)
        {
            _ = DeliverWebhookLaterAsync(sim, video, PublicBase(http, prefix), loggers.CreateLogger(typeof(SimulatorEndpoints)));
        }
        if (scenario.SlowAnswer)
        {
            await Task.Delay(TimeSpan.FromSeconds(5), sim.Clock, http.RequestAborted);
        }
        return V2Data(new JsonObject { ["video_id"] = video.VideoId });
    }

    /// <summary>
    /// The body HeyGen posts to a registered endpoint when a render ends, as raw bytes (the signature covers exactly these).
    /// </summary>
    public static byte[] WebhookBody(SimulatedVideo video, bool success, string fileBaseUrl) =>
        Encoding.UTF8.GetBytes((success
            ? new JsonObject
            {
                ["event_type"] = "avatar_video.success",
                ["event_data"] = new JsonObject
                {
                    ["video_id"] = video.VideoId,
                    ["url"] = $"{fileBaseUrl}/files/{video.VideoId}.mp4?Signature=sim",
                    ["gif_download_url"] = null,
                    ["video_share_page_url"] = null,
                    ["folder_id"] = null,
                    ["callback_id"] = video.CallbackId,
                },
            }
            : new JsonObject
            {
                ["event_type"] = "avatar_video.fail",
                ["event_data"] = new JsonObject
                {
                    ["video_id"] = video.VideoId,
                    ["msg"] = SimulatedHeyGen.RenderFailureMessage,
                    ["callback_id"] = video.CallbackId,
                },
            }).ToJsonString());

    /// <summary>Posts the end-of-render event for a video to a webhook URL, signed like HeyGen does.</summary>
    public static async Task<HttpResponseMessage> DeliverWebhookAsync(HttpClient client, string url, string secret, SimulatedVideo video, string fileBaseUrl)
    {
        var body = WebhookBody(video, !video.Scenario.RenderFails, fileBaseUrl);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("Signature", SimulatedHeyGen.Sign(secret, body));
        return await client.SendAsync(request);
    }

    private static async Task DeliverWebhookLaterAsync(SimulatedHeyGen sim, SimulatedVideo video, string fileBaseUrl, ILogger logger)
    {
        try
        {
            await Task.Delay(sim.Options.RenderDelay, sim.Clock);
            using var response = await DeliverWebhookAsync(WebhookClient, sim.Options.WebhookUrl!, sim.Options.WebhookSecret!, video, fileBaseUrl);
            logger.LogInformation("Simulated HeyGen webhook for video {VideoId} answered {Status}", video.VideoId, (int)response.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // The real HeyGen gives up too; polling is the fallback.
            logger.LogWarning("Simulated HeyGen webhook for video {VideoId} could not be delivered: {Error}", video.VideoId, e.Message);
        }
    }

    private static string? ApiKey(HttpContext http) =>
        http.Request.Headers["X-Api-Key"].FirstOrDefault() is { Length: > 0 } key ? key : null;

    private static string PublicBase(HttpContext http, string prefix) => $"{http.Request.Scheme}://{http.Request.Host}{prefix}";

    private static IResult V2Data(JsonObject data) => Results.Json(new JsonObject { ["error"] = null, ["data"] = data });

    private static IResult V2Error(int status, string code, string message) =>
        Results.Json(new JsonObject { ["data"] = null, ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }, statusCode: status);

    private static IResult V1Error(int status, int code, string message) =>
        Results.Json(new JsonObject { ["code"] = code, ["data"] = null, ["message"] = message }, statusCode: status);
}
