using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace VideoStudio.Core.Media;

/// <summary>
/// WebVTT, what a browser's &lt;track&gt; plays: SubRip (what HeyGen returns, and what most subtitle editors save) converted
/// to it, and an editor's own captions file checked before it is kept.
/// </summary>
public static partial class WebVtt
{
    public const string ContentType = "text/vtt";

    /// <summary>Largest captions file taken (HeyGen's or an editor's): an hour of dense subtitles is about 100 KB.</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>What the file picker offers for captions; the server decides by the text, whatever the name says.</summary>
    public const string Accept = ".vtt,.srt,text/vtt";

    /// <summary>
    /// A new storage key for captions an editor attaches to an asset: new each time, so the immutable caching of
    /// /media/ never serves the captions it replaced.
    /// </summary>
    public static string NewKey(Guid assetId) => $"{assetId:N}.captions.{RandomNumberGenerator.GetHexString(StampLength, lowercase: true)}.vtt";

    public static bool IsStamp(string stamp) => stamp.Length == StampLength && stamp.All(char.IsAsciiHexDigitLower);

    private const int StampLength = 8;

    /// <summary>
    /// Keeps every cue with its timing (SRT's comma before the milliseconds becomes a dot) and text; cue numbers stay as
    /// cue identifiers. Text that could end a cue early in WebVTT ("-->") is defused.
    /// </summary>
    public static string FromSrt(string srt)
    {
        var vtt = new StringBuilder("WEBVTT\n\n");
        foreach (var block in Blocks(srt))
        {
            var lines = block.Split('\n');
            var timing = Array.FindIndex(lines, l => l.Contains("-->", StringComparison.Ordinal));
            if (timing < 0 || !Timing().IsMatch(lines[timing]))
            {
                continue;
            }
            if (timing > 0)
            {
                vtt.Append(lines[timing - 1].Trim()).Append('\n');
            }
            vtt.Append(Timing().Replace(lines[timing], m => $"{m.Groups[1].Value}.{m.Groups[2].Value}")).Append('\n');
            foreach (var text in lines.Skip(timing + 1))
            {
                vtt.Append(text.Replace("-->", "→")).Append('\n');
            }
            vtt.Append('\n');
        }
        return vtt.ToString();
    }

    /// <summary>
    /// An editor's captions file as the WebVTT to keep: a WebVTT file as it is (line endings and byte order mark tidied), an
    /// SRT file converted. Anything else, or a file with a cue timing a player would drop, is refused saying what to fix.
    /// </summary>
    public static string Read(ReadOnlySpan<byte> file)
    {
        if (file.Length == 0)
        {
            throw Refused("This captions file is empty. Choose the file again.");
        }
        if (file.Length > MaxBytes)
        {
            throw Refused($"This captions file is larger than the limit of {MediaStore.FormatBytes(MaxBytes)}. Attach the captions of this video only.");
        }
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(file);
        }
        catch (DecoderFallbackException)
        {
            throw Refused("This captions file is not UTF-8 text. Save it as UTF-8 in your subtitle editor and attach it again.");
        }
        text = text.TrimStart('\uFEFF').Replace("\r\n", "\n").Replace('\r', '\n');
        if (text.Contains('\0'))
        {
            throw NotCaptions();
        }
        return Header().IsMatch(text) ? CheckedVtt(text) : CheckedSrt(text);
    }

    private static string CheckedVtt(string vtt)
    {
        var lines = vtt.Split('\n');
        var cues = 0;
        for (var i = 1; i < lines.Length; i++)
        {
            if (!lines[i].Contains("-->", StringComparison.Ordinal))
            {
                continue;
            }
            if (VttTiming().Match(lines[i]) is not { Success: true } timing || Seconds(timing.Groups["end"]) < Seconds(timing.Groups["start"]))
            {
                throw BadTiming(i + 1, lines[i], "00:00:01.000 --> 00:00:04.000");
            }
            cues++;
        }
        return cues == 0 ? throw NoCues() : vtt.EndsWith('\n') ? vtt : vtt + "\n";
    }

    private static string CheckedSrt(string srt)
    {
        var cues = 0;
        var line = 1;
        foreach (var block in srt.Split("\n\n"))
        {
            var lines = block.Split('\n');
            var timing = Array.FindIndex(lines, l => l.Contains("-->", StringComparison.Ordinal));
            if (block.Trim().Length > 0 && timing < 0 && cues == 0)
            {
                throw NotCaptions();
            }
            if (timing >= 0)
            {
                if (SrtTiming().Match(lines[timing]) is not { Success: true } match || Seconds(match.Groups["end"]) < Seconds(match.Groups["start"]))
                {
                    throw BadTiming(line + timing, lines[timing], "00:00:01,000 --> 00:00:04,000");
                }
                cues++;
            }
            line += lines.Length + 1;
        }
        return cues == 0 ? throw NotCaptions() : FromSrt(srt);
    }

    private static IEnumerable<string> Blocks(string srt) =>
        srt.TrimStart('\uFEFF').Replace("\r\n", "\n").Replace('\r', '\n')
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static double Seconds(Group time)
    {
        var parts = time.Value.Replace(',', '.').Split(':');
        return parts.Aggregate(0.0, (total, part) => total * 60 + double.Parse(part, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static MediaRejectedException Refused(string message) => new(message, "bad_captions");

    private static MediaRejectedException NotCaptions() =>
        Refused("This file is not WebVTT or SRT captions. Attach a .vtt or .srt file, as saved by a subtitle editor.");

    private static MediaRejectedException NoCues() =>
        Refused("This WebVTT file has no captions in it: no line gives a cue's timing (like 00:00:01.000 --> 00:00:04.000).");

    private static MediaRejectedException BadTiming(int line, string text, string example) =>
        Refused($"Line {line} of the captions file, “{(text.Length > 60 ? text[..60] + "…" : text)}”, is not a cue timing a player can read " +
                $"(like {example}, the end not before the start). Correct it and attach the file again.");

    [GeneratedRegex(@"(\d{1,2}:\d{2}:\d{2})[,.](\d{3})")]
    private static partial Regex Timing();

    [GeneratedRegex(@"^WEBVTT(?:[ \t\n]|$)")]
    private static partial Regex Header();

    // WebVTT: hours optional (at least two digits when given), minutes and seconds under 60, then cue settings.
    [GeneratedRegex(@"^[ \t]*(?<start>(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3})[ \t]+-->[ \t]+(?<end>(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3})(?:[ \t].*)?$")]
    private static partial Regex VttTiming();

    // SubRip: hours always there; editors write a comma before the milliseconds, some a dot; some add coordinates after.
    [GeneratedRegex(@"^\s*(?<start>\d{1,2}:[0-5]\d:[0-5]\d[,.]\d{3})\s*-->\s*(?<end>\d{1,2}:[0-5]\d:[0-5]\d[,.]\d{3})(?:\s.*)?$")]
    private static partial Regex SrtTiming();
}
