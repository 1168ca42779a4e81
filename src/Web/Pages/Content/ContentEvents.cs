using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Identity;
using System.Collections.Frozen;
using System.Security.Claims;
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

/// <summary>
/// The streams behind <see cref="ContentEvents"/>: cards of one item, notices of the others. What they send carries nothing of
/// the viewer, so each changed slot is read and rendered once per process (<see cref="LiveSlot"/>, shared through the hub) and
/// its bytes go to every stream whose reader may see it; that decision stays with each stream. A stream is woken only by
/// changes of its own item and of its reader's businesses (<see cref="LiveHub.Follow"/>). It asks the database nothing while
/// it waits: it re-checks its reader only when the database says their access may have changed.
/// </summary>
public sealed class ContentStreams(
    LiveDatabase database, LiveHub hub, PartialRenderer renderer, IHostApplicationLifetime lifetime, TimeProvider clock,
    IOptions<IdentityOptions> identity)
{
    private const string CardPartial = "/Pages/Content/_VideoCard.cshtml";
    private const string NoticePartial = "/Pages/Content/_Notice.cshtml";
    private const string SlotStatusPartial = "/Pages/Content/_SlotStatus.cshtml";
    private const string EndedPartial = "/Pages/Content/_StreamEnded.cshtml";

    private static readonly byte[] Heartbeat = LiveStream.Event(ContentEvents.HeartbeatEvent, "");

    public async Task<IResult> StartAsync(HttpContext http, Guid? contentId)
    {
        http.Response.Headers["X-Accel-Buffering"] = "no";
        // The request's cookie was checked against its session by the authentication middleware, as on every request.
        var reader = http.User.Identity?.IsAuthenticated == true ? Reader.Of(http.User) : null;
        // Subscribed before anything is read, so a change between the read and the subscription is not lost.
        var live = hub.Subscribe(reader?.UserId, contentId);
        http.Response.RegisterForDispose(live);
        var version = hub.Version;
        LiveRefusal? refused = reader is null ? LiveRefusal.SignedOut : null;
        var businesses = reader is null ? FrozenSet<Guid>.Empty : await BusinessesOfAsync(live, reader, version);
        hub.Follow(live, businesses);
        // The current cards first: that heals whatever changed between page render and connect, and every reconnect
        // (htmx's SSE extension sends no Last-Event-ID to resume from).
        var cards = new List<LiveSlot>();
        if (refused is null && contentId is { } id)
        {
            foreach (var slot in VideoSlots.All)
            {
                var card = await SlotAsync(live, id, slot, version);
                if (card is null || !businesses.Contains(card.Snapshot.BusinessId))
                {
                    refused = LiveRefusal.NoAccess;
                    break;
                }
                cards.Add(card);
            }
        }
        if (refused is { } refusal)
        {
            // A browser's EventSource treats any refusal status as a network failure and htmx's extension retries it for
            // ever; an event stream that says why and closes is what it understands. Other callers get the plain 404, the
            // same for a missing item as for someone else's.
            return AcceptsEventStream(http.Request)
                ? new LiveStream(EndedAsync(contentId, refusal))
                : TypedResults.NotFound();
        }
        return new LiveStream(EventsAsync(live, reader!, contentId, businesses, cards, http.RequestAborted));
    }

    private static bool AcceptsEventStream(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase));

    private async IAsyncEnumerable<ReadOnlyMemory<byte>> EndedAsync(Guid? contentId, LiveRefusal refusal)
    {
        yield return await EndedEventAsync(contentId, refusal);
    }

    private async Task<byte[]> EndedEventAsync(Guid? contentId, LiveRefusal refusal) => LiveStream.Event(ContentEvents.EndedEvent,
        await renderer.RenderAsync(EndedPartial, new LiveEnded(refusal, contentId is { } id ? $"/content/{id}" : null)));

    private async IAsyncEnumerable<ReadOnlyMemory<byte>> EventsAsync(
        LiveSubscription live, Reader reader, Guid? contentId, IReadOnlySet<Guid> businesses, List<LiveSlot> cards,
        [EnumeratorCancellation] CancellationToken requestAborted)
    {
        // Ending the stream when the app stops lets shutdown finish at once; the browser reconnects (to this node once it
        // is back, or to another) and starts again from the current state.
        using var end = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
        var since = clock.GetUtcNow();
        var contentBusiness = cards.Count > 0 ? cards[0].Snapshot.BusinessId : (Guid?)null;
        Dictionary<string, string?>? noticed = null;
        foreach (var card in cards)
        {
            yield return card.Card;
        }
        cards.Clear();

        while (true)
        {
            LiveChange change;
            try
            {
                change = await live.NextAsync(end.Token);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            if (change.Access)
            {
                // A removal from the business, a sign-out (here or everywhere) or a demotion ends the stream, saying why.
                businesses = await BusinessesOfAsync(live, reader, change.Version);
                hub.Follow(live, businesses);
                var refusal = !await IsCurrentAsync(live, reader, change.Version) ? LiveRefusal.SignedOut
                    : contentBusiness is { } own && !businesses.Contains(own) ? LiveRefusal.NoAccess
                    : (LiveRefusal?)null;
                if (refusal is { } refused)
                {
                    yield return await EndedEventAsync(contentId, refused);
                    yield break;
                }
            }
            if (change.Heartbeat)
            {
                yield return Heartbeat;
            }
            var parts = change.All && contentId is { } item ? change.Parts.Union(VideoSlots.All.Select(s => Key(item, s))) : change.Parts;
            foreach (var part in parts)
            {
                if (!TryParse(part, out var id, out var slot))
                {
                    continue;
                }
                var changed = await SlotAsync(live, id, slot, change.Version);
                if (id == contentId)
                {
                    // Deleted, or moved to a business the reader is not in.
                    if (changed is null || !businesses.Contains(changed.Snapshot.BusinessId))
                    {
                        yield return await EndedEventAsync(contentId, LiveRefusal.NoAccess);
                        yield break;
                    }
                    contentBusiness = changed.Snapshot.BusinessId;
                    yield return changed.Card;
                    continue;
                }
                if (changed is null || !businesses.Contains(changed.Snapshot.BusinessId))
                {
                    continue;
                }
                // Pages other than an item's own show each item's slots as badges (the content list): kept current here.
                if (contentId is null)
                {
                    yield return changed.Badge;
                }
                // A notice for a render or upload that finished or failed since the stream began, once per change.
                if (changed is { Snapshot: { ChangedAt: { } changedAt, Card.State: CardState.Video or CardState.Failed } } && changedAt >= since
                    && !((noticed ??= []).TryGetValue(part, out var key) && key == changed.Snapshot.Card.AnnouncementKey)
                    && await changed.Notice.Value is { } notice)
                {
                    noticed[part] = changed.Snapshot.Card.AnnouncementKey;
                    yield return notice;
                }
            }
        }
    }

    private static string Key(Guid contentId, VideoSlot slot) => $"{contentId}:{slot.Key()}";

    private static bool TryParse(string part, out Guid contentId, out VideoSlot slot)
    {
        var colon = part.IndexOf(':');
        slot = default;
        return Guid.TryParse(part.AsSpan(0, Math.Max(colon, 0)), out contentId) && VideoSlots.TryParse(part[(colon + 1)..], out slot);
    }

    /// <summary>A slot as of <paramref name="version"/>, read and rendered once for every stream of this process.</summary>
    private Task<LiveSlot?> SlotAsync(LiveSubscription live, Guid contentId, VideoSlot slot, long version) =>
        live.ReadAsync(Key(contentId, slot), version, () => LoadAsync(contentId, slot));

    private async Task<LiveSlot?> LoadAsync(Guid contentId, VideoSlot slot)
    {
        await using var db = database.Open();
        if ((await VideoCard.ReadAsync(db, contentId, [slot], visibleTo: null)).SingleOrDefault() is not { } snapshot)
        {
            return null;
        }
        var card = snapshot.Card;
        var status = SlotStatus.Of(card);
        return new LiveSlot(snapshot,
            LiveStream.Event(card.DomId, await renderer.RenderAsync(CardPartial, card)),
            LiveStream.Event(status.DomId, await renderer.RenderAsync(SlotStatusPartial, status)),
            new Lazy<Task<byte[]?>>(() => NoticeAsync(card)));
    }

    /// <summary>Asked for only by streams that show the notice, then once for all of them.</summary>
    private async Task<byte[]?> NoticeAsync(VideoCard card)
    {
        await using var db = database.Open();
        var title = await db.Content
            .Where(c => c.Id == card.ContentId).Select(c => c.Title).SingleOrDefaultAsync();
        return title is null ? null : LiveStream.Event(ContentEvents.NoticeEvent,
            await renderer.RenderAsync(NoticePartial, new LiveNotice(card.ContentId, title, card.Announcement ?? "", card.State == CardState.Failed)));
    }

    /// <summary>The reader's businesses, read once for all their streams woken by the same notice.</summary>
    private Task<IReadOnlySet<Guid>> BusinessesOfAsync(LiveSubscription live, Reader reader, long version) =>
        live.ReadAsync<IReadOnlySet<Guid>>($"businesses:{reader.UserId}", version, async () =>
        {
            await using var db = database.Open();
            return (await db.BusinessMembers
                .Where(m => m.UserId == reader.UserId).Select(m => m.BusinessId).ToListAsync()).ToFrozenSet();
        });

    /// <summary>Whether the reader's session still stands, asked once for all streams of the same cookie.</summary>
    private Task<bool> IsCurrentAsync(LiveSubscription live, Reader reader, long version) =>
        live.ReadAsync(reader.SessionKey(identity.Value), version, async () =>
        {
            await using var db = database.Open();
            return await SessionCheck.IsCurrentAsync(db, reader.User,
                identity.Value.ClaimsIdentity.SecurityStampClaimType, CancellationToken.None);
        });

    /// <summary>Who reads a stream. Kept small, as every open stream holds one.</summary>
    private sealed record Reader(string UserId, ClaimsPrincipal User)
    {
        public static Reader Of(ClaimsPrincipal user) => new(user.UserId(), user);

        /// <summary>What the cookie's session check depends on: streams with the same answer share one check.</summary>
        public string SessionKey(IdentityOptions identity) =>
            $"session:{UserSessions.IdOf(User)}:{User.FindFirstValue(identity.ClaimsIdentity.SecurityStampClaimType)}:{User.HasClaim(AuthExtensions.SiteAdminClaim, "true")}";
    }
}

/// <summary>One slot as every stream of this process sends it: its state, and its events ready to write.</summary>
/// <param name="Card">The item's own page: the card.</param>
/// <param name="Badge">The content list: the slot's badge.</param>
/// <param name="Notice">Every other page, when a render or upload finished or failed: made on first demand.</param>
public sealed record LiveSlot(SlotSnapshot Snapshot, byte[] Card, byte[] Badge, Lazy<Task<byte[]?>> Notice);

/// <summary>A render or upload of another item that finished or failed, shown wherever the editor is in the app.</summary>
public sealed record LiveNotice(Guid ContentId, string Title, string Text, bool Failed);

/// <summary>Why a page's stream ended for good, and the page to come back to after signing in again (an item's own page).</summary>
public sealed record LiveEnded(LiveRefusal Refusal, string? ReturnPath);
