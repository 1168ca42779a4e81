using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VideoStudio.HeyGenSimulator;

public sealed class SimulatorOptions
{
    /// <summary>How long a render takes before the status turns completed (or failed).</summary>
    public TimeSpan RenderDelay { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>How long a render answers its create call with 409 request_in_progress to a second send with the same key.</summary>
    public TimeSpan SlowCreateDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>HeyGen's concurrent-job limit on pay-as-you-go; creates beyond it get 429 with Retry-After.</summary>
    public int ConcurrencyLimit { get; set; } = 10;
}

/// <summary>
/// What the simulator does for one API key. The key itself picks the scenario, so a test (or a person on the settings
/// page) chooses a failure by the key they use; the words are listed in the README ("Simulator scenarios").
/// </summary>
public sealed record SimulatorScenario(
    bool Reject, int ServerErrors, int GatewayErrors, int? ThrottleSeconds, bool RenderFails, bool NeverFinishes, bool Unavailable,
    bool SlowCreate, bool WalletEmpty, int? ConcurrencyLimit, bool ExpiredLink, bool CaptionsLate, bool LegacySignature, bool Subscription)
{
    public static SimulatorScenario FromKey(string key)
    {
        int? Number(string word) => Regex.Match(key, word + @"(\d+)") is { Success: true } m ? int.Parse(m.Groups[1].Value) : null;
        bool Has(string word) => key.Contains(word, StringComparison.Ordinal);
        return new SimulatorScenario(
            Reject: Has("reject"),
            ServerErrors: Number("error500x") ?? 0,
            GatewayErrors: Number("gateway502x") ?? 0,
            ThrottleSeconds: Number("throttle"),
            RenderFails: Has("renderfail"),
            NeverFinishes: Has("neverfinish"),
            Unavailable: Has("unavailable"),
            SlowCreate: Has("slowcreate") || Has("slowanswer"),
            WalletEmpty: Has("nowallet"),
            ConcurrencyLimit: Number("concurrency"),
            ExpiredLink: Has("expiredlink"),
            CaptionsLate: Has("captionslate"),
            LegacySignature: Has("legacysig"),
            Subscription: Has("subscription"));
    }
}

public sealed record SimulatedLook(string Id, string Name, string Orientation, string[] Engines, string PreviewFile, string Gender);

public sealed record SimulatedVoice(string VoiceId, string Name, string Language, string Gender, bool Private);

/// <summary>A render the simulator accepted, with what it was asked. The key is kept only as a hash.</summary>
public sealed record SimulatedVideo(
    string VideoId, string KeyHash, string? CallbackId, string? Title, string AspectRatio, string? Resolution, bool CaptionRequested,
    string AvatarId, string VoiceId, string Script, string? IdempotencyKey, DateTimeOffset CreatedAt, SimulatorScenario Scenario)
{
    public bool Portrait => AspectRatio == "9:16";
}

/// <summary>A webhook endpoint registered by one account (key hash).</summary>
public sealed record SimulatedEndpoint(string EndpointId, string KeyHash, string Url, string Secret, string[] Events, DateTimeOffset CreatedAt);

/// <summary>The state of the simulated HeyGen account(s): renders, idempotency records, endpoints and call counts, in memory.</summary>
public sealed class SimulatedHeyGen(SimulatorOptions options, TimeProvider clock)
{
    public const double WalletBalance = 42.5;

    public const double VideoDuration = 4.0;

    /// <summary>The looks of the fixtures (a landscape and a portrait one) and one more portrait look.</summary>
    public static readonly SimulatedLook[] Looks =
    [
        new("Anna_Business_Front_20240101", "Anna – Business front", "landscape", ["avatar_iv", "avatar_iii"], "preview-priya.jpg", "female"),
        new("Ben_Casual_Standing_20240101", "Ben – Casual standing", "portrait", ["avatar_iv"], "preview-jonas.jpg", "male"),
        new("Nora_Bakery_Apron_20240612", "Nora – Bakery apron", "portrait", ["avatar_iv", "avatar_v"], "preview-nora.jpg", "female"),
    ];

    public static readonly SimulatedVoice[] Voices =
    [
        new("0f1e2d3c4b5a69788796a5b4c3d2e1f0", "Sara", "English", "female", false),
        new("a1b2c3d4e5f60718293a4b5c6d7e8f90", "Luca", "Italian", "male", false),
        new("c10ed5e1c10ed5e1c10ed5e1c10ed5e1", "My cloned voice", "English", "female", true),
    ];

    public const string RenderFailureMessage = "Avatar rendering timed out";

    private readonly ConcurrentDictionary<string, SimulatedVideo> _videos = new();
    private readonly ConcurrentDictionary<string, int> _createCalls = new();
    private readonly ConcurrentDictionary<string, int> _videoReads = new();
    private readonly ConcurrentDictionary<(string KeyHash, string IdempotencyKey), Lazy<Task<SimulatedVideo?>>> _idempotent = new();
    private readonly ConcurrentDictionary<string, SimulatedEndpoint> _endpoints = new();
    private readonly ConcurrentQueue<JsonObject> _createBodies = new();

    public SimulatorOptions Options => options;

    public TimeProvider Clock => clock;

    public IReadOnlyCollection<SimulatedVideo> Videos => _videos.Values.ToList();

    /// <summary>How many times POST /v3/videos was called with this key, whatever the answer (replays included).</summary>
    public int CreateCallsFor(string apiKey) => _createCalls.GetValueOrDefault(HashKey(apiKey));

    public int CountCreateCall(string apiKey) => _createCalls.AddOrUpdate(HashKey(apiKey), 1, (_, n) => n + 1);

    /// <summary>Renders made (and billed) for a callback_id: more than one means a video was paid for twice.</summary>
    public IReadOnlyList<SimulatedVideo> SubmissionsFor(string callbackId) =>
        _videos.Values.Where(v => v.CallbackId == callbackId).OrderBy(v => v.CreatedAt).ToList();

    /// <summary>Every create body received, as sent, for tests that check what HeyGen was asked.</summary>
    public IReadOnlyList<JsonObject> CreateBodiesFor(string callbackId) =>
        _createBodies.Where(b => b["callback_id"]?.ToString() == callbackId).ToList();

    public void RecordCreateBody(JsonObject body) => _createBodies.Enqueue(body);

    /// <summary>
    /// Runs <paramref name="create"/> once per (account, Idempotency-Key): a second call while the first runs learns it is
    /// in progress (null task not completed), a later one gets the first one's video. A create that made no video is
    /// forgotten, so the key may be tried again.
    /// </summary>
    public (Task<SimulatedVideo?> Result, bool First) CreateOnce(string apiKey, string idempotencyKey, Func<Task<SimulatedVideo?>> create)
    {
        var key = (HashKey(apiKey), idempotencyKey);
        var mine = new Lazy<Task<SimulatedVideo?>>(create);
        var entry = _idempotent.GetOrAdd(key, mine);
        if (!ReferenceEquals(entry, mine))
        {
            return (entry.Value, false);
        }
        var task = entry.Value;
        _ = task.ContinueWith(t =>
        {
            if (!t.IsCompletedSuccessfully || t.Result is null)
            {
                _idempotent.TryRemove(new KeyValuePair<(string, string), Lazy<Task<SimulatedVideo?>>>(key, entry));
            }
        }, TaskScheduler.Default);
        return (task, true);
    }

    public SimulatedVideo Accept(string apiKey, JsonObject body, string? idempotencyKey)
    {
        var video = new SimulatedVideo(
            Guid.NewGuid().ToString("N"), HashKey(apiKey), body["callback_id"]?.ToString(), body["title"]?.ToString(),
            body["aspect_ratio"]?.ToString() ?? "16:9", body["resolution"]?.ToString(), body["caption"] is JsonObject,
            body["avatar_id"]!.ToString(), body["voice_id"]!.ToString(), body["script"]!.ToString(), idempotencyKey,
            clock.GetUtcNow(), SimulatorScenario.FromKey(apiKey));
        _videos[video.VideoId] = video;
        return video;
    }

    public SimulatedVideo? Find(string apiKey, string videoId) =>
        _videos.TryGetValue(videoId, out var video) && video.KeyHash == HashKey(apiKey) ? video : null;

    public SimulatedVideo? Find(string videoId) => _videos.GetValueOrDefault(videoId);

    /// <summary>Renders of this account still running: what HeyGen's concurrency limit counts.</summary>
    public int InFlightFor(string apiKey) => _videos.Values.Count(v => v.KeyHash == HashKey(apiKey) && !IsTerminal(StatusOf(v)));

    /// <summary>The status GET /v3/videos/{id} reports: pending, processing, then completed or failed.</summary>
    public string StatusOf(SimulatedVideo video)
    {
        var elapsed = clock.GetUtcNow() - video.CreatedAt;
        if (video.Scenario.NeverFinishes || elapsed < options.RenderDelay)
        {
            return elapsed < options.RenderDelay / 3 ? "pending" : "processing";
        }
        return video.Scenario.RenderFails ? "failed" : "completed";
    }

    public static bool IsTerminal(string status) => status is "completed" or "failed";

    /// <summary>
    /// Subtitles come with the video, or (scenario captionslate) only after the completed video was read once, as HeyGen
    /// has been seen to finish them seconds after the video.
    /// </summary>
    public bool CaptionsReady(SimulatedVideo video) =>
        video.CaptionRequested && StatusOf(video) == "completed"
        && (!video.Scenario.CaptionsLate || _videoReads.GetValueOrDefault(video.VideoId) > 0);

    /// <summary>Counts reads of a video; with scenario expiredlink the first completed read hands out links that already expired.</summary>
    public int CountRead(SimulatedVideo video) => _videoReads.AddOrUpdate(video.VideoId, 1, (_, n) => n + 1);

    public SimulatedEndpoint AddEndpoint(string apiKey, string url, string[] events)
    {
        var endpoint = new SimulatedEndpoint(Guid.NewGuid().ToString("N"), HashKey(apiKey), url, NewSecret(), events, clock.GetUtcNow());
        _endpoints[endpoint.EndpointId] = endpoint;
        return endpoint;
    }

    public SimulatedEndpoint? Rotate(string apiKey, string endpointId)
    {
        if (FindEndpoint(apiKey, endpointId) is not { } endpoint)
        {
            return null;
        }
        var rotated = endpoint with { Secret = NewSecret() };
        _endpoints[endpointId] = rotated;
        return rotated;
    }

    public bool RemoveEndpoint(string apiKey, string endpointId) =>
        FindEndpoint(apiKey, endpointId) is not null && _endpoints.TryRemove(endpointId, out _);

    public SimulatedEndpoint? FindEndpoint(string apiKey, string endpointId) =>
        _endpoints.TryGetValue(endpointId, out var endpoint) && endpoint.KeyHash == HashKey(apiKey) ? endpoint : null;

    public IReadOnlyList<SimulatedEndpoint> EndpointsOf(string keyHash) => _endpoints.Values.Where(e => e.KeyHash == keyHash).ToList();

    public IReadOnlyList<SimulatedEndpoint> EndpointsFor(string apiKey) => EndpointsOf(HashKey(apiKey));

    public static string HashKey(string apiKey) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));

    /// <summary>HeyGen's webhook signature: lower-case hex HMAC-SHA256 of the raw body, keyed with the endpoint secret as returned.</summary>
    public static string Sign(string secret, byte[] body) =>
        Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)).ToLowerInvariant();

    public static Stream OpenAsset(string name) =>
        typeof(SimulatedHeyGen).Assembly.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"The simulator asset {name} is not embedded.");

    /// <summary>The SRT HeyGen returns as subtitle_url: the script in cues spread over the video's length.</summary>
    public static string Subtitles(string script)
    {
        var words = script.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var cues = words.Chunk(Math.Max(1, (int)Math.Ceiling(words.Length / 2.0))).ToList();
        var each = TimeSpan.FromSeconds(VideoDuration / Math.Max(1, cues.Count));
        var srt = new StringBuilder();
        for (var i = 0; i < cues.Count; i++)
        {
            srt.Append(i + 1).Append('\n')
                .Append(SrtTime(each * i)).Append(" --> ").Append(SrtTime(each * (i + 1))).Append('\n')
                .Append(string.Join(' ', cues[i])).Append("\n\n");
        }
        return srt.ToString();
    }

    private static string SrtTime(TimeSpan t) => $"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00},{t.Milliseconds:000}";

    private static string NewSecret() => "whsec_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
}
