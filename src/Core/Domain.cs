namespace VideoStudio.Core;

public enum VideoSlot { Long, Short }

public enum VideoSource { Upload, Ai }

public enum MemberRole { Editor, Admin }

public enum IntegrationStatus { Active, Inactive }

public enum GenerationStatus { Queued, Submitted, Processing, Completed, Failed, TimedOut }

/// <summary>What differs between the two slots, in one place; everything else about a slot is the same code.</summary>
public sealed record SlotFacts(
    VideoSlot Slot,
    string Key,
    string Title,
    string ScriptLabel,
    string ScriptAnchor,
    string AspectRatio,
    int Width,
    int Height)
{
    /// <summary>The DOM id of the slot's card, which is also the name of its live event (htmx swaps the element of that id).</summary>
    public string CardDomId => $"video-card-{Key}";
}

public static class VideoSlots
{
    public static readonly VideoSlot[] All = [VideoSlot.Long, VideoSlot.Short];

    private static readonly SlotFacts LongFacts = new(VideoSlot.Long, "long", "Long Social Video", "Main Video Script", "main-script", "16:9", 1280, 720);
    private static readonly SlotFacts ShortFacts = new(VideoSlot.Short, "short", "Short Social Video", "Short Video Script", "short-script", "9:16", 720, 1280);

    public static SlotFacts Facts(this VideoSlot slot) => slot == VideoSlot.Long ? LongFacts : ShortFacts;

    public static string Key(this VideoSlot slot) => slot.Facts().Key;

    public static string Title(this VideoSlot slot) => slot.Facts().Title;

    public static string ScriptLabel(this VideoSlot slot) => slot.Facts().ScriptLabel;

    public static bool TryParse(string? key, out VideoSlot slot)
    {
        foreach (var candidate in All)
        {
            if (candidate.Key() == key)
            {
                slot = candidate;
                return true;
            }
        }
        slot = default;
        return false;
    }
}

public static class GenerationStatuses
{
    public static readonly GenerationStatus[] Active = [GenerationStatus.Queued, GenerationStatus.Submitted, GenerationStatus.Processing];

    public static bool IsActive(this GenerationStatus status) => Active.Contains(status);
}
