using VideoStudio.Core;

namespace VideoStudio.Jobs.HeyGen;

/// <summary>How each slot is asked of HeyGen.</summary>
public static class HeyGenSlots
{
    public static string AspectRatio(VideoSlot slot) => slot switch
    {
        VideoSlot.Long => "16:9",
        VideoSlot.Short => "9:16",
        _ => throw new ArgumentOutOfRangeException(nameof(slot)),
    };
}
