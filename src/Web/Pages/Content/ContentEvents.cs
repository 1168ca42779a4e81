using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Web.Auth;
using VideoStudio.Web.Live;

namespace VideoStudio.Web.Pages.Content;

/// <summary>
/// GET /content/{id}/events: the Create Video section's server-sent events. Each event is one card rendered by the page's own
/// partial and query, named after the card's DOM id, which htmx's SSE extension swaps in (sse-swap = that id).
/// </summary>
public static class ContentEvents
{
    public const string HeartbeatEvent = "heartbeat";

    private const string CardPartial = "/Pages/Content/_VideoCard.cshtml";

    public static IEndpointRouteBuilder MapContentEvents(this IEndpointRouteBuilder app)
    {
        // Signed-out visitors get the same 404 as non-members: an EventSource cannot follow a sign-in redirect anyway.
        app.MapGet("/content/{id:guid}/events", StreamAsync).AllowAnonymous();
        return app;
    }

    private static async Task<IResult> StreamAsync(
        Guid id, HttpContext http, IServiceScopeFactory scopes, LiveHub hub, PartialRenderer renderer, IHostApplicationLifetime lifetime,
        IOptions<LiveOptions> options, ILogger<LiveHub> logger)
    {
        if (http.User.Identity?.IsAuthenticated != true || !await IsVisibleAsync(scopes, id, http.User.UserId(), http.RequestAborted))
        {
            return TypedResults.NotFound();
        }
        http.Response.Headers["X-Accel-Buffering"] = "no";
        var access = new StreamAccess(ct => MayStillReadAsync(scopes, id, http.User, ct), options.Value.AccessCheckInterval, logger);
        return TypedResults.ServerSentEvents(CardEventsAsync(id, http, scopes, hub, renderer, access, lifetime.ApplicationStopping, http.RequestAborted));
    }

    private sealed record StreamAccess(Func<CancellationToken, Task<bool>> StillAllowed, TimeSpan Interval, ILogger Logger);

    private static async Task<bool> MayStillReadAsync(IServiceScopeFactory scopes, Guid id, ClaimsPrincipal user, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudioDb>();
        var stampClaim = scope.ServiceProvider.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        return await db.ContentVisibleTo(user.UserId()).AnyAsync(c => c.Id == id, ct) && await SessionCheck.IsCurrentAsync(db, user, stampClaim, ct);
    }

    // A scope of its own rather than the request's, so a stream open for hours does not hold a DbContext.
    private static async Task<bool> IsVisibleAsync(IServiceScopeFactory scopes, Guid id, string userId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<StudioDb>().ContentVisibleTo(userId).AnyAsync(c => c.Id == id, ct);
    }

    private static async IAsyncEnumerable<SseItem<string>> CardEventsAsync(
        Guid id, HttpContext http, IServiceScopeFactory scopes, LiveHub hub, PartialRenderer renderer, StreamAccess access,
        CancellationToken stopping, [EnumeratorCancellation] CancellationToken requestAborted)
    {
        // Ending the stream when the app stops lets shutdown finish at once; the browser reconnects (to this node once it is
        // back, or to another) and starts again from the current state.
        using var end = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, stopping);
        using var subscription = hub.Subscribe(id);

        // Removal from the business, sign-out or demotion ends the stream within AccessCheckInterval.
        var watch = LiveAccess.WatchAsync(access.StillAllowed, access.Interval, end, access.Logger);
        try
        {
            // The current state first: it heals whatever changed between page render and connect, and every reconnect
            // (htmx's SSE extension sends no Last-Event-ID to resume from).
            var change = new LiveChange([], All: true, Heartbeat: false, hub.Version);
            while (true)
            {
                if (change.Heartbeat)
                {
                    yield return new SseItem<string>("", HeartbeatEvent);
                }
                foreach (var slot in VideoSlots.All.Where(s => change.Touches(s.Key())))
                {
                    var card = await subscription.ReadAsync(slot.Key(), change.Version, () => LoadAsync(scopes, id, slot));
                    if (card is null)
                    {
                        yield break;
                    }
                    yield return new SseItem<string>(await renderer.RenderAsync(http, CardPartial, card), card.DomId);
                }

                try
                {
                    change = await subscription.NextAsync(end.Token);
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }
            }
        }
        finally
        {
            await end.CancelAsync();
            await watch;
        }
    }

    private static async Task<VideoCard?> LoadAsync(IServiceScopeFactory scopes, Guid id, VideoSlot slot)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await VideoCard.LoadAsync(scope.ServiceProvider.GetRequiredService<StudioDb>(), id, slot);
    }
}
