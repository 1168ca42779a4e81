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
/// One plain upload of a slot's video: the page a browser without JavaScript gets, and the POST its form sends. A page of
/// its own because the body must reach <see cref="VideoUpload"/> unread: form model binding (and the framework's antiforgery
/// check, which reads the whole form) would buffer the multipart body first, so <see cref="VideoUpload"/> checks the token
/// itself, from the header or the form's first field.
/// </summary>
[StreamedBody]
[IgnoreAntiforgeryToken]
public class UploadModel(StudioDb db, VideoUpload upload) : PageModel
{
    public UploadDialog Dialog { get; private set; } = null!;
    public string Title { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync()
    {
        if (await FindAsync() is not var (item, slot))
        {
            return NotFound();
        }
        Show(item, slot, null);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await FindAsync() is not var (item, slot))
        {
            return NotFound();
        }

        var outcome = await upload.ReceiveAsync(HttpContext, item, slot, User.UserId());
        if (outcome.Error is not null)
        {
            Response.StatusCode = outcome.Status;
            if (!Request.IsHtmx())
            {
                Show(item, slot, outcome.Error);
                return Page();
            }
            Response.Headers["HX-Retarget"] = $"#upload-dialog-{slot.Key()}-error";
            Response.Headers["HX-Reswap"] = "innerHTML";
            return Partial("_UploadError", outcome.Error);
        }
        return Request.IsHtmx()
            ? Partial("_VideoCard", await VideoCard.LoadAsync(db, item.Id, slot, CancellationToken.None))
            : RedirectToPage("/Content/Details", null, new { id = item.Id }, "create-video");
    }

    private void Show(Core.Data.Content item, VideoSlot slot, string? error)
    {
        Title = item.Title;
        Dialog = new UploadDialog(item.Id, slot, upload.Options) { Standalone = true, Error = error };
    }

    private async Task<(Core.Data.Content, VideoSlot)?> FindAsync()
    {
        if (!Guid.TryParse(RouteData.Values["id"]?.ToString(), out var id) || !VideoSlots.TryParse(RouteData.Values["slot"]?.ToString(), out var slot))
        {
            return null;
        }
        var item = await db.ContentVisibleTo(User.UserId()).AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, HttpContext.RequestAborted);
        return item is null ? null : (item, slot);
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
