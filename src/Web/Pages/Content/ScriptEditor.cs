using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Core.Data;

namespace VideoStudio.Web.Pages.Content;

/// <summary>One script tab's editor: the text, the fingerprint of the text it was loaded from, and the outcome of the last save.</summary>
public sealed record ScriptEditor(Guid ContentId, VideoSlot Slot, string Text, string BaseHash)
{
    public const int MaxLength = 100_000;

    public string? Error { get; init; }
    public string? TheirText { get; init; }
    public bool Saved { get; init; }
    public bool Unchanged { get; init; }

    public string DomId => $"{Anchor}-editor";
    public string Anchor => Slot.Facts().ScriptAnchor;
    public string Label => Slot.ScriptLabel();

    /// <summary>Fingerprints a script so a save can tell whether someone else changed it meanwhile, per script rather than per row.</summary>
    public static string Hash(string? text) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text ?? ""))).ToLowerInvariant()[..32];

    /// <summary>
    /// Saves a script only if it is still the text the writer started from, so a concurrent save of this script is never
    /// overwritten, while saves of the other script or the videos of the same row do not conflict with it.
    /// </summary>
    public static async Task<bool> SaveAsync(StudioDb db, Guid id, VideoSlot slot, string? expected, string? value, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var updated = slot == VideoSlot.Long
            ? await db.Content.Where(c => c.Id == id && c.VideoScript == expected)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.VideoScript, value).SetProperty(c => c.UpdatedAt, now), ct)
            : await db.Content.Where(c => c.Id == id && c.ShortVideoScript == expected)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ShortVideoScript, value).SetProperty(c => c.UpdatedAt, now), ct);
        return updated > 0;
    }

    public static ScriptEditor For(Guid contentId, VideoSlot slot, string? text) => new(contentId, slot, text ?? "", Hash(text));
}
