using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoStudio.Core.Data;
using VideoStudio.Web.Auth;

namespace VideoStudio.Web.Pages.Content;

public class IndexModel(StudioDb db) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true, Name = "state")]
    public ContentFilter Filter { get; set; }

    [BindProperty(SupportsGet = true, Name = "sort")]
    public ContentSort Sort { get; set; }

    [BindProperty(SupportsGet = true, Name = "after")]
    public string? After { get; set; }

    public ContentListPage List { get; private set; } = new([], null);

    public static readonly (ContentFilter Value, string Label)[] Filters =
    [
        (ContentFilter.All, "All"),
        (ContentFilter.MissingLong, "Missing Long Social Video"),
        (ContentFilter.MissingShort, "Missing Short Social Video"),
        (ContentFilter.Generating, "Creating AI video"),
        (ContentFilter.Failed, "AI video failed"),
        (ContentFilter.Complete, "Both videos ready"),
        (ContentFilter.Archived, "Archived"),
    ];

    public bool IsFiltered => !string.IsNullOrWhiteSpace(Search) || Filter != ContentFilter.All;

    public async Task OnGetAsync(CancellationToken ct)
    {
        // A search longer than any title cannot match; cutting it keeps the pattern small rather than failing the page.
        if (Search is { Length: > ContentList.MaxSearchLength })
        {
            Search = Search[..ContentList.MaxSearchLength];
        }
        List = await ContentList.ReadAsync(db, User.UserId(), new ContentListQuery(Search, Filter, Sort, After), ct);
    }

    public string NextUrl() =>
        Url.Page("/Content/Index", new { q = Search, state = Filter == ContentFilter.All ? null : Filter.ToString(), sort = Sort == ContentSort.Changed ? null : Sort.ToString(), after = List.Next })!;
}
