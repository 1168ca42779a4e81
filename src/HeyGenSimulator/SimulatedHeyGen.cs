using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace VideoStudio.HeyGenSimulator;

public sealed class SimulatorOptions
{
    /// <summary>How long a render takes before the status turns completed (or failed).</summary>
    public TimeSpan RenderDelay { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>Where finished renders are announced, like a registered HeyGen webhook endpoint; none when empty.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>The endpoint secret the webhook deliveries are signed with.</summary>
    public string? WebhookSecret { get; set; }
}

/// <summary>
/// What the simulator does for one API key. The key itself picks the scenario, so a test (or a person on the settings
/// page) chooses a failure by the key they use: a key containing "reject" is refused with 401, "error500x2" makes the
/// first two generate calls answer 500, "throttle7" makes the first generate call answer 429 with Retry-After: 7,
/// "renderfail" renders to a failure, "neverfinish" stays processing forever, "unavailable" gets 503 from every endpoint,
/// "slowanswer" accepts a render but answers generate only after 5 s (time for a client to die holding no video id).
/// Any other key is accepted and renders.
/// </summary>
public sealed record SimulatorScenario(
    bool Reject, int ServerErrors, int? ThrottleSeconds, bool RenderFails, bool NeverFinishes, bool Unavailable = false, bool SlowAnswer = false)
{
    public static SimulatorScenario FromKey(string key)
    {
        var errors = Regex.Match(key, @"error500x(\d+)");
        var throttle = Regex.Match(key, @"throttle(\d+)");
        return new SimulatorScenario(
            key.Contains("reject", StringComparison.Ordinal),
            errors.Success ? int.Parse(errors.Groups[1].Value) : 0,
            throttle.Success ? int.Parse(throttle.Groups[1].Value) : null,
            key.Contains("renderfail", StringComparison.Ordinal),
            key.Contains("neverfinish", StringComparison.Ordinal),
            key.Contains("unavailable", StringComparison.Ordinal),
            key.Contains("slowanswer", StringComparison.Ordinal));
    }
}

public sealed record SimulatedAvatar(string AvatarId, string Name, string Gender, string PreviewFile);

public sealed record SimulatedVoice(string VoiceId, string Name, string Language, string Gender);

/// <summary>A render the simulator accepted. The key is kept only as a hash, to answer status calls of the same account.</summary>
public sealed record SimulatedVideo(
    string VideoId, string KeyHash, string? CallbackId, string? Title, int Width, int Height,
    string AvatarId, string VoiceId, string InputText, DateTimeOffset CreatedAt, SimulatorScenario Scenario);

/// <summary>The state of the simulated HeyGen account(s): accepted renders and per-key call counts, in memory.</summary>
public sealed class SimulatedHeyGen(SimulatorOptions options, TimeProvider clock)
{
    public const double RemainingQuota = 3600;

    public static readonly SimulatedAvatar[] Avatars =
    [
        new("Nora_bakery_20240612", "Nora (apron, kitchen)", "female", "preview-nora.jpg"),
        new("Jonas_casual_20230907", "Jonas (casual, studio)", "male", "preview-jonas.jpg"),
        new("Priya_office_20250115", "Priya (blazer, office)", "female", "preview-priya.jpg"),
    ];

    public static readonly SimulatedVoice[] Voices =
    [
        new("1bd001e7e50f421d891986aad5158bc8", "Sara - Warm", "English", "female"),
        new("2d5b0e6cf36f460aa7fc47e3eee4ba54", "Liam - Friendly", "English", "male"),
        new("3f9c8a1b2e4d4c6f8a0b1c2d3e4f5a6b", "Giulia - Calma", "Italian", "female"),
    ];

    private readonly ConcurrentDictionary<string, SimulatedVideo> _videos = new();
    private readonly ConcurrentDictionary<string, int> _generateCalls = new();

    public SimulatorOptions Options => options;

    public TimeProvider Clock => clock;

    public IReadOnlyCollection<SimulatedVideo> Videos => _videos.Values.ToList();

    /// <summary>How many times generate was called with this key, whatever the answer.</summary>
    public int GenerateCallsFor(string apiKey) => _generateCalls.GetValueOrDefault(HashKey(apiKey));

    public IReadOnlyList<SimulatedVideo> SubmissionsFor(string callbackId) =>
        _videos.Values.Where(v => v.CallbackId == callbackId).OrderBy(v => v.CreatedAt).ToList();

    public int CountGenerateCall(string apiKey) => _generateCalls.AddOrUpdate(HashKey(apiKey), 1, (_, n) => n + 1);

    public SimulatedVideo Accept(string apiKey, string? callbackId, string? title, int width, int height, string avatarId, string voiceId, string text)
    {
        var video = new SimulatedVideo(
            Guid.NewGuid().ToString("N"), HashKey(apiKey), callbackId, title, width, height, avatarId, voiceId, text,
            clock.GetUtcNow(), SimulatorScenario.FromKey(apiKey));
        _videos[video.VideoId] = video;
        return video;
    }

    public SimulatedVideo? Find(string apiKey, string videoId) =>
        _videos.TryGetValue(videoId, out var video) && video.KeyHash == HashKey(apiKey) ? video : null;

    public SimulatedVideo? Find(string videoId) => _videos.GetValueOrDefault(videoId);

    public string StatusOf(SimulatedVideo video)
    {
        var elapsed = clock.GetUtcNow() - video.CreatedAt;
        if (video.Scenario.NeverFinishes || elapsed < options.RenderDelay)
        {
            return elapsed < options.RenderDelay / 3 ? "pending" : "processing";
        }
        return video.Scenario.RenderFails ? "failed" : "completed";
    }

    public const string RenderFailureMessage = "The avatar could not be rendered: the voice track failed to synthesize (simulated failure).";

    public static string HashKey(string apiKey) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));

    /// <summary>HeyGen's webhook signature: lower-case hex HMAC-SHA256 of the raw body, keyed with the endpoint secret.</summary>
    public static string Sign(string secret, byte[] body) =>
        Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)).ToLowerInvariant();

    public static Stream OpenAsset(string name) =>
        typeof(SimulatedHeyGen).Assembly.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"The simulator asset {name} is not embedded.");
}
