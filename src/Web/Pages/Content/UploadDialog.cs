using VideoStudio.Core;
using VideoStudio.Core.Media;

namespace VideoStudio.Web.Pages.Content;

/// <summary>The upload modal of one slot. It lives outside the card, so a live re-render of the card never interrupts an upload.</summary>
public sealed record UploadDialog(Guid ContentId, VideoSlot Slot, UploadOptions Options)
{
    public string DomId => $"upload-dialog-{Slot.Key()}";
    public string MaxSizeText => MediaStore.FormatBytes(Options.MaxBytes);
}
