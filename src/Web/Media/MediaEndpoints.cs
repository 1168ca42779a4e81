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
    /// changes content, so the URL itself is the cache buster and the response may be cached forever.
    /// </summary>
    public static IEndpointRouteBuilder MapMedia(this IEndpointRouteBuilder app)
    {
        app.MapGet("/media/{file}", async (string file, HttpContext http, StudioDb db, MediaStore store, CancellationToken ct) =>
        {
            var dot = file.IndexOf('.');
            var contentType = dot < 0 ? null : ContentTypeOf(file[(dot + 1)..]);
            if (contentType is null || !Guid.TryParseExact(file[..dot], "N", out var assetId))
            {
                return Results.NotFound();
            }
            var userId = http.User.UserId();
            var asset = await db.VideoAssets.AsNoTracking()
                .Where(a => a.Id == assetId && (a.StorageKey == file || a.PosterKey == file || a.CaptionsKey == file))
                .Where(a => db.ContentVisibleTo(userId).Any(c => c.Id == a.ContentId))
                .Select(a => new { a.Sha256, a.CreatedAt })
                .SingleOrDefaultAsync(ct);
            if (asset is null || !File.Exists(store.PathOf(file)))
            {
                return Results.NotFound();
            }
            http.Response.Headers.CacheControl = "private, max-age=31536000, immutable";
            // The companions of an asset never change either: the video's hash plus what they are names them.
            var companion = file[(dot + 1)..].Contains('.') ? "-" + file[(dot + 1)..].Replace('.', '-') : "";
            return Results.File(store.PathOf(file), contentType,
                lastModified: asset.CreatedAt, entityTag: new EntityTagHeaderValue($"\"{asset.Sha256[..32]}{companion}\""), enableRangeProcessing: true);
        });
        return app;
    }

    /// <summary>A video ({id}.mp4), its poster ({id}.poster.jpg) or its captions ({id}.captions.vtt).</summary>
    private static string? ContentTypeOf(string suffix) => suffix.Split('.') switch
    {
        [var video] => VideoFormat.FromExtension(video)?.ContentType,
        ["poster", var image] => PosterFormat.FromExtension(image)?.ContentType,
        ["captions", "vtt"] => WebVtt.ContentType,
        _ => null,
    };
}
