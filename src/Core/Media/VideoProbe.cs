using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VideoStudio.Core.Media;

public sealed class ProbeOptions
{
    /// <summary>ffprobe and ffmpeg (Debian's ffmpeg package); a bare name is looked up on PATH.</summary>
    public string FFprobePath { get; set; } = "ffprobe";
    public string FFmpegPath { get; set; } = "ffmpeg";
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>What ffprobe read from a stored file. Width and height are as stored; a rotation of ±90° swaps them on screen.</summary>
public sealed record ProbedVideo(double? DurationSeconds, int Width, int Height, int Rotation, string VideoCodec, string? AudioCodec)
{
    public bool Turned => Math.Abs(Rotation) % 180 == 90;
    public int DisplayWidth => Turned ? Height : Width;
    public int DisplayHeight => Turned ? Width : Height;
}

/// <summary>
/// Debian's ffprobe and ffmpeg, run on a file path (never a pipe: on a path ffprobe reads only the index it needs) with a
/// timeout, local files only, and only the demuxers of the containers we accept, so a crafted file cannot make them open
/// URLs, playlists or image sequences. Without ffprobe installed the app still takes uploads (magic bytes decide, as before)
/// and says so once at start-up.
/// </summary>
public sealed class VideoProbe(IOptions<ProbeOptions> options, ILogger<VideoProbe> log)
{
    private static string[] Safety(ToolInput input) => ["-protocol_whitelist", input.Protocols, "-format_whitelist", "mov,mp4,matroska,webm"];

    private readonly Lazy<bool> _available = new(() => Locate(options.Value.FFprobePath) && Locate(options.Value.FFmpegPath));

    public bool Available => _available.Value;

    public const string UnreadableMessage =
        "This file looks like a video but cannot be played: it may be damaged or cut short. Export it again and upload the new file.";

    /// <summary>The video's facts; null when ffprobe is not installed. A file it cannot read, or one without a picture, is refused.</summary>
    public async Task<ProbedVideo?> ProbeAsync(ToolInput input, CancellationToken ct)
    {
        if (!Available)
        {
            return null;
        }
        var (exit, output) = await RunAsync(options.Value.FFprobePath,
            ["-v", "error", .. Safety(input), "-print_format", "json", "-show_format", "-show_streams", input.Location], NameOf(input), ct);
        if (exit != 0 || Parse(output) is not { } probed)
        {
            log.LogInformation("ffprobe could not read {Path} (exit {Exit})", NameOf(input), exit);
            throw new MediaRejectedException(UnreadableMessage, "unreadable");
        }
        return probed;
    }

    /// <summary>One frame as a small JPEG (at most 640 px wide), a second in or halfway through a shorter video; null when it cannot be made.</summary>
    public async Task<byte[]?> PosterAsync(ToolInput input, double? durationSeconds, CancellationToken ct)
    {
        if (!Available)
        {
            return null;
        }
        var at = Math.Min(1.0, (durationSeconds ?? 0) / 2).ToString("0.###", CultureInfo.InvariantCulture);
        var (exit, output) = await RunAsync(options.Value.FFmpegPath,
            ["-v", "error", .. Safety(input), "-ss", at, "-i", input.Location, "-frames:v", "1", "-vf", "scale='min(640,iw)':-2", "-q:v", "5", "-f", "image2", "-c:v", "mjpeg", "pipe:1"], NameOf(input), ct);
        if (exit != 0 || output.Length == 0 || PosterFormat.Detect(output) != PosterFormat.Jpeg)
        {
            log.LogWarning("No poster frame could be made from {Path} (exit {Exit})", NameOf(input), exit);
            return null;
        }
        return output;
    }

    /// <summary>
    /// A staged upload with what ffprobe read and its poster frame, stored under the asset's id, ready to attach. Refuses a
    /// file ffprobe cannot read; unchanged when ffprobe is not installed.
    /// </summary>
    public async Task<StagedVideo> DescribeAsync(StagedVideo staged, MediaStore store, CancellationToken ct)
    {
        if (!Available)
        {
            return staged;
        }
        var input = await store.ToolInputAsync(staged, ct);
        if (await ProbeAsync(input, ct) is not { } probed)
        {
            return staged;
        }
        string? posterKey = null;
        if (await PosterAsync(input, probed.DurationSeconds, ct) is { } poster)
        {
            posterKey = PosterKey(staged.AssetId, PosterFormat.Jpeg);
            await store.SaveCompanionAsync(posterKey, poster, PosterFormat.Jpeg.ContentType, ct);
        }
        return staged with { Probe = probed, PosterKey = posterKey };
    }

    public static string PosterKey(Guid assetId, PosterFormat format) => $"{assetId:N}.poster.{format.Extension}";

    // A file name or a URL's last segment, never a URL's query (a signed link would be a secret in the log).
    private static string NameOf(ToolInput input) => Path.GetFileName(input.Location.Split('?')[0]);

    public static ProbedVideo? Parse(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (!root.TryGetProperty("streams", out var streams))
            {
                return null;
            }
            JsonElement? video = null;
            string? audioCodec = null;
            foreach (var stream in streams.EnumerateArray())
            {
                var type = stream.TryGetProperty("codec_type", out var t) ? t.GetString() : null;
                if (type == "video" && video is null && !IsCoverArt(stream))
                {
                    video = stream;
                }
                else if (type == "audio" && audioCodec is null)
                {
                    audioCodec = stream.TryGetProperty("codec_name", out var a) ? a.GetString() : null;
                }
            }
            if (video is not { } v || Int(v, "width") is not (> 0 and var width) || Int(v, "height") is not (> 0 and var height))
            {
                return null;
            }
            var duration = Number(root.TryGetProperty("format", out var format) ? format : default, "duration") ?? Number(v, "duration");
            var codec = v.TryGetProperty("codec_name", out var c) ? c.GetString() : null;
            return new ProbedVideo(duration, width, height, Rotation(v), codec ?? "unknown", audioCodec);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsCoverArt(JsonElement stream) =>
        stream.TryGetProperty("disposition", out var d) && d.TryGetProperty("attached_pic", out var p) && p.GetInt32() == 1;

    // The display matrix (side data) is where ffmpeg 5 reports a phone's rotation; older files carry a "rotate" tag.
    private static int Rotation(JsonElement stream)
    {
        if (stream.TryGetProperty("side_data_list", out var sideData))
        {
            foreach (var item in sideData.EnumerateArray())
            {
                if (Int(item, "rotation") is { } rotation)
                {
                    return rotation;
                }
            }
        }
        return stream.TryGetProperty("tags", out var tags) && Int(tags, "rotate") is { } rotate ? rotate : 0;
    }

    private static int? Int(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.Number ? value.GetInt32()
            : int.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : null
            : null;

    private static double? Number(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            && double.TryParse(value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            ? parsed : null;

    private async Task<(int Exit, byte[] Output)> RunAsync(string tool, string[] arguments, string fileName, CancellationToken ct)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(options.Value.Timeout);
        using var output = new MemoryStream();
        var errors = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.StandardOutput.BaseStream.CopyToAsync(output, deadline.Token);
            await process.WaitForExitAsync(deadline.Token);
            await errors;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            log.LogWarning("{Tool} took longer than {Timeout} on {File} and was stopped", Path.GetFileName(tool), options.Value.Timeout, fileName);
            return (-1, []);
        }
        return (process.ExitCode, output.ToArray());
    }

    private static bool Locate(string tool) =>
        Path.IsPathRooted(tool) ? File.Exists(tool)
        : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, tool)));

    /// <summary>Says once, at start-up, what is missing when ffprobe or ffmpeg is not installed.</summary>
    internal sealed class StartupCheck(VideoProbe probe, ILogger<VideoProbe> log) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (!probe.Available)
            {
                log.LogWarning("ffprobe/ffmpeg not found: uploads are accepted by their first bytes only, with no check that they play, no length, " +
                    "no picture size or aspect check and no poster frame. Install Debian's ffmpeg package (apt-get install ffmpeg) to have them.");
            }
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
