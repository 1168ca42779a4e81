using VideoStudio.Core.Media;

namespace VideoStudio.Web.Pages.Content;

/// <summary>
/// The captions form: one modal on the content page that the card's and History's openers fill in with their version, or
/// the whole of the captions page a browser without JavaScript opens (<see cref="Standalone"/>, one version given).
/// </summary>
public sealed record CaptionsDialog(Guid ContentId)
{
    public Guid? AssetId { get; init; }
    public string? FileName { get; init; }
    public bool Standalone { get; init; }

    /// <summary>Why the last plain attachment was refused (the modal gets its refusals from htmx instead).</summary>
    public string? Error { get; init; }

    public const string DomId = "captions-dialog";
    public static string MaxSizeText => MediaStore.FormatBytes(WebVtt.MaxBytes);

    public static string PageUrl(Guid contentId, Guid assetId) => $"/content/{contentId}/captions?assetId={assetId}";
}
