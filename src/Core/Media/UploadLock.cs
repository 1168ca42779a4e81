using VideoStudio.Core.Data;

namespace VideoStudio.Core.Media;

/// <summary>
/// One resumable upload's advisory lock, held while a request writes to it or removes it: whichever web process takes it
/// may write the next chunk; the others answer 423 and the client asks for the offset again.
/// </summary>
public static class UploadLock
{
    // Arbitrary, only distinct from the other advisory lock users ("TU").
    private const int LockClass = 0x5455;

    public static Task<AdvisoryLock?> TryTakeAsync(StudioDb db, Guid uploadId, CancellationToken ct) =>
        AdvisoryLock.TakeAsync(db, LockClass, uploadId, wait: false, ct);
}
