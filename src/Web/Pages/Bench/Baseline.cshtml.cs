using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core.Data;
using VideoStudio.Web.Auth;

namespace VideoStudio.Web.Pages.Bench;

/// <summary>
/// bench/run.sh's yardstick for page renders (like TechEmpower's Fortunes): <c>/bench/baseline/{id}</c> does the least any
/// signed-in page here does — the same middleware (cookie and session check, antiforgery token in the layout), one indexed
/// query (the item's title through the same membership rule as every page), the layout — so the content page is compared
/// with what a page of this app costs at all, not with a static file. Not found unless <c>Studio:Bench:BaselinePage</c> is true.
/// </summary>
public class BaselineModel(StudioDb db, IConfiguration configuration) : PageModel
{
    public const string Setting = "Studio:Bench:BaselinePage";

    public string Title { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!configuration.GetValue<bool>(Setting))
        {
            return NotFound();
        }
        var title = await db.ContentVisibleTo(User.UserId()).Where(c => c.Id == id).Select(c => c.Title).SingleOrDefaultAsync(ct);
        if (title is null)
        {
            return NotFound();
        }
        Title = title;
        return Page();
    }
}
