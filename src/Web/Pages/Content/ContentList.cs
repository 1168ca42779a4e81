using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Core.Media;

namespace VideoStudio.Web.Pages.Content;

public enum ContentFilter { All, MissingLong, MissingShort, Generating, Failed, Complete, Archived }

public enum ContentSort { Changed, Title }

/// <summary>What a slot shows in the list: its video, or the latest generation's state when there is none.</summary>
public sealed record SlotStatus(Guid ContentId, VideoSlot Slot, bool HasVideo, GenerationStatus? Latest)
{
    /// <summary>The current video's poster, the list's thumbnail of the slot.</summary>
    public string? PosterUrl { get; init; }

    public string State =>
        Latest is { } s && s.IsActive() ? "generating"
        : HasVideo ? "video"
        : Latest is GenerationStatus.Failed or GenerationStatus.TimedOut ? "failed"
        : "missing";

    public string Text => State switch
    {
        "generating" => "Creating AI video",
        "video" => "Video ready",
        "failed" => "AI video failed",
        _ => "No video",
    };

    public string DomId => $"slot-status-{ContentId:N}-{Slot.Key()}";

    /// <summary>The badge of a slot as its card shows it, for live updates of the list.</summary>
    public static SlotStatus Of(VideoCard card) => new(card.ContentId, card.Slot, card.VideoUrl is not null, card.State switch
    {
        CardState.Generating => GenerationStatus.Processing,
        CardState.Failed => card.TimedOut ? GenerationStatus.TimedOut : GenerationStatus.Failed,
        _ => null,
    })
    {
        PosterUrl = card.VideoUrl is null ? null : card.PosterUrl,
    };
}

public sealed record ContentRow(Guid Id, string Title, string Business, DateTimeOffset UpdatedAt, DateTimeOffset? ArchivedAt, SlotStatus Long, SlotStatus Short);

public sealed record ContentListQuery(string? Search, ContentFilter Filter, ContentSort Sort, string? After);

public sealed record ContentListPage(IReadOnlyList<ContentRow> Rows, string? Next);

/// <summary>
/// The content list's one query. Keyset paging: each page starts after the last row of the previous one, found through the
/// index of its sort (ix_content_list_by_change, _by_title, _archived), so page 4,000 costs what page 1 costs.
/// </summary>
public static class ContentList
{
    public const int PageSize = 25;

    public const int MaxSearchLength = 200;

    private static readonly GenerationStatus[] Failures = [GenerationStatus.Failed, GenerationStatus.TimedOut];

    /// <param name="onlyBusiness">One of the user's businesses to list alone (an API token acts within its own business only).</param>
    public static async Task<ContentListPage> ReadAsync(StudioDb db, string userId, ContentListQuery query, CancellationToken ct, Guid? onlyBusiness = null)
    {
        // The user's businesses first, as constants: an equality on business_id lets PostgreSQL walk the sort's index in order.
        var businesses = await db.BusinessMembers.Where(m => m.UserId == userId && (onlyBusiness == null || m.BusinessId == onlyBusiness))
            .Select(m => m.BusinessId).ToListAsync(ct);
        if (businesses.Count == 0)
        {
            return new ContentListPage([], null);
        }
        var items = businesses.Count == 1
            ? db.Content.Where(c => c.BusinessId == businesses[0])
            : db.Content.Where(c => businesses.Contains(c.BusinessId));

        items = query.Filter == ContentFilter.Archived ? items.Where(c => c.ArchivedAt != null) : items.Where(c => c.ArchivedAt == null);
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var pattern = "%" + query.Search.Trim().Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%";
            // A literal, not a parameter: the app's connections plan prepared statements once, generically, and a generic plan
            // cannot tell a pattern that matches every tenth title from one that matches none, so it walked the whole sort
            // index for a search without hits (216 ms at 100,000 items). With the pattern in the SQL PostgreSQL plans each
            // search for its own pattern: trigram index when it is rare, the sort's index when it is common. EF writes the
            // literal escaped; each new search is a new statement, never auto-prepared, so the prepared ones stay the hot ones.
            items = items.Where(c => EF.Functions.ILike(c.Title, EF.Constant(pattern), @"\"));
        }
        items = query.Filter switch
        {
            ContentFilter.MissingLong => items.Where(c => c.VideoLongUrl == null),
            ContentFilter.MissingShort => items.Where(c => c.VideoShortUrl == null),
            ContentFilter.Complete => items.Where(c => c.VideoLongUrl != null && c.VideoShortUrl != null),
            // The statuses as literals (not an array parameter) let PostgreSQL prove the partial index of active generations
            // applies, and estimate how rare each state is even in the generic plan.
            ContentFilter.Generating => items.Where(c => db.VideoGenerations.Any(g => g.ContentId == c.Id && EF.Constant(GenerationStatuses.Active).Contains(g.Status))),
            ContentFilter.Failed => items.Where(c => db.VideoGenerations.Any(g =>
                g.ContentId == c.Id && EF.Constant(Failures).Contains(g.Status)
                && (g.Slot == VideoSlot.Long ? c.VideoLongUrl == null : c.VideoShortUrl == null)
                && !db.VideoGenerations.Any(later => later.ContentId == g.ContentId && later.Slot == g.Slot && later.CreatedAt > g.CreatedAt))),
            _ => items,
        };

        var cursor = Cursor.Parse(query.After);
        IOrderedQueryable<Core.Data.Content> ordered;
        if (query.Filter == ContentFilter.Archived)
        {
            if (cursor is { Time: { } at, Id: var id })
            {
                items = items.Where(c => EF.Functions.LessThan(ValueTuple.Create(c.ArchivedAt!.Value, c.Id), ValueTuple.Create(at, id)));
            }
            ordered = items.OrderByDescending(c => c.ArchivedAt).ThenByDescending(c => c.Id);
        }
        else if (query.Sort == ContentSort.Title)
        {
            if (cursor is { Title: { } title, Id: var id })
            {
                items = items.Where(c => EF.Functions.GreaterThan(ValueTuple.Create(c.Title, c.Id), ValueTuple.Create(title, id)));
            }
            ordered = items.OrderBy(c => c.Title).ThenBy(c => c.Id);
        }
        else
        {
            if (cursor is { Time: { } at, Id: var id })
            {
                items = items.Where(c => EF.Functions.LessThan(ValueTuple.Create(c.UpdatedAt, c.Id), ValueTuple.Create(at, id)));
            }
            ordered = items.OrderByDescending(c => c.UpdatedAt).ThenByDescending(c => c.Id);
        }

        var rows = await ordered.Take(PageSize + 1)
            .Select(c => new ContentRow(
                c.Id,
                c.Title,
                c.Business!.Name,
                c.UpdatedAt,
                c.ArchivedAt,
                new SlotStatus(c.Id, VideoSlot.Long, c.VideoLongUrl != null,
                    db.VideoGenerations.Where(g => g.ContentId == c.Id && g.Slot == VideoSlot.Long).OrderByDescending(g => g.CreatedAt)
                        .Select(g => (GenerationStatus?)g.Status).FirstOrDefault())
                {
                    PosterUrl = db.VideoAssets.Where(VideoAsset.Current).Where(a => a.ContentId == c.Id && a.Slot == VideoSlot.Long && a.PosterKey != null)
                        .OrderByDescending(a => a.CreatedAt).Select(a => SlotVideos.MediaPrefix + a.PosterKey).FirstOrDefault(),
                },
                new SlotStatus(c.Id, VideoSlot.Short, c.VideoShortUrl != null,
                    db.VideoGenerations.Where(g => g.ContentId == c.Id && g.Slot == VideoSlot.Short).OrderByDescending(g => g.CreatedAt)
                        .Select(g => (GenerationStatus?)g.Status).FirstOrDefault())
                {
                    PosterUrl = db.VideoAssets.Where(VideoAsset.Current).Where(a => a.ContentId == c.Id && a.Slot == VideoSlot.Short && a.PosterKey != null)
                        .OrderByDescending(a => a.CreatedAt).Select(a => SlotVideos.MediaPrefix + a.PosterKey).FirstOrDefault(),
                }))
            .AsNoTracking()
            .ToListAsync(ct);

        if (rows.Count <= PageSize)
        {
            return new ContentListPage(rows, null);
        }
        rows.RemoveAt(PageSize);
        var last = rows[^1];
        var next = query.Filter == ContentFilter.Archived ? Cursor.Of(last.ArchivedAt!.Value, last.Id)
            : query.Sort == ContentSort.Title ? Cursor.Of(last.Title, last.Id)
            : Cursor.Of(last.UpdatedAt, last.Id);
        return new ContentListPage(rows, next);
    }

    /// <summary>The last row of a page as an opaque URL-safe string: its sort key and id.</summary>
    private sealed record Cursor(DateTimeOffset? Time, string? Title, Guid Id)
    {
        public static string Of(DateTimeOffset time, Guid id) => Encode("t" + time.UtcTicks.ToString(CultureInfo.InvariantCulture), id);

        public static string Of(string title, Guid id) => Encode("s" + title, id);

        private static string Encode(string key, Guid id) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{id:N}{key}"));

        /// <summary>A cursor that does not parse starts from the first page rather than failing.</summary>
        public static Cursor? Parse(string? value)
        {
            if (string.IsNullOrEmpty(value) || value.Length > 2000)
            {
                return null;
            }
            try
            {
                var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(value));
                if (text.Length < 33 || !Guid.TryParseExact(text[..32], "N", out var id))
                {
                    return null;
                }
                var key = text[33..];
                return text[32] switch
                {
                    't' when long.TryParse(key, CultureInfo.InvariantCulture, out var ticks) => new Cursor(new DateTimeOffset(ticks, TimeSpan.Zero), null, id),
                    's' => new Cursor(null, key, id),
                    _ => null,
                };
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}
