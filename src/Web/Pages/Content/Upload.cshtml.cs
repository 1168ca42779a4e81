using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Web.Auth;

namespace VideoStudio.Web.Pages.Content;

/// <summary>
/// The upload of one slot's video. A page of its own because the body must reach <see cref="VideoUpload"/> unread:
/// form model binding would buffer the whole multipart body first.
/// </summary>
[StreamedBody]
public class UploadModel(StudioDb db, VideoUpload upload) : PageModel
{
    public IActionResult OnGet() => NotFound();

    public async Task<IActionResult> OnPostAsync()
    {
        var ct = HttpContext.RequestAborted;
        if (!Guid.TryParse(RouteData.Values["id"]?.ToString(), out var id) || !VideoSlots.TryParse(RouteData.Values["slot"]?.ToString(), out var slot))
        {
            return NotFound();
        }
        var item = await db.ContentVisibleTo(User.UserId()).AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        if (item is null)
        {
            return NotFound();
        }

        var outcome = await upload.ReceiveAsync(HttpContext, item, slot, User.UserId());
        if (outcome.Error is not null)
        {
            Response.StatusCode = outcome.Status;
            Response.Headers["HX-Retarget"] = $"#upload-dialog-{slot.Key()}-error";
            Response.Headers["HX-Reswap"] = "innerHTML";
            return Partial("_UploadError", outcome.Error);
        }
        return Request.IsHtmx()
            ? Partial("_VideoCard", await VideoCard.LoadAsync(db, id, slot, CancellationToken.None))
            : RedirectToPage("/Content/Details", null, new { id }, "create-video");
    }

    /// <summary>Removes the form value providers so nothing reads the body before the handler streams it.</summary>
    private sealed class StreamedBodyAttribute : Attribute, IResourceFilter
    {
        public void OnResourceExecuting(ResourceExecutingContext context)
        {
            var factories = context.ValueProviderFactories;
            factories.RemoveType<FormValueProviderFactory>();
            factories.RemoveType<FormFileValueProviderFactory>();
            factories.RemoveType<JQueryFormValueProviderFactory>();
        }

        public void OnResourceExecuted(ResourceExecutedContext context)
        {
        }
    }
}
