using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Core.Media;
using VideoStudio.Web.Auth;

namespace VideoStudio.Web.Pages.Content;

public class DetailsModel(StudioDb db, IOptions<UploadOptions> uploadOptions, VersionActions versions) : PageModel
{
    public UploadOptions Upload => uploadOptions.Value;

    public ContentPageItem Item { get; private set; } = null!;
    public VideoCard LongCard { get; private set; } = null!;
    public VideoCard ShortCard { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await VideoCard.ReadPageAsync(db, id, User.UserId(), ct) is not { } page)
        {
            return NotFound();
        }
        (Item, LongCard, ShortCard) = (page.Item, page.LongCard, page.ShortCard);
        return Page();
    }

    public async Task<IActionResult> OnGetCardAsync(Guid id, string slot, CancellationToken ct)
    {
        if (!VideoSlots.TryParse(slot, out var videoSlot) || !await db.ContentVisibleTo(User.UserId()).AnyAsync(c => c.Id == id, ct))
        {
            return NotFound();
        }
        return Partial("_VideoCard", await VideoCard.LoadAsync(db, id, videoSlot, ct));
    }

    public async Task<IActionResult> OnPostSaveScriptAsync(Guid id, string slot, string? text, string? baseHash, CancellationToken ct)
    {
        var (item, videoSlot) = await FindAsync(id, slot, ct);
        if (item is null)
        {
            return NotFound();
        }

        var submitted = NormalizeLineEndings(text ?? "");
        var stored = item.Script(videoSlot);
        if (submitted.Length > ScriptEditor.MaxLength)
        {
            return ScriptFragment(StatusCodes.Status422UnprocessableEntity, new ScriptEditor(id, videoSlot, submitted, baseHash ?? "")
            {
                Error = $"The script is {submitted.Length:N0} characters long; the limit is {ScriptEditor.MaxLength:N0}. Shorten it and save again.",
            });
        }
        if (baseHash != ScriptEditor.Hash(stored))
        {
            return Conflict(id, videoSlot, submitted, stored);
        }

        var value = string.IsNullOrWhiteSpace(submitted) ? null : submitted;
        if (value == stored)
        {
            return ScriptFragment(StatusCodes.Status200OK, ScriptEditor.For(id, videoSlot, stored) with { Unchanged = true });
        }
        // Conditional on the text the editor started from, so a concurrent save of this script is never overwritten,
        // while saves of the other script or the videos of the same row do not conflict with it.
        if (!await ScriptEditor.SaveAsync(db, id, videoSlot, stored, value, ct))
        {
            var current = await db.Content.AsNoTracking().Where(c => c.Id == id)
                .Select(c => videoSlot == VideoSlot.Long ? c.VideoScript : c.ShortVideoScript).SingleAsync(ct);
            return Conflict(id, videoSlot, submitted, current);
        }

        if (!Request.IsHtmx())
        {
            return RedirectToPage("/Content/Details", null, new { id }, videoSlot.Facts().ScriptAnchor);
        }
        return ScriptFragment(StatusCodes.Status200OK, ScriptEditor.For(id, videoSlot, value) with { Saved = true });
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, string slot, CancellationToken ct)
    {
        var (item, videoSlot) = await FindAsync(id, slot, ct);
        if (item is null)
        {
            return NotFound();
        }
        await versions.DeleteAsync(item, videoSlot, User.UserId(), ct);
        if (!Request.IsHtmx())
        {
            return CreateVideoSection(id);
        }
        // The delete confirmation lives outside the card, so the answer names the card it replaces.
        Response.Headers["HX-Retarget"] = "#" + videoSlot.Facts().CardDomId;
        return Partial("_VideoCard", await VideoCard.LoadAsync(db, id, videoSlot, CancellationToken.None));
    }

    public async Task<IActionResult> OnGetHistoryAsync(Guid id, string slot, CancellationToken ct)
    {
        var (item, videoSlot) = await FindAsync(id, slot, ct);
        return item is null ? NotFound() : Partial("_SlotHistory", await HistoryAsync(item, videoSlot, null, ct));
    }

    public async Task<IActionResult> OnPostRestoreAsync(Guid id, string slot, Guid assetId, CancellationToken ct)
    {
        var (item, videoSlot) = await FindAsync(id, slot, ct);
        if (item is null)
        {
            return NotFound();
        }
        var result = await versions.RestoreAsync(item, videoSlot, assetId, User.UserId(), ct);
        if (result == RestoreResult.Gone)
        {
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Partial("_SlotHistory", await HistoryAsync(item, videoSlot, VersionActions.Gone, CancellationToken.None));
        }
        return ChangedCard(id, videoSlot, await VideoCard.LoadAsync(db, id, videoSlot, CancellationToken.None));
    }

    public async Task<IActionResult> OnPostUndoAsync(Guid id, string slot, Guid assetId, CancellationToken ct)
    {
        var (item, videoSlot) = await FindAsync(id, slot, ct);
        if (item is null)
        {
            return NotFound();
        }
        var result = await versions.UndoAsync(item, videoSlot, assetId, User.UserId(), ct);
        var card = await VideoCard.LoadAsync(db, id, videoSlot, CancellationToken.None);
        if (result is RestoreResult.Gone or RestoreResult.SlotChanged)
        {
            Response.StatusCode = StatusCodes.Status409Conflict;
            card = card! with { Message = result == RestoreResult.Gone ? VersionActions.Gone : VersionActions.UndoExpired };
        }
        return ChangedCard(id, videoSlot, card);
    }

    public async Task<IActionResult> OnPostRemoveVersionAsync(Guid id, string slot, Guid assetId, CancellationToken ct)
    {
        var (item, videoSlot) = await FindAsync(id, slot, ct);
        if (item is null)
        {
            return NotFound();
        }
        if (!await versions.MayRemoveAsync(item, User.UserId(), ct))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        var message = await versions.RemoveAsync(item, videoSlot, assetId, User.UserId(), ct)
            ? null : "Only a version that is not current, and not removed already, can be deleted for good.";
        if (message is not null)
        {
            Response.StatusCode = StatusCodes.Status409Conflict;
        }
        return Partial("_SlotHistory", await HistoryAsync(item, videoSlot, message, CancellationToken.None));
    }

    private async Task<SlotHistory> HistoryAsync(Core.Data.Content item, VideoSlot slot, string? message, CancellationToken ct) =>
        await SlotHistory.LoadAsync(db, item.Id, slot, ct) with
        {
            CanRemove = await versions.MayRemoveAsync(item, User.UserId(), ct),
            ShowJobs = User.HasClaim(AuthExtensions.SiteAdminClaim, "true"),
            Message = message,
        };

    /// <summary>The card after a change made from outside it (History, Undo): aimed at the card, and the open History re-reads itself.</summary>
    private IActionResult ChangedCard(Guid id, VideoSlot slot, VideoCard? card)
    {
        if (!Request.IsHtmx())
        {
            return CreateVideoSection(id);
        }
        Response.Headers["HX-Retarget"] = "#" + slot.Facts().CardDomId;
        Response.Headers["HX-Reswap"] = "outerHTML";
        Response.Headers["HX-Trigger"] = "history-changed";
        return Partial("_VideoCard", card);
    }

    private async Task<(Core.Data.Content? Item, VideoSlot Slot)> FindAsync(Guid id, string slot, CancellationToken ct)
    {
        if (!VideoSlots.TryParse(slot, out var videoSlot))
        {
            return (null, default);
        }
        var item = await db.ContentVisibleTo(User.UserId()).AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        return (item, videoSlot);
    }

    private PartialViewResult Conflict(Guid id, VideoSlot slot, string submitted, string? theirs) =>
        ScriptFragment(StatusCodes.Status409Conflict, new ScriptEditor(id, slot, submitted, ScriptEditor.Hash(theirs))
        {
            Error = "Someone else saved this script while you were editing. Your text is still in the editor; compare it with their version below, then save again to keep yours.",
            TheirText = theirs ?? "",
        });

    private PartialViewResult ScriptFragment(int status, ScriptEditor editor)
    {
        Response.StatusCode = status;
        return Partial("_ScriptEditor", editor);
    }

    private static string NormalizeLineEndings(string text) => text.Replace("\r\n", "\n");

    public Task<IActionResult> OnPostGenerateAsync(Guid id, string slot, [FromServices] GenerationStart start, CancellationToken ct) =>
        StartGenerationAsync(id, slot, start, ct);

    public Task<IActionResult> OnPostRetryAsync(Guid id, string slot, [FromServices] GenerationStart start, CancellationToken ct) =>
        StartGenerationAsync(id, slot, start, ct);

    private async Task<IActionResult> StartGenerationAsync(Guid id, string slot, GenerationStart start, CancellationToken ct)
    {
        if (!VideoSlots.TryParse(slot, out var videoSlot) || await start.StartAsync(id, videoSlot, User.UserId(), ct) is not { } outcome)
        {
            return NotFound();
        }
        if (!Request.IsHtmx())
        {
            return CreateVideoSection(id);
        }
        Response.StatusCode = outcome.Refused ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status200OK;
        // Over a video, Generate is confirmed in a dialog outside the card, so the answer names the card it replaces.
        Response.Headers["HX-Retarget"] = "#" + videoSlot.Facts().CardDomId;
        return Partial("_VideoCard", outcome.Card);
    }

    private RedirectToPageResult CreateVideoSection(Guid id) => RedirectToPage("/Content/Details", null, new { id }, "create-video");
}
