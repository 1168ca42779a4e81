using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Core.Media;

namespace VideoStudio.Web.Pages.Content;

/// <summary>What History and Undo change: a version made current again, or deleted for good, each with its audit row in the same commit.</summary>
public sealed class VersionActions(StudioDb db, MediaStore store, IOptions<HistoryOptions> options, TimeProvider clock)
{
    public const string Gone = "That version's file was deleted, so it cannot be restored.";
    public const string UndoExpired = "Undo is no longer offered: the slot changed again, or the time for Undo has passed. Open History to restore any version.";

    /// <summary>Takes the slot's video away (kept in History); false when the slot had none.</summary>
    public async Task<bool> DeleteAsync(Core.Data.Content item, VideoSlot slot, string userId, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await SlotVideos.DeleteAsync(db, item.Id, slot, ct) is not { } deleted)
        {
            return false;
        }
        db.Record(item.BusinessId, item.Id, slot, VideoEventLog.Delete, VideoEventLog.Succeeded, userId, assetId: deleted);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<RestoreResult> RestoreAsync(Core.Data.Content item, VideoSlot slot, Guid assetId, string userId, CancellationToken ct) =>
        await RestoreAsync(item, slot, assetId, userId, VideoEventLog.Restore, null, ct);

    /// <summary>Takes back the slot's latest change, only while the card offers exactly this Undo and the slot still shows what it showed.</summary>
    public async Task<RestoreResult> UndoAsync(Core.Data.Content item, VideoSlot slot, Guid assetId, string userId, CancellationToken ct)
    {
        var card = await VideoCard.LoadAsync(db, item.Id, slot, ct);
        if (card?.Undo is not { } undo || undo.AssetId != assetId || undo.At + options.Value.UndoWindow < clock.GetUtcNow())
        {
            return RestoreResult.SlotChanged;
        }
        return await RestoreAsync(item, slot, assetId, userId, VideoEventLog.Undo, new SlotVideos.Expected(card.AssetId), ct);
    }

    private async Task<RestoreResult> RestoreAsync(Core.Data.Content item, VideoSlot slot, Guid assetId, string userId, string kind,
        SlotVideos.Expected? expected, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var result = await SlotVideos.RestoreAsync(db, item.Id, slot, assetId, ct, expected);
        if (result == RestoreResult.Restored)
        {
            db.Record(item.BusinessId, item.Id, slot, kind, VideoEventLog.Succeeded, userId, assetId: assetId);
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        return result;
    }

    public Task<bool> MayRemoveAsync(Core.Data.Content item, string userId, CancellationToken ct) =>
        db.BusinessMembers.AnyAsync(m => m.BusinessId == item.BusinessId && m.UserId == userId && m.Role == MemberRole.Admin, ct);

    /// <summary>Deletes a version that is not current for good: its files go, its row stays marked for the audit trail.</summary>
    public async Task<bool> RemoveAsync(Core.Data.Content item, VideoSlot slot, Guid assetId, string userId, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var removed = await SlotVideos.RemoveAsync(db, store, item.Id, slot, assetId, now, ct);
        if (removed is null)
        {
            return false;
        }
        db.Record(item.BusinessId, item.Id, slot, VideoEventLog.Remove, VideoEventLog.Succeeded, userId, bytes: removed.SizeBytes, assetId: assetId, at: now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
