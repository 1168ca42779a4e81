using VideoStudio.Core;
using VideoStudio.Core.Media;

namespace VideoStudio.Web.Pages.Content;

/// <summary>
/// The upload form of one slot: a modal on the content page (outside the card, so a live re-render of the card never
/// interrupts an upload), or the whole of the upload page a browser without JavaScript opens (<see cref="Standalone"/>).
/// </summary>
public sealed record UploadDialog(Guid ContentId, VideoSlot Slot, UploadOptions Options)
{
    public bool Standalone { get; init; }

    /// <summary>Why the last plain upload was refused (the dialog gets its refusals from the script instead).</summary>
    public string? Error { get; init; }

    public string DomId => $"upload-dialog-{Slot.Key()}";
    public string MaxSizeText => MediaStore.FormatBytes(Options.MaxBytes);
}
