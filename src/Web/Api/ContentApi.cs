using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.EntityFrameworkCore;
using Microsoft.OpenApi;
using Npgsql;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Core.Media;
using VideoStudio.Web.Auth;
using VideoStudio.Web.Media;
using VideoStudio.Web.Pages.Content;

namespace VideoStudio.Web.Api;

/// <summary>
/// Content items and their video slots over JSON. Every write calls the code the pages' handlers call (NewModel.CreateAsync,
/// EditModel.RenameAsync/ArchiveAsync, ScriptEditor.SaveAsync, GenerationStart, VersionActions), so the API can do nothing an
/// editor cannot, writes the same history, and each change reaches open pages through the same triggers.
/// </summary>
public static class ContentApi
{
    public const int MaxIdempotencyKeyLength = 255;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static RouteGroupBuilder MapContentApi(this RouteGroupBuilder api)
    {
        api.MapGet("/content", ListAsync).WithName("ListContent").WithSummary("List content items")
            .WithDescription("The content list as the page shows it, newest change first: q searches titles; state is all, missinglong, missingshort, generating, failed, complete or archived; sort is changed or title; after is the next value of the previous page.")
            .ProducesValidationProblem();
        api.MapPost("/content", CreateAsync).WithName("CreateContent").WithSummary("Create a content item")
            .WithDescription("A title (required, at most 300 characters) and, optionally, the Main and Short Video Scripts (at most 100,000 characters each).")
            .JsonBody<CreateContentRequest>().Produces<ContentItem>(StatusCodes.Status201Created).ProducesValidationProblem()
            .RequireAuthorization(ApiFeature.WritePolicy);
        api.MapGet("/content/{id:guid}", GetAsync).WithName("GetContent").WithSummary("Read a content item with both slots")
            .Produces<ContentItem>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPatch("/content/{id:guid}", UpdateAsync).WithName("UpdateContent").WithSummary("Change the title or scripts")
            .WithDescription("Only the fields sent change; an empty script removes it.")
            .JsonBody<UpdateContentRequest>().Produces<ContentItem>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(ApiFeature.WritePolicy);
        api.MapPost("/content/{id:guid}/archive", (Guid id, HttpContext http, StudioDb db, FileLinks links, CancellationToken ct) => SetArchivedAsync(id, true, http, db, links, ct))
            .WithName("ArchiveContent").WithSummary("Archive a content item").Produces<ContentItem>().ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(ApiFeature.WritePolicy);
        api.MapPost("/content/{id:guid}/unarchive", (Guid id, HttpContext http, StudioDb db, FileLinks links, CancellationToken ct) => SetArchivedAsync(id, false, http, db, links, ct))
            .WithName("UnarchiveContent").WithSummary("Bring an archived content item back").Produces<ContentItem>().ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(ApiFeature.WritePolicy);
        api.MapGet("/content/{id:guid}/slots/{slot}", GetSlotAsync).WithName("GetSlot").WithSummary("Read one slot's state (long or short)")
            .WithDescription("State, version, poster, captions, duration, size, and a link to the file that works for 15 minutes.")
            .Produces<SlotState>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/content/{id:guid}/slots/{slot}/generate", GenerateAsync).WithName("GenerateVideo").WithSummary("Ask for an AI video of this slot")
            .WithDescription("Starts a HeyGen render of the slot's script, or answers with the render already under way. Send an Idempotency-Key header (any unique string up to 255 characters) to retry safely: the same key returns the same generation for 24 hours, after which it counts as a new request.")
            .Produces<Generation>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(ApiFeature.WritePolicy);
        api.MapDelete("/content/{id:guid}/slots/{slot}/video", DeleteVideoAsync).WithName("DeleteVideo").WithSummary("Delete the slot's video")
            .WithDescription("The video leaves the slot and stays in its history, from where it can be restored.")
            .Produces<SlotState>().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(ApiFeature.WritePolicy);
        api.MapGet("/content/{id:guid}/slots/{slot}/versions", VersionsAsync).WithName("ListVersions").WithSummary("The slot's versions, newest first")
            .Produces<IReadOnlyList<VideoVersion>>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/content/{id:guid}/slots/{slot}/versions/{versionId:guid}/restore", RestoreAsync).WithName("RestoreVersion")
            .WithSummary("Make an earlier version the slot's video again")
            .Produces<SlotState>().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(ApiFeature.WritePolicy);
        return api;
    }

    /// <summary>
    /// Describes the JSON body in the document without the routing constraint that Accepts() adds: a body of another type
    /// then reaches the handler, which answers with a problem saying what to send, instead of matching no endpoint at all.
    /// </summary>
    private static RouteHandlerBuilder JsonBody<T>(this RouteHandlerBuilder endpoint) =>
        endpoint.AddOpenApiOperationTransformer(async (operation, context, ct) =>
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(T), null, ct) },
                },
            });

    private static async Task<IResult> ListAsync(HttpContext http, StudioDb db, string? q, string? state, string? sort, string? after, CancellationToken ct)
    {
        var filter = ContentFilter.All;
        if (state is not null && !Enum.TryParse(state.Replace("-", ""), ignoreCase: true, out filter))
        {
            return ApiProblems.Invalid("state", "Use all, missinglong, missingshort, generating, failed, complete or archived.");
        }
        var order = ContentSort.Changed;
        if (sort is not null && !Enum.TryParse(sort, ignoreCase: true, out order))
        {
            return ApiProblems.Invalid("sort", "Use changed or title.");
        }
        var search = q is { Length: > ContentList.MaxSearchLength } ? q[..ContentList.MaxSearchLength] : q;
        var page = await ContentList.ReadAsync(db, http.User.UserId(), new ContentListQuery(search, filter, order, after), ct, http.User.BusinessId());
        return TypedResults.Ok(new ContentPage(
            page.Rows.Select(r => new ContentSummary(r.Id, r.Title, r.UpdatedAt, r.ArchivedAt, r.Long.State, r.Short.State)).ToList(), page.Next));
    }

    private static async Task<IResult> CreateAsync(HttpContext http, StudioDb db, FileLinks links, CancellationToken ct)
    {
        if (await ReadAsync<CreateContentRequest>(http) is not { } body)
        {
            return BadJson();
        }
        if ((TitleProblem(body.Title) ?? ScriptProblem(body.MainScript, "mainScript") ?? ScriptProblem(body.ShortScript, "shortScript")) is { } invalid)
        {
            return invalid;
        }
        var item = await NewModel.CreateAsync(db, http.User.BusinessId(), body.Title!, body.MainScript, body.ShortScript, ct);
        return TypedResults.Created($"/api/v1/content/{item.Id}", await ItemAsync(db, links, item.Id, CancellationToken.None));
    }

    private static async Task<IResult> GetAsync(Guid id, HttpContext http, StudioDb db, FileLinks links, CancellationToken ct) =>
        await FindAsync(db, http, id, ct) is null ? ApiProblems.NotFound() : TypedResults.Ok(await ItemAsync(db, links, id, ct));

    private static async Task<IResult> UpdateAsync(Guid id, HttpContext http, StudioDb db, FileLinks links, CancellationToken ct)
    {
        if (await FindAsync(db, http, id, ct) is not { } item)
        {
            return ApiProblems.NotFound();
        }
        if (await ReadAsync<UpdateContentRequest>(http) is not { } body)
        {
            return BadJson();
        }
        if (((body.Title is null ? null : TitleProblem(body.Title)) ?? ScriptProblem(body.MainScript, "mainScript") ?? ScriptProblem(body.ShortScript, "shortScript")) is { } invalid)
        {
            return invalid;
        }
        if (body.Title is not null)
        {
            await EditModel.RenameAsync(db, id, body.Title, ct);
        }
        foreach (var (slot, text) in new[] { (VideoSlot.Long, body.MainScript), (VideoSlot.Short, body.ShortScript) })
        {
            if (text is not null && !await ScriptEditor.SaveAsync(db, id, slot, item.Script(slot), NewModel.Script(text), ct))
            {
                return ApiProblems.Problem(StatusCodes.Status409Conflict, "The script changed meanwhile",
                    $"Someone saved the {slot.ScriptLabel()} while this request ran. Read the item again and send your change again.");
            }
        }
        return TypedResults.Ok(await ItemAsync(db, links, id, CancellationToken.None));
    }

    private static async Task<IResult> SetArchivedAsync(Guid id, bool archive, HttpContext http, StudioDb db, FileLinks links, CancellationToken ct)
    {
        if (await FindAsync(db, http, id, ct) is not { } item)
        {
            return ApiProblems.NotFound();
        }
        if ((item.ArchivedAt is not null) != archive)
        {
            await EditModel.ArchiveAsync(db, id, archive ? DateTimeOffset.UtcNow : null, ct);
        }
        return TypedResults.Ok(await ItemAsync(db, links, id, CancellationToken.None));
    }

    private static async Task<IResult> GetSlotAsync(Guid id, string slot, HttpContext http, StudioDb db, FileLinks links, CancellationToken ct)
    {
        if (!VideoSlots.TryParse(slot, out var videoSlot))
        {
            return NoSuchSlot(slot);
        }
        return await FindAsync(db, http, id, ct) is null ? ApiProblems.NotFound() : TypedResults.Ok((await SlotsAsync(db, links, id, [videoSlot], ct))[0]);
    }

    private static async Task<IResult> GenerateAsync(Guid id, string slot, HttpContext http, StudioDb db, GenerationStart start, CancellationToken ct)
    {
        if (!VideoSlots.TryParse(slot, out var videoSlot))
        {
            return NoSuchSlot(slot);
        }
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length > MaxIdempotencyKeyLength)
        {
            return ApiProblems.Invalid("Idempotency-Key", $"Keep the Idempotency-Key to {MaxIdempotencyKeyLength} characters; a UUID is a good choice.");
        }
        if (await FindAsync(db, http, id, ct) is null)
        {
            return ApiProblems.NotFound();
        }
        var tokenId = http.User.TokenId();
        if (key.Length > 0 && await ReplayAsync(db, tokenId, key, id, videoSlot, http, ct) is { } replayed)
        {
            return replayed;
        }

        if (await start.StartAsync(id, videoSlot, http.User.UserId(), ct) is not { } outcome)
        {
            return ApiProblems.NotFound();
        }
        if (outcome.Refused)
        {
            return ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, "This slot cannot generate now", outcome.Card.Message);
        }
        var generation = await db.VideoGenerations.AsNoTracking().Where(g => g.ContentId == id && g.Slot == videoSlot)
            .OrderByDescending(g => g.CreatedAt).FirstAsync(CancellationToken.None);
        if (key.Length > 0)
        {
            db.ApiIdempotencyKeys.Add(new ApiIdempotencyKey
            {
                TokenId = tokenId, Key = key, ContentId = id, Slot = videoSlot, GenerationId = generation.Id, CreatedAt = DateTimeOffset.UtcNow,
            });
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
            }
            catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                // The same key arrived twice at once; both found the one running generation, and the first to record it won.
                db.ChangeTracker.Clear();
                return await ReplayAsync(db, tokenId, key, id, videoSlot, http, CancellationToken.None) ?? ApiProblems.NotFound();
            }
        }
        return Accepted(generation);
    }

    private static async Task<IResult?> ReplayAsync(StudioDb db, Guid tokenId, string key, Guid id, VideoSlot slot, HttpContext http, CancellationToken ct)
    {
        var seen = await db.ApiIdempotencyKeys.AsNoTracking().SingleOrDefaultAsync(k => k.TokenId == tokenId && k.Key == key, ct);
        if (seen is null)
        {
            return null;
        }
        var expired = DateTimeOffset.UtcNow - ApiIdempotencyKey.Lifetime;
        if (seen.CreatedAt < expired)
        {
            // Past its lifetime the key names a new request; its record goes now so this one can take the key.
            await db.ApiIdempotencyKeys.Where(k => k.TokenId == tokenId && k.Key == key && k.CreatedAt < expired).ExecuteDeleteAsync(ct);
            return null;
        }
        if (seen.ContentId != id || seen.Slot != slot)
        {
            return ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, "This Idempotency-Key was used for another request",
                "Each Idempotency-Key names one Generate request (one item, one slot). Use a new key for a new request.");
        }
        http.Response.Headers["Idempotent-Replayed"] = "true";
        return Accepted(await db.VideoGenerations.AsNoTracking().SingleAsync(g => g.Id == seen.GenerationId, ct));
    }

    private static IResult Accepted(VideoGeneration generation) =>
        TypedResults.Accepted($"/api/v1/content/{generation.ContentId}/slots/{generation.Slot.Key()}", GenerationOf(generation));

    private static async Task<IResult> DeleteVideoAsync(Guid id, string slot, HttpContext http, StudioDb db, VersionActions versions, FileLinks links, CancellationToken ct)
    {
        if (!VideoSlots.TryParse(slot, out var videoSlot))
        {
            return NoSuchSlot(slot);
        }
        if (await FindAsync(db, http, id, ct) is not { } item)
        {
            return ApiProblems.NotFound();
        }
        if (!await versions.DeleteAsync(item, videoSlot, http.User.UserId(), ct))
        {
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "The slot has no video", "There is nothing to delete in this slot.");
        }
        return TypedResults.Ok((await SlotsAsync(db, links, id, [videoSlot], CancellationToken.None))[0]);
    }

    private static async Task<IResult> VersionsAsync(Guid id, string slot, HttpContext http, StudioDb db, CancellationToken ct)
    {
        if (!VideoSlots.TryParse(slot, out var videoSlot))
        {
            return NoSuchSlot(slot);
        }
        if (await FindAsync(db, http, id, ct) is null)
        {
            return ApiProblems.NotFound();
        }
        var history = await SlotHistory.LoadAsync(db, id, videoSlot, ct);
        return TypedResults.Ok(history.Versions.Select(v => new VideoVersion(
            v.Id, v.Source == VideoSource.Upload ? "upload" : "ai", v.FileName, v.CreatedAt, Kebab(v.State.ToString()), v.DurationSeconds, v.SizeBytes)).ToList());
    }

    private static async Task<IResult> RestoreAsync(Guid id, string slot, Guid versionId, HttpContext http, StudioDb db, VersionActions versions, FileLinks links, CancellationToken ct)
    {
        if (!VideoSlots.TryParse(slot, out var videoSlot))
        {
            return NoSuchSlot(slot);
        }
        if (await FindAsync(db, http, id, ct) is not { } item)
        {
            return ApiProblems.NotFound();
        }
        if (await versions.RestoreAsync(item, videoSlot, versionId, http.User.UserId(), ct) == RestoreResult.Gone)
        {
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "That version cannot be restored", VersionActions.Gone + " (Or it is not a version of this slot.)");
        }
        return TypedResults.Ok((await SlotsAsync(db, links, id, [videoSlot], CancellationToken.None))[0]);
    }

    private static Task<Core.Data.Content?> FindAsync(StudioDb db, HttpContext http, Guid id, CancellationToken ct) =>
        db.ContentVisibleTo(http.User).AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);

    private static async Task<ContentItem> ItemAsync(StudioDb db, FileLinks links, Guid id, CancellationToken ct)
    {
        var item = await db.Content.AsNoTracking().SingleAsync(c => c.Id == id, ct);
        var slots = await SlotsAsync(db, links, id, VideoSlots.All, ct);
        return new ContentItem(item.Id, item.Title, item.VideoScript, item.ShortVideoScript, item.CreatedAt, item.UpdatedAt, item.ArchivedAt, slots[0], slots[1]);
    }

    /// <summary>Each slot as its card shows it (the same query as the page and its live updates), with the latest generation.</summary>
    private static async Task<IReadOnlyList<SlotState>> SlotsAsync(StudioDb db, FileLinks links, Guid id, VideoSlot[] slots, CancellationToken ct)
    {
        var cards = await VideoCard.LoadAsync(db, id, slots, ct);
        var latest = await db.VideoGenerations.AsNoTracking().Where(g => g.ContentId == id)
            .GroupBy(g => g.Slot).Select(g => g.OrderByDescending(x => x.CreatedAt).First()).ToListAsync(ct);
        return cards.Select(card => new SlotState(
            card.Slot.Key(), card.StateName, card.Version, card.VideoUrl is null ? null : card.AssetId, card.VideoFileName,
            card.DurationSeconds, card.SizeBytes,
            Link(links, card.VideoUrl), Link(links, card.PosterUrl), Link(links, card.CaptionsUrl),
            latest.FirstOrDefault(g => g.Slot == card.Slot) is { } g ? GenerationOf(g) : null,
            card.CanGenerate, card.GenerateRefusal, card.FailureMessage)).ToList();
    }

    private static FileLink? Link(FileLinks links, string? mediaUrl) =>
        mediaUrl is not null && mediaUrl.StartsWith(SlotVideos.MediaPrefix, StringComparison.Ordinal) && links.For(mediaUrl[SlotVideos.MediaPrefix.Length..]) is { } link
            ? new FileLink(link.Url, link.ExpiresAt)
            : null;

    private static Generation GenerationOf(VideoGeneration g) =>
        new(g.Id, g.ContentId, g.Slot.Key(), Snake(g.Status.ToString()), g.CreatedAt, g.FinishedAt, g.AssetId, g.ErrorMessage);

    private static string Snake(string name) => string.Concat(name.Select((ch, i) => i > 0 && char.IsUpper(ch) ? "_" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));

    private static string Kebab(string name) => Snake(name).Replace('_', '-');

    private static async Task<T?> ReadAsync<T>(HttpContext http) where T : class
    {
        if (http.Request.HasJsonContentType() is false)
        {
            return null;
        }
        try
        {
            return await http.Request.ReadFromJsonAsync<T>(Json, http.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult BadJson() => ApiProblems.Problem(StatusCodes.Status400BadRequest, "The body is not the JSON this endpoint takes",
        "Send Content-Type: application/json and a JSON object with the fields the reference describes.");

    private static IResult NoSuchSlot(string slot) => ApiProblems.Problem(StatusCodes.Status404NotFound, "Not found",
        $"There is no slot \"{(slot.Length > 20 ? slot[..20] : slot)}\": use long or short.");

    private static IResult? TitleProblem(string? title) =>
        string.IsNullOrWhiteSpace(title) ? ApiProblems.Invalid("title", "Enter a title.")
        : title.Trim().Length > NewModel.MaxTitleLength ? ApiProblems.Invalid("title", "The title is too long: keep it to 300 characters.")
        : null;

    private static IResult? ScriptProblem(string? script, string field) =>
        script is { Length: > ScriptEditor.MaxLength }
            ? ApiProblems.Invalid(field, $"The script is {script.Length:N0} characters long; the limit is {ScriptEditor.MaxLength:N0}.")
            : null;
}
