using System.Text;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core.Data;
using VideoStudio.Core.Media;

namespace VideoStudio.Web.Pages.Content;

/// <summary>The version whose captions change, with what the dialog says about it.</summary>
public sealed record CaptionsTarget(Core.Data.Content Content, VideoAsset Asset);

public sealed record CaptionsOutcome(string? Error, int Status)
{
    public static readonly CaptionsOutcome Attached = new(null, StatusCodes.Status200OK);
}

/// <summary>
/// Captions an editor attaches to one version of a slot's video (any version: the current one from its card, an earlier one
/// from History). They belong to that version, as HeyGen's captions belong to an AI video, so a restore brings them back.
/// The file is checked and converted first (<see cref="WebVtt.Read"/>); a refused file changes nothing.
/// </summary>
public sealed class VideoCaptions(StudioDb db, MediaStore store, ILogger<VideoCaptions> log)
{
    public const string Kind = "captions";

    /// <summary>A version of content the user may see whose files still exist; none otherwise.</summary>
    public async Task<CaptionsTarget?> FindAsync(Guid contentId, Guid assetId, string userId, CancellationToken ct)
    {
        var content = await db.ContentVisibleTo(userId).AsNoTracking().SingleOrDefaultAsync(c => c.Id == contentId, ct);
        var asset = content is null ? null
            : await db.VideoAssets.AsNoTracking().SingleOrDefaultAsync(a => a.Id == assetId && a.ContentId == contentId && a.RemovedAt == null, ct);
        return asset is null ? null : new CaptionsTarget(content!, asset);
    }

    public async Task<CaptionsOutcome> AttachAsync(CaptionsTarget target, IFormFile? file, string userId, CancellationToken ct)
    {
        var (content, asset) = target;
        string vtt;
        try
        {
            if (file is null)
            {
                throw new MediaRejectedException("Choose a captions file (.vtt or .srt) to attach.", "no_file");
            }
            // Read no further than the limit: a larger file is refused by its size alone.
            var bytes = new byte[Math.Min(file.Length, WebVtt.MaxBytes + 1)];
            await using (var stream = file.OpenReadStream())
            {
                await stream.ReadExactlyAsync(bytes, ct);
            }
            vtt = WebVtt.Read(bytes);
        }
        catch (MediaRejectedException refused)
        {
            await RecordAsync(target, VideoEventLog.Failed, userId, file?.Length, refused.Kind);
            return new(refused.Message, StatusCodes.Status422UnprocessableEntity);
        }

        var key = WebVtt.NewKey(asset.Id);
        try
        {
            await store.SaveCompanionAsync(key, Encoding.UTF8.GetBytes(vtt), WebVtt.ContentType, ct);
        }
        catch (IOException full) when (MediaStore.IsDiskFull(full))
        {
            log.LogError(full, "Media storage is out of space; captions for asset {AssetId} were refused", asset.Id);
            await RecordAsync(target, VideoEventLog.Failed, userId, file.Length, "disk_full");
            return new(MediaStore.DiskFullMessage, StatusCodes.Status507InsufficientStorage);
        }
        catch (MediaUnavailableException down)
        {
            log.LogWarning("Captions for asset {AssetId} not stored: the media store is not answering ({Reason})", asset.Id, down.Message);
            await RecordAsync(target, VideoEventLog.Failed, userId, file.Length, "store_unavailable");
            return new("The video store is not answering, so the captions were not attached; the video keeps the captions it had. Try again in a minute.",
                StatusCodes.Status503ServiceUnavailable);
        }

        // Swapped under the row's lock, so of two attachments at once each removes exactly the file the other replaced.
        var replaced = await db.Database.SqlQuery<Replaced>($"""
            UPDATE video_assets a SET captions_key = {key}
            FROM (SELECT id, captions_key FROM video_assets WHERE id = {asset.Id} AND removed_at IS NULL FOR UPDATE) old
            WHERE a.id = old.id
            RETURNING old.captions_key AS "Key"
            """).ToListAsync(CancellationToken.None);
        if (replaced.Count == 0)
        {
            // Deleted for good while the file arrived.
            await store.DeleteAsync(key, CancellationToken.None);
            return new(VersionActions.Gone, StatusCodes.Status409Conflict);
        }
        if (replaced[0].Key is { } previous)
        {
            await store.DeleteAsync(previous, CancellationToken.None);
        }
        await RecordAsync(target, VideoEventLog.Succeeded, userId, vtt.Length, null);
        log.LogInformation("Captions {Key} attached to asset {AssetId} of content {ContentId}", key, asset.Id, content.Id);
        return CaptionsOutcome.Attached;
    }

    private async Task RecordAsync(CaptionsTarget target, string outcome, string userId, long? bytes, string? errorKind)
    {
        db.Record(target.Content.BusinessId, target.Content.Id, target.Asset.Slot, Kind, outcome, userId, bytes, errorKind: errorKind, assetId: target.Asset.Id);
        await db.SaveChangesAsync(CancellationToken.None);
    }

    private sealed class Replaced
    {
        public string? Key { get; init; }
    }
}
