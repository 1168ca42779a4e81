using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core.Data;
using VideoStudio.Core.Media;

namespace VideoStudio.Web.Pages.Content;

/// <summary>Why an upload is not taken, in the words the editor reads, with its HTTP status and a word for the trail.</summary>
public sealed record UploadRefusal(int Status, string Message, string Kind);

/// <summary>
/// What every way of uploading asks before it takes a file (the dialog's resumable upload when it is created, the plain
/// POST before it reads the file): the business's storage quota and the user's number of uploads under way. Both count
/// every upload under way, whichever way it came, because both keep an <see cref="UploadSession"/> row while it arrives.
/// </summary>
public static class UploadLimits
{
    public static async Task<UploadRefusal?> CheckAsync(StudioDb db, Guid businessId, string userId, long length, UploadOptions options, DateTimeOffset now, CancellationToken ct)
    {
        var active = now - options.StallTimeout;
        var running = await db.UploadSessions.CountAsync(u => u.UserId == userId && u.AssetId == null && u.UpdatedAt > active, ct);
        if (running >= options.MaxConcurrentPerUser)
        {
            return new(StatusCodes.Status429TooManyRequests, running == 1
                ? "You already have an upload under way. Wait for it to finish, or cancel it, then try again."
                : $"You already have {running} uploads under way. Wait for one to finish, or cancel one, then try again.", "too_many_uploads");
        }
        if (options.BusinessQuotaBytes <= 0)
        {
            return null;
        }
        var kept = await db.VideoAssets.Where(a => a.RemovedAt == null && db.Content.Any(c => c.Id == a.ContentId && c.BusinessId == businessId))
            .SumAsync(a => (long?)a.SizeBytes, ct) ?? 0;
        var arriving = await db.UploadSessions.Where(u => u.BusinessId == businessId && u.AssetId == null).SumAsync(u => (long?)u.Length, ct) ?? 0;
        var used = kept + arriving;
        return used + length <= options.BusinessQuotaBytes ? null
            : new(StatusCodes.Status413PayloadTooLarge,
                $"This business has used {MediaStore.FormatBytes(used)} of its {MediaStore.FormatBytes(options.BusinessQuotaBytes)} of storage and this file needs " +
                $"{MediaStore.FormatBytes(length)}. Remove earlier versions in History, or ask your administrator for more space.", "quota");
    }

    /// <summary>
    /// The body of a plain upload, saying now and then that it still arrives: <paramref name="touch"/> runs at most every
    /// <paramref name="every"/> while bytes come, so the upload counts as under way for as long as it sends.
    /// </summary>
    public sealed class Arriving(Stream inner, Func<Task> touch, TimeSpan every) : Stream
    {
        private long _touchedAt = Stopwatch.GetTimestamp();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            if (read > 0 && Stopwatch.GetElapsedTime(_touchedAt) >= every)
            {
                _touchedAt = Stopwatch.GetTimestamp();
                await touch();
            }
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read asynchronously.");

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
