using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core.Data;
using VideoStudio.Web.Auth;

namespace VideoStudio.Web.Pages.Admin;

[Authorize(Policy = AuthExtensions.SiteAdminPolicy)]
public class MetricsModel(StudioDb db) : PageModel
{
    public sealed record BusinessOption(Guid Id, string Name);

    [BindProperty(SupportsGet = true)]
    public Guid? Business { get; set; }

    public IReadOnlyList<BusinessOption> Businesses { get; private set; } = [];
    public IReadOnlyList<SuccessMetrics> Windows { get; private set; } = [];
    public string ScopeName { get; private set; } = "All businesses";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Businesses = await db.Businesses.OrderBy(b => b.Name).Select(b => new BusinessOption(b.Id, b.Name)).ToListAsync(ct);
        if (Business is { } id)
        {
            var chosen = Businesses.FirstOrDefault(b => b.Id == id);
            if (chosen is null)
            {
                return NotFound();
            }
            ScopeName = chosen.Name;
        }
        Windows = [await SuccessMetrics.LoadAsync(db, 7, Business, ct), await SuccessMetrics.LoadAsync(db, 30, Business, ct)];
        return Page();
    }

    public static string Percent(double? rate) => rate is null ? "—" : $"{rate * 100:0}%";

    public static string Seconds(double? seconds) => seconds is null ? "—" : seconds < 90 ? $"{seconds:0.#} s" : $"{seconds / 60:0.#} min";
}
