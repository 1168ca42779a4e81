using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoStudio.Core;
using VideoStudio.Web.Auth;

namespace VideoStudio.Web.Pages.Content;

/// <summary>
/// Captions for one version of a slot's video: the POST of the content page's captions dialog (htmx), and the page with the
/// same form that a browser without JavaScript opens and posts plainly.
/// </summary>
public class CaptionsModel(VideoCaptions captions, Core.Data.StudioDb db) : PageModel
{
    public CaptionsDialog Dialog { get; private set; } = null!;
    public string Title { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(Guid id, Guid assetId, CancellationToken ct)
    {
        if (await captions.FindAsync(id, assetId, User.UserId(), ct) is not { } target)
        {
            return NotFound();
        }
        Show(target, null);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, Guid assetId, IFormFile? file, CancellationToken ct)
    {
        if (await captions.FindAsync(id, assetId, User.UserId(), ct) is not { } target)
        {
            return NotFound();
        }
        var outcome = await captions.AttachAsync(target, file, User.UserId(), ct);
        if (outcome.Error is not null)
        {
            Response.StatusCode = outcome.Status;
            if (!Request.IsHtmx())
            {
                Show(target, outcome.Error);
                return Page();
            }
            Response.Headers["HX-Retarget"] = $"#{CaptionsDialog.DomId}-error";
            Response.Headers["HX-Reswap"] = "innerHTML";
            return Partial("_UploadError", outcome.Error);
        }
        if (!Request.IsHtmx())
        {
            return RedirectToPage("/Content/Details", null, new { id }, "create-video");
        }
        // The card shows the current version's captions, and an open History re-reads itself.
        var slot = target.Asset.Slot;
        Response.Headers["HX-Retarget"] = "#" + slot.Facts().CardDomId;
        Response.Headers["HX-Reswap"] = "outerHTML";
        Response.Headers["HX-Trigger"] = "history-changed";
        return Partial("_VideoCard", await VideoCard.LoadAsync(db, id, slot, CancellationToken.None));
    }

    private void Show(CaptionsTarget target, string? error)
    {
        Title = target.Content.Title;
        Dialog = new CaptionsDialog(target.Content.Id) { AssetId = target.Asset.Id, FileName = target.Asset.OriginalFileName, Standalone = true, Error = error };
    }
}
