using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Web.Auth;

namespace VideoStudio.Web.Pages.Content;

public class IndexModel(StudioDb db) : PageModel
{
    public sealed record Row(Guid Id, string Title, string Business, bool HasLong, bool HasShort, bool Generating, DateTimeOffset UpdatedAt);

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Rows = await db.ContentVisibleTo(User.UserId())
            .OrderBy(c => c.Business!.Name).ThenBy(c => c.Title)
            .Select(c => new Row(
                c.Id,
                c.Title,
                c.Business!.Name,
                c.VideoLongUrl != null,
                c.VideoShortUrl != null,
                db.VideoGenerations.Any(g => g.ContentId == c.Id && GenerationStatuses.Active.Contains(g.Status)),
                c.UpdatedAt))
            .ToListAsync(ct);
    }
}
