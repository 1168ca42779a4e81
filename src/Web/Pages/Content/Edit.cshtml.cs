using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core.Data;
using VideoStudio.Web.Auth;

namespace VideoStudio.Web.Pages.Content;

/// <summary>/content/{id}/edit: what happens to the item as a whole — its title, archiving it, and the way to delete it.</summary>
public class EditModel(StudioDb db) : PageModel
{
    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter a title.")]
        [StringLength(NewModel.MaxTitleLength, ErrorMessage = "The title is too long: keep it to 300 characters.")]
        public string? Title { get; set; }
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public Core.Data.Content Item { get; private set; } = null!;

    public bool Renamed { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        Input.Title = Item.Title;
        return Page();
    }

    public async Task<IActionResult> OnPostRenameAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
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
        await RenameAsync(db, id, Input.Title!, ct);
        await LoadAsync(id, ct);
        Renamed = true;
        return Page();
    }

    public Task<IActionResult> OnPostArchiveAsync(Guid id, CancellationToken ct) => SetArchivedAsync(id, DateTimeOffset.UtcNow, ct);

    public Task<IActionResult> OnPostRestoreAsync(Guid id, CancellationToken ct) => SetArchivedAsync(id, null, ct);

    private async Task<IActionResult> SetArchivedAsync(Guid id, DateTimeOffset? archivedAt, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        await ArchiveAsync(db, id, archivedAt, ct);
        return Redirect($"/content/{id}/edit");
    }

    public static Task RenameAsync(StudioDb db, Guid id, string title, CancellationToken ct)
    {
        var trimmed = title.Trim();
        return db.Content.Where(c => c.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Title, trimmed).SetProperty(c => c.UpdatedAt, DateTimeOffset.UtcNow), ct);
    }

    /// <summary>Archives the item (a time) or brings it back (none).</summary>
    public static Task ArchiveAsync(StudioDb db, Guid id, DateTimeOffset? archivedAt, CancellationToken ct) =>
        db.Content.Where(c => c.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ArchivedAt, archivedAt).SetProperty(c => c.UpdatedAt, DateTimeOffset.UtcNow), ct);

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var item = await db.ContentVisibleTo(User.UserId()).AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        Item = item!;
        return item is not null;
    }
}
