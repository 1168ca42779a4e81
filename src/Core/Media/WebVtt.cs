using System.Text;
using System.Text.RegularExpressions;

namespace VideoStudio.Core.Media;

/// <summary>SubRip (what HeyGen returns) to WebVTT (what a browser's &lt;track&gt; plays).</summary>
public static partial class WebVtt
{
    public const string ContentType = "text/vtt";

    /// <summary>
    /// Keeps every cue with its timing (SRT's comma before the milliseconds becomes a dot) and text; cue numbers stay as
    /// cue identifiers. Text that could end a cue early in WebVTT ("-->") is defused.
    /// </summary>
    public static string FromSrt(string srt)
    {
        var vtt = new StringBuilder("WEBVTT\n\n");
        var blocks = srt.TrimStart('\uFEFF').Replace("\r\n", "\n").Replace('\r', '\n')
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var block in blocks)
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

    [GeneratedRegex(@"(\d{1,2}:\d{2}:\d{2})[,.](\d{3})")]
    private static partial Regex Timing();
}
