using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core.Data;
using VideoStudio.Web.Auth;

namespace VideoStudio.Web.Pages.Bench;

/// <summary>One item's title through the same membership rule as every page (one statement on indexed columns), in the layout.</summary>
public class BaselineModel(StudioDb db) : PageModel
{
    public string Title { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var title = await db.ContentVisibleTo(User.UserId()).Where(c => c.Id == id).Select(c => c.Title).SingleOrDefaultAsync(ct);
        if (title is null)
        {
            return NotFound();
        }
        Title = title;
        return Page();
    }
}
