using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Identity;
using System.Security.Claims;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Web.Auth;
using VideoStudio.Web.Live;

namespace VideoStudio.Web.Pages.Content;

/// <summary>
/// The one live stream of a signed-in page. <c>GET /content/{id}/events</c> sends that item's cards, each rendered by the
/// page's own partial and query and named after the card's DOM id (the card's never-swapped wrapper listens for that name);
/// it and <c>GET /events</c>, for every other page, send a <c>notice</c> when a render or an upload of another item of the
/// user's businesses finishes or fails, with a link to it.
/// </summary>
public static class ContentEvents
{
    public const string HeartbeatEvent = "heartbeat";
    public const string NoticeEvent = "notice";
    /// <summary>The last event of a stream whose reader may not go on: the page shows why and closes it (sse-close), no reconnect.</summary>
    public const string EndedEvent = "ended";

    public static IEndpointRouteBuilder MapContentEvents(this IEndpointRouteBuilder app)
    {
        // Signed-out visitors get the same 404 as non-members: an EventSource cannot follow a sign-in redirect anyway.
        app.MapGet("/content/{id:guid}/events", (Guid id, HttpContext http, ContentStreams streams) => streams.StartAsync(http, id)).AllowAnonymous();
        app.MapGet("/events", (HttpContext http, ContentStreams streams) => streams.StartAsync(http, null)).AllowAnonymous();
        return app;
    }
}

/// <summary>The streams behind <see cref="ContentEvents"/>: cards of one item, notices of the others.</summary>
public sealed class ContentStreams(
    IServiceScopeFactory scopes, LiveHub hub, PartialRenderer renderer, IHostApplicationLifetime lifetime, TimeProvider clock,
    IOptions<LiveOptions> liveOptions, ILogger<ContentStreams> logger)
{
    private const string CardPartial = "/Pages/Content/_VideoCard.cshtml";
    private const string NoticePartial = "/Pages/Content/_Notice.cshtml";
    private const string SlotStatusPartial = "/Pages/Content/_SlotStatus.cshtml";
    private const string EndedPartial = "/Pages/Content/_StreamEnded.cshtml";

    public async Task<IResult> StartAsync(HttpContext http, Guid? contentId)
    {
        http.Response.Headers["X-Accel-Buffering"] = "no";
        // The same check the stream repeats while it runs: a current session and membership of the item's business.
        var refused = http.User.Identity?.IsAuthenticated == true ? await RefusalAsync(http.User, contentId, http.RequestAborted) : LiveRefusal.SignedOut;
        if (refused is { } refusal)
        {
            // A browser's EventSource treats any refusal status as a network failure and htmx's extension retries it for
            // ever; an event stream that says why and closes is what it understands. Other callers get the plain 404, the
            // same for a missing item as for someone else's.
            return AcceptsEventStream(http.Request)
                ? TypedResults.ServerSentEvents(EndedAsync(http, contentId, refusal))
                : TypedResults.NotFound();
        }
        var businesses = await BusinessesOfAsync(http.User.UserId(), http.RequestAborted);
        return TypedResults.ServerSentEvents(EventsAsync(http, contentId, businesses, http.RequestAborted));
    }

    private static bool AcceptsEventStream(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase));

    // Scopes of their own rather than the request's, so a stream open for hours does not hold a DbContext.
    private async Task<LiveRefusal?> RefusalAsync(ClaimsPrincipal user, Guid? contentId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudioDb>();
        var stampClaim = scope.ServiceProvider.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        return !await SessionCheck.IsCurrentAsync(db, user, stampClaim, ct) ? LiveRefusal.SignedOut
            : contentId is { } id && !await db.ContentVisibleTo(user.UserId()).AnyAsync(c => c.Id == id, ct) ? LiveRefusal.NoAccess
            : null;
    }

    private async IAsyncEnumerable<SseItem<string>> EndedAsync(HttpContext http, Guid? contentId, LiveRefusal refusal)
    {
        yield return await EndedEventAsync(http, contentId, refusal);
    }

    private async Task<SseItem<string>> EndedEventAsync(HttpContext http, Guid? contentId, LiveRefusal refusal) =>
        new(await renderer.RenderAsync(http, EndedPartial, new LiveEnded(refusal, contentId is { } id ? $"/content/{id}" : null)), ContentEvents.EndedEvent);

    private async Task<HashSet<Guid>> BusinessesOfAsync(string userId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<StudioDb>().BusinessMembers
            .Where(m => m.UserId == userId).Select(m => m.BusinessId).ToListAsync(ct)).ToHashSet();
    }

    private async IAsyncEnumerable<SseItem<string>> EventsAsync(
        HttpContext http, Guid? contentId, HashSet<Guid> businesses, [EnumeratorCancellation] CancellationToken requestAborted)
    {
        // Ending the stream when the app stops lets shutdown finish at once; the browser reconnects (to this node once it
        // is back, or to another) and starts again from the current state.
        using var end = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
        // Removal from the business, sign-out or demotion ends the stream within Live:AccessCheckInterval.
        await using var access = LiveAccess.Watch(ct => RefusalAsync(http.User, contentId, ct), liveOptions.Value.AccessCheckInterval, end, logger);
        // Subscribed before anything is read, so a change between the read and the subscription is not lost.
        using var cards = contentId is { } id ? hub.Subscribe(id) : null;
        using var everything = hub.Subscribe(LiveHub.Everything);
        var since = clock.GetUtcNow();
        var noticed = new Dictionary<string, string?>();

        // The current cards first: that heals whatever changed between page render and connect, and every reconnect
        // (htmx's SSE extension sends no Last-Event-ID to resume from).
        var cardChange = cards is null ? null : new LiveChange([], All: true, Heartbeat: false, hub.Version);
        Task<LiveChange>? nextCards = null, nextAnywhere = null;
        while (true)
        {
            if (cardChange is not null)
            {
                if (cardChange.Heartbeat)
                {
                    yield return new SseItem<string>("", ContentEvents.HeartbeatEvent);
                }
                foreach (var slot in VideoSlots.All.Where(s => cardChange.Touches(s.Key())))
                {
                    var snapshot = await cards!.ReadAsync(slot.Key(), cardChange.Version, () => LoadAsync(contentId!.Value, slot));
                    if (snapshot is null)
                    {
                        // The item was deleted.
                        yield return await EndedEventAsync(http, contentId, LiveRefusal.NoAccess);
                        yield break;
                    }
                    yield return new SseItem<string>(await renderer.RenderAsync(http, CardPartial, snapshot.Card), snapshot.Card.DomId);
                }
            }

            nextCards ??= cards?.NextAsync(end.Token).AsTask();
            nextAnywhere ??= everything.NextAsync(end.Token).AsTask();
            Task<LiveChange> woke;
            LiveChange change;
            try
            {
                woke = await Task.WhenAny(nextCards is null ? new[] { nextAnywhere } : new[] { nextCards, nextAnywhere });
                change = await woke;
            }
            catch (OperationCanceledException)
            {
                break;
            }
            if (woke == nextCards)
            {
                nextCards = null;
                cardChange = change;
                continue;
            }
            nextAnywhere = null;
            cardChange = null;
            if (change.Heartbeat && cards is null)
            {
                yield return new SseItem<string>("", ContentEvents.HeartbeatEvent);
            }
            foreach (var part in change.Parts)
            {
                var snapshot = await OtherItemAsync(everything, part, change.Version, contentId, businesses);
                if (snapshot is null)
                {
                    continue;
                }
                // Pages other than an item's own show each item's slots as badges (the content list): kept current here.
                if (contentId is null)
                {
                    var status = SlotStatus.Of(snapshot.Card);
                    yield return new SseItem<string>(await renderer.RenderAsync(http, SlotStatusPartial, status), status.DomId);
                }
                if (await NoticeAsync(snapshot, part, since, noticed) is { } notice)
                {
                    yield return new SseItem<string>(await renderer.RenderAsync(http, NoticePartial, notice), ContentEvents.NoticeEvent);
                }
            }
        }
        // A stream stopped by shutdown or by the browser just ends (the browser comes back when the app does); one stopped
        // because its reader lost the right to it says so, and the page stops asking.
        if (access.Refused is { } refused && !requestAborted.IsCancellationRequested)
        {
            yield return await EndedEventAsync(http, contentId, refused);
        }
    }

    /// <summary>
    /// The slot a notice names, when it is another item's of the user's businesses; the read is shared by every stream that
    /// heard the same notice.
    /// </summary>
    private async Task<SlotSnapshot?> OtherItemAsync(
        LiveSubscription everything, string part, long version, Guid? ownContent, HashSet<Guid> businesses)
    {
        var colon = part.IndexOf(':');
        if (colon < 0 || !Guid.TryParse(part.AsSpan(0, colon), out var contentId) || contentId == ownContent
            || !VideoSlots.TryParse(part[(colon + 1)..], out var slot))
        {
            return null;
        }
        var snapshot = await everything.ReadAsync(part, version, () => LoadAsync(contentId, slot));
        return snapshot is not null && businesses.Contains(snapshot.BusinessId) ? snapshot : null;
    }

    /// <summary>A notice for a render or upload that finished or failed since the stream began, once per change.</summary>
    private async Task<LiveNotice?> NoticeAsync(SlotSnapshot snapshot, string part, DateTimeOffset since, Dictionary<string, string?> noticed)
    {
        var card = snapshot.Card;
        if (card.State is not (CardState.Video or CardState.Failed) || snapshot.ChangedAt is not { } changedAt || changedAt < since
            || (noticed.TryGetValue(part, out var key) && key == card.AnnouncementKey))
        {
            return null;
        }
        noticed[part] = card.AnnouncementKey;
        await using var scope = scopes.CreateAsyncScope();
        var title = await scope.ServiceProvider.GetRequiredService<StudioDb>().Content
            .Where(c => c.Id == card.ContentId).Select(c => c.Title).SingleOrDefaultAsync();
        return title is null ? null : new LiveNotice(card.ContentId, title, card.Announcement ?? "", card.State == CardState.Failed);
    }

    private async Task<SlotSnapshot?> LoadAsync(Guid id, VideoSlot slot)
    {
        await using var scope = scopes.CreateAsyncScope();
        return (await VideoCard.ReadAsync(scope.ServiceProvider.GetRequiredService<StudioDb>(), id, [slot], visibleTo: null)).SingleOrDefault();
    }
}

/// <summary>A render or upload of another item that finished or failed, shown wherever the editor is in the app.</summary>
public sealed record LiveNotice(Guid ContentId, string Title, string Text, bool Failed);

/// <summary>Why a page's stream ended for good, and the page to come back to after signing in again (an item's own page).</summary>
public sealed record LiveEnded(LiveRefusal Refusal, string? ReturnPath);
