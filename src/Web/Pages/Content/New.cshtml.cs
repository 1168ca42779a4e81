using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core.Data;
using VideoStudio.Web.Auth;

namespace VideoStudio.Web.Pages.Content;

public class NewModel(StudioDb db) : PageModel
{
    public const int MaxTitleLength = 300;

    public sealed class InputModel
    {
        public Guid BusinessId { get; set; }

        [Required(ErrorMessage = "Enter a title.")]
        [StringLength(MaxTitleLength, ErrorMessage = "The title is too long: keep it to 300 characters.")]
        public string? Title { get; set; }

        [StringLength(ScriptEditor.MaxLength, ErrorMessage = "The Main Video Script is too long: the limit is 100,000 characters.")]
        public string? VideoScript { get; set; }

        [StringLength(ScriptEditor.MaxLength, ErrorMessage = "The Short Video Script is too long: the limit is 100,000 characters.")]
        public string? ShortVideoScript { get; set; }
    }

    public sealed record BusinessChoice(Guid Id, string Name);

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public IReadOnlyList<BusinessChoice> Businesses { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadBusinessesAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadBusinessesAsync(ct);
        if (Businesses.Count == 1)
        {
            Input.BusinessId = Businesses[0].Id;
        }
        if (Businesses.All(b => b.Id != Input.BusinessId))
        {
            ModelState.AddModelError("Input.BusinessId", "Choose one of your businesses.");
        }
        if (string.IsNullOrWhiteSpace(Input.Title))
        {
            ModelState.Remove("Input.Title");
            ModelState.AddModelError("Input.Title", "Enter a title.");
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var item = await CreateAsync(db, Input.BusinessId, Input.Title!, Input.VideoScript, Input.ShortVideoScript, ct);
        return Redirect($"/content/{item.Id}");
    }

    /// <summary>A new item as this page and the API make it: the title trimmed, blank scripts stored as none, line endings as \n.</summary>
    public static async Task<Core.Data.Content> CreateAsync(StudioDb db, Guid businessId, string title, string? videoScript, string? shortVideoScript, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var item = new Core.Data.Content
        {
            Id = Guid.NewGuid(),
            BusinessId = businessId,
            Title = title.Trim(),
            VideoScript = Script(videoScript),
            ShortVideoScript = Script(shortVideoScript),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Content.Add(item);
        await db.SaveChangesAsync(ct);
        return item;
    }

    public static string? Script(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Replace("\r\n", "\n");

    private async Task LoadBusinessesAsync(CancellationToken ct) =>
        Businesses = await db.BusinessMembers.Where(m => m.UserId == User.UserId())
            .OrderBy(m => m.Business!.Name)
            .Select(m => new BusinessChoice(m.BusinessId, m.Business!.Name))
            .ToListAsync(ct);
}
