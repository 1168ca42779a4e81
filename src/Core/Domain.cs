namespace VideoStudio.Core;

public enum VideoSlot { Long, Short }

public enum VideoSource { Upload, Ai }

public enum MemberRole { Editor, Admin }

public enum IntegrationStatus { Active, Inactive }

public enum GenerationStatus { Queued, Submitted, Processing, Completed, Failed, TimedOut }

public static class VideoSlots
{
    public static readonly VideoSlot[] All = [VideoSlot.Long, VideoSlot.Short];

    public static string Key(this VideoSlot slot) => slot == VideoSlot.Long ? "long" : "short";

    public static bool TryParse(string? key, out VideoSlot slot)
    {
        switch (key)
        {
            case "long": slot = VideoSlot.Long; return true;
            case "short": slot = VideoSlot.Short; return true;
            default: slot = default; return false;
        }
    }

    public static string Title(this VideoSlot slot) => slot == VideoSlot.Long ? "Long Social Video" : "Short Social Video";

    public static string ScriptLabel(this VideoSlot slot) => slot == VideoSlot.Long ? "Main Video Script" : "Short Video Script";
}

public static class GenerationStatuses
{
    public static readonly GenerationStatus[] Active = [GenerationStatus.Queued, GenerationStatus.Submitted, GenerationStatus.Processing];

    public static bool IsActive(this GenerationStatus status) => Active.Contains(status);
}
