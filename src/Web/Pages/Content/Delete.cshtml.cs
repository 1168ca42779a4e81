using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core.Data;
using VideoStudio.Core.Media;
using VideoStudio.Web.Auth;

namespace VideoStudio.Web.Pages.Content;

/// <summary>/content/{id}/delete: a page of its own that says what goes, so nothing is deleted by one stray click.</summary>
public class DeleteModel(StudioDb db, MediaStore media, ILogger<DeleteModel> logger) : PageModel
{
    public Core.Data.Content Item { get; private set; } = null!;

    public int VideoCount { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var item = await db.ContentVisibleTo(User.UserId()).AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        if (item is null)
        {
            return NotFound();
        }
        Item = item;
        VideoCount = await db.VideoAssets.CountAsync(a => a.ContentId == id, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (!await db.ContentVisibleTo(User.UserId()).AnyAsync(c => c.Id == id, ct))
        {
            return NotFound();
        }
        var assets = await db.VideoAssets.AsNoTracking().Where(a => a.ContentId == id).ToListAsync(ct);
        // Assets and generations go with the row (cascading keys); a running generation job finds its row gone and stops.
        await db.Content.Where(c => c.Id == id).ExecuteDeleteAsync(ct);
        foreach (var file in assets.SelectMany(SlotVideos.KeysOf))
        {
            try
            {
                await media.DeleteAsync(file, CancellationToken.None);
            }
            catch (Exception e) when (e is IOException or MediaUnavailableException)
            {
                logger.LogWarning(e, "Could not remove the file {File} of deleted content {ContentId}", file, id);
            }
        }
        return Redirect("/content");
    }
}
