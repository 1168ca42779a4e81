using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using VideoStudio.Core.Data;
using VideoStudio.Core.Media;
using VideoStudio.Web.Auth;

namespace VideoStudio.Web.Media;

public static class MediaEndpoints
{
    /// <summary>
    /// GET /media/{assetId}.{ext}: members of the content's business only (404 for everyone else). An asset id never
    /// changes content, so the URL itself is the cache buster and the response may be cached forever. HEAD answers the
    /// same headers without the body (players and download managers ask for the size first). A version whose files were
    /// removed (retention, deleted for good) is not served, whatever is left on disk. <c>?download=1</c> saves a video under
    /// the name it was uploaded with (History's Download). A store that gives files an address of their own (object
    /// storage) is sent the video's bytes from there: after the same checks, the answer is a redirect to a read-only link
    /// to that one file, cached by this browser only, and only while every link asked for is the same URL.
    /// </summary>
    public static IEndpointRouteBuilder MapMedia(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/media/{file}", [HttpMethods.Get, HttpMethods.Head], async (string file, HttpContext http, StudioDb db, MediaStore store, FileLinks links, TimeProvider clock, CancellationToken ct) =>
        {
            // A short-lived link (FileLinks) opens its one file without a sign-in; without one, this is a page's request.
            var linkExpires = links.Opens(http.Request.Query["link"], file);
            var linked = linkExpires is not null;
            if (!linked && http.User.Identity?.IsAuthenticated != true)
            {
                return Results.Challenge();
            }
            if (MediaStore.AssetIdOf(file) is not { } assetId)
            {
                return Results.NotFound();
            }
            var contentType = MediaStore.ContentTypeOf(file)!;
            var dot = file.IndexOf('.');
            var assets = db.VideoAssets.AsNoTracking()
                .Where(a => a.Id == assetId && a.RemovedAt == null && (a.StorageKey == file || a.PosterKey == file || a.CaptionsKey == file));
            if (!linked)
            {
                var userId = http.User.UserId();
                assets = assets.Where(a => db.ContentVisibleTo(userId).Any(c => c.Id == a.ContentId));
            }
            var asset = await assets
                .Select(a => new { a.Sha256, a.CreatedAt, a.StorageKey, a.OriginalFileName })
                .SingleOrDefaultAsync(ct);
            if (asset is null)
            {
                return Results.NotFound();
            }
            // Played in place; a download is saved under the file's own name (hex and a known extension), never a name an
            // uploader chose.
            var download = http.Request.Query.ContainsKey("download") && file == asset.StorageKey;
            var disposition = new ContentDispositionHeaderValue(download ? "attachment" : "inline") { FileName = file };
            if (download)
            {
                // The uploader's name (cleaned when it was received) with the extension the file really has, encoded per RFC 5987.
                disposition.SetHttpFileName(DownloadName(asset.OriginalFileName, file));
            }
            var now = clock.GetUtcNow();
            if (store.PlaybackLinkFor(file, disposition.ToString(), now, linkExpires) is { } playback)
            {
                var fresh = (int)(playback.SameUntil - now).TotalSeconds;
                http.Response.Headers.CacheControl = linked || fresh <= 0 ? "private, no-store" : $"private, max-age={fresh}";
                return Results.Redirect(playback.Url.AbsoluteUri);
            }
            // The companions of an asset never change either: the video's hash plus what they are names them.
            var companion = file[(dot + 1)..].Contains('.') ? "-" + file[(dot + 1)..].Replace('.', '-') : "";
            IResult? served;
            try
            {
                served = await store.ServeAsync(file, new MediaResponse(contentType, asset.CreatedAt,
                    new EntityTagHeaderValue($"\"{asset.Sha256[..32]}{companion}\"")), ct);
            }
            catch (MediaUnavailableException)
            {
                // The player tries again by itself; nothing to cache.
                http.Response.Headers.RetryAfter = "10";
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }
            if (served is null)
            {
                return Results.NotFound();
            }
            // The link is the credential: it must not linger in shared caches or be sent on as a referrer.
            http.Response.Headers.CacheControl = linked ? "private, no-store" : "private, max-age=31536000, immutable";
            http.Response.Headers.ContentDisposition = disposition.ToString();
            return served;
        }).AllowAnonymous();
        return app;
    }

    private static string DownloadName(string originalFileName, string storageKey)
    {
        var extension = Path.GetExtension(storageKey);
        return originalFileName.EndsWith(extension, StringComparison.OrdinalIgnoreCase) ? originalFileName : originalFileName + extension;
    }
}
