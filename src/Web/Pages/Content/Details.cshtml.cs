using Hangfire;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Core.Media;
using VideoStudio.Jobs.Generation;
using VideoStudio.Jobs.HeyGen;
using VideoStudio.Web.Auth;

namespace VideoStudio.Web.Pages.Content;

public class DetailsModel(StudioDb db, IOptions<UploadOptions> uploadOptions) : PageModel
{
    public UploadOptions Upload => uploadOptions.Value;

    public Core.Data.Content Item { get; private set; } = null!;
    public VideoCard LongCard { get; private set; } = null!;
    public VideoCard ShortCard { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var item = await db.ContentVisibleTo(User.UserId()).AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        if (item is null)
        {
            return NotFound();
        }
        Item = item;
        var cards = await VideoCard.LoadAsync(db, id, [VideoSlot.Long, VideoSlot.Short], ct);
        (LongCard, ShortCard) = (cards[0], cards[1]);
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
        // Conditional on the text the editor started from, so a concurrent save of this script is never overwritten,
        // while saves of the other script or the videos of the same row do not conflict with it.
        var now = DateTimeOffset.UtcNow;
        var updated = videoSlot == VideoSlot.Long
            ? await db.Content.Where(c => c.Id == id && c.VideoScript == stored)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.VideoScript, value).SetProperty(c => c.UpdatedAt, now), ct)
            : await db.Content.Where(c => c.Id == id && c.ShortVideoScript == stored)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ShortVideoScript, value).SetProperty(c => c.UpdatedAt, now), ct);
        if (updated == 0)
        {
            var current = await db.Content.AsNoTracking().Where(c => c.Id == id)
                .Select(c => videoSlot == VideoSlot.Long ? c.VideoScript : c.ShortVideoScript).SingleAsync(ct);
            return Conflict(id, videoSlot, submitted, current);
        }

        if (!Request.IsHtmx())
        {
            return Redirect($"/content/{id}#{(videoSlot == VideoSlot.Long ? "main-script" : "short-script")}");
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
        if (await SlotVideos.DeleteAsync(db, id, videoSlot, ct))
        {
            db.Record(item.BusinessId, id, videoSlot, VideoEventLog.Delete, VideoEventLog.Succeeded, User.UserId());
            await db.SaveChangesAsync(ct);
        }
        return await CardOrRedirectAsync(id, videoSlot);
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

    private async Task<IActionResult> CardOrRedirectAsync(Guid id, VideoSlot slot) =>
        Request.IsHtmx()
            ? Partial("_VideoCard", await VideoCard.LoadAsync(db, id, slot, CancellationToken.None))
            : Redirect($"/content/{id}#create-video");

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

    public Task<IActionResult> OnPostGenerateAsync(Guid id, string slot, [FromServices] IBackgroundJobClient jobs, CancellationToken ct) =>
        StartGenerationAsync(id, slot, jobs, ct);

    public Task<IActionResult> OnPostRetryAsync(Guid id, string slot, [FromServices] IBackgroundJobClient jobs, CancellationToken ct) =>
        StartGenerationAsync(id, slot, jobs, ct);

    /// <summary>Inserts a queued generation and hands it to the job by id; the card answers "Creating AI Video" at once.</summary>
    private async Task<IActionResult> StartGenerationAsync(Guid id, string slot, IBackgroundJobClient jobs, CancellationToken ct)
    {
        if (!VideoSlots.TryParse(slot, out var videoSlot))
        {
            return NotFound();
        }
        var item = await db.ContentVisibleTo(User.UserId()).AsNoTracking()
            .Where(c => c.Id == id)
            .Select(c => new { c.Id, c.BusinessId, ScriptLength = (int?)(videoSlot == VideoSlot.Long ? c.VideoScript : c.ShortVideoScript)!.Length })
            .SingleOrDefaultAsync(ct);
        if (item is null)
        {
            return NotFound();
        }
        var card = (await VideoCard.LoadAsync(db, id, videoSlot, ct))!;
        var refusal = card.GenerateRefusal
            ?? (item.ScriptLength > HeyGenClient.MaxScriptLength
                ? $"The {videoSlot.ScriptLabel().ToLowerInvariant()} is {item.ScriptLength:N0} characters long; HeyGen accepts at most {HeyGenClient.MaxScriptLength:N0}. Shorten it, then generate."
                : null);
        if (refusal is not null)
        {
            return Request.IsHtmx() ? CardFragment(StatusCodes.Status422UnprocessableEntity, card with { Message = refusal }) : Redirect($"/content/{id}#create-video");
        }
        if (card.State != CardState.Generating)
        {
            await QueueGenerationAsync(item.Id, item.BusinessId, videoSlot, jobs, ct);
        }
        if (!Request.IsHtmx())
        {
            return Redirect($"/content/{id}#create-video");
        }
        return CardFragment(StatusCodes.Status200OK, (await VideoCard.LoadAsync(db, id, videoSlot, ct))!);
    }

    private async Task QueueGenerationAsync(Guid contentId, Guid businessId, VideoSlot slot, IBackgroundJobClient jobs, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var generation = new VideoGeneration
        {
            Id = Guid.NewGuid(),
            ContentId = contentId,
            Slot = slot,
            Status = GenerationStatus.Queued,
            RequestedBy = User.UserId(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.VideoGenerations.Add(generation);
        db.Record(businessId, contentId, slot, VideoEventLog.Generation, VideoEventLog.Started, generation.RequestedBy, generationId: generation.Id);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // A second click (or another editor) started one a moment ago; the card shows that one.
            db.ChangeTracker.Clear();
            return;
        }
        try
        {
            GenerateVideoJob.Enqueue(jobs, generation.Id);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            generation.Status = GenerationStatus.Failed;
            generation.ErrorCode = "not_started";
            generation.ErrorMessage = "The video job could not be started. Retry in a moment.";
            generation.FinishedAt = generation.UpdatedAt = DateTimeOffset.UtcNow;
            await db.SaveChangesAsync(CancellationToken.None);
            HttpContext.RequestServices.GetRequiredService<ILogger<DetailsModel>>()
                .LogError(e, "Generation {GenerationId} could not be enqueued.", generation.Id);
        }
    }

    private PartialViewResult CardFragment(int status, VideoCard card)
    {
        Response.StatusCode = status;
        return Partial("_VideoCard", card);
    }
}
