namespace VideoStudio.Core.Media;

/// <summary>Whether a video's picture fits its slot: a landscape video in the 9:16 slot, or a portrait one in 16:9, does not.</summary>
public static class SlotShape
{
    public const string UseAnyway = "use-anyway";

    /// <summary>The question for the editor when the shape does not fit; null when it fits, is square, or is unknown (no ffprobe).</summary>
    public static string? Misfit(VideoSlot slot, ProbedVideo? probe)
    {
        if (probe is null)
        {
            return null;
        }
        var facts = slot.Facts();
        var slotIsLandscape = facts.Width > facts.Height;
        var fits = slotIsLandscape ? probe.DisplayWidth >= probe.DisplayHeight : probe.DisplayHeight >= probe.DisplayWidth;
        return fits ? null
            : $"This video is {MisfitShape(slot)} ({probe.DisplayWidth} × {probe.DisplayHeight}) but the {facts.Title} is " +
              $"{(slotIsLandscape ? "landscape" : "portrait")} ({facts.AspectRatio}), so it would be shown with black bars. Use it anyway, or cancel and choose another video.";
    }

    /// <summary>The shape of a video that does not fit this slot.</summary>
    public static string MisfitShape(VideoSlot slot) => slot.Facts().Width > slot.Facts().Height ? "portrait" : "landscape";
}
