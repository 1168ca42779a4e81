using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Core.Media;

namespace VideoStudio.Web.Pages.Content;

public enum VersionState { Current, Replaced, Deleted, KeptAside, Removed }

/// <summary>One version of a slot: a file that was uploaded or rendered, and what became of it.</summary>
public sealed record HistoryVersion(
    Guid Id, VideoSource Source, string FileName, string StorageKey, string? PosterKey, double? DurationSeconds, long SizeBytes,
    string? By, DateTimeOffset CreatedAt, VersionState State, DateTimeOffset? StateAt,
    string? ScriptExcerpt, string? AvatarId, string? VoiceId)
{
    /// <summary>When it was made current again by a restore or Undo; none when it has been current since it was made.</summary>
    public DateTimeOffset? RestoredAt { get; init; }

    /// <summary>Its WebVTT captions (HeyGen's, or a file an editor attached to this version).</summary>
    public string? CaptionsKey { get; init; }
    public string? CaptionsUrl => State == VersionState.Removed || CaptionsKey is null ? null : SlotVideos.UrlOf(CaptionsKey);

    public string? Url => State == VersionState.Removed ? null : SlotVideos.UrlOf(StorageKey);
    public string? PosterUrl => State == VersionState.Removed || PosterKey is null ? null : SlotVideos.UrlOf(PosterKey);
    public string? DownloadUrl => Url is null ? null : Url + "?download=1";
    public string DomId => $"version-{Id:N}";
}

/// <summary>One line of the audit trail: an operation on the slot, who did it, when, and how it went.</summary>
public sealed record HistoryEntry(
    long Id, string Kind, string Outcome, string? By, DateTimeOffset At, long? DurationMs, long? Bytes, string? ErrorKind,
    string? FileName, string? HeyGenVideoId, string? JobId)
{
    public bool Failed => Outcome == VideoEventLog.Failed;

    public string What => (Kind, Outcome) switch
    {
        (VideoEventLog.Upload, VideoEventLog.Started) => "Upload started",
        (VideoEventLog.Upload, VideoEventLog.Succeeded) => $"Uploaded {Named}",
        (VideoEventLog.Upload, _) => $"Upload failed ({Reason})",
        (VideoEventLog.Generation, VideoEventLog.Started) => "AI video requested",
        (VideoEventLog.Generation, VideoEventLog.Succeeded) => $"AI video finished: {Named}",
        (VideoEventLog.Generation, _) => $"AI video failed ({Reason})",
        (VideoEventLog.Delete, _) => $"Deleted {Named}",
        (VideoEventLog.Restore, _) => $"Restored {Named}",
        (VideoEventLog.Undo, _) => $"Undo: brought back {Named}",
        (VideoEventLog.Remove, _) when By is null => $"Removed after the retention period: {Named}",
        (VideoEventLog.Remove, _) => $"Deleted for good: {Named}",
        (VideoCaptions.Kind, VideoEventLog.Succeeded) => $"Captions attached to {Named}",
        (VideoCaptions.Kind, _) => $"Captions for {Named} refused ({Reason})",
        _ => $"{Kind} {Outcome}",
    };

    private string Named => FileName is null ? "the video" : $"“{FileName}”";

    private string Reason => (ErrorKind ?? "unknown").Replace('_', ' ');
}

/// <summary>
/// A slot's History: every version, newest first, and the audit trail of what happened to the slot, newest first. Read
/// fresh for each request and each live refresh of the open dialog.
/// </summary>
public sealed record SlotHistory(Guid ContentId, VideoSlot Slot, IReadOnlyList<HistoryVersion> Versions, IReadOnlyList<HistoryEntry> Trail)
{
    /// <summary>Admins of the business may delete a version for good; site admins get links to the jobs in the dashboard.</summary>
    public bool CanRemove { get; init; }
    public bool ShowJobs { get; init; }
    public string? Message { get; init; }

    public const int TrailLength = 200;

    public string DomId => "history-panel";

    public static async Task<SlotHistory> LoadAsync(StudioDb db, Guid contentId, VideoSlot slot, CancellationToken ct)
    {
        var versions = await (
                from a in db.VideoAssets.AsNoTracking()
                where a.ContentId == contentId && a.Slot == slot
                join g in db.VideoGenerations on (Guid?)a.Id equals g.AssetId into made
                from g in made.DefaultIfEmpty()
                join u in db.Users on a.CreatedBy equals u.Id into makers
                from u in makers.DefaultIfEmpty()
                orderby a.CreatedAt descending
                select new { a, By = u == null ? null : u.DisplayName, Excerpt = g == null ? null : g.ScriptExcerpt, Avatar = g == null ? null : g.AvatarId, Voice = g == null ? null : g.VoiceId })
            .ToListAsync(ct);
        var names = versions.ToDictionary(v => v.a.Id, v => v.a.OriginalFileName);
        var trail = await (
                from e in db.VideoEvents.AsNoTracking()
                where e.ContentId == contentId && e.Slot == slot
                join u in db.Users on e.UserId equals u.Id into people
                from u in people.DefaultIfEmpty()
                join g in db.VideoGenerations on e.GenerationId equals (Guid?)g.Id into renders
                from g in renders.DefaultIfEmpty()
                orderby e.At descending, e.Id descending
                select new { e, By = u == null ? null : u.DisplayName, VideoId = g == null ? null : g.ProviderVideoId, JobId = g == null ? null : g.JobId, RenderAsset = g == null ? null : g.AssetId })
            .Take(TrailLength)
            .ToListAsync(ct);

        return new SlotHistory(contentId, slot,
            versions.Select(v => new HistoryVersion(v.a.Id, v.a.Source, v.a.OriginalFileName, v.a.StorageKey, v.a.PosterKey, v.a.DurationSeconds,
                v.a.SizeBytes, v.By, v.a.CreatedAt, StateOf(v.a), v.a.RemovedAt ?? v.a.DeletedAt ?? v.a.ReplacedAt, v.Excerpt, v.Avatar, v.Voice)
            {
                RestoredAt = v.a.CurrentSince is { } since && since != v.a.CreatedAt ? since : null,
                CaptionsKey = v.a.CaptionsKey,
            }).ToList(),
            trail.Select(t => new HistoryEntry(t.e.Id, t.e.Kind, t.e.Outcome, t.By, t.e.At, t.e.DurationMs, t.e.Bytes, t.e.ErrorKind,
                (t.e.AssetId ?? t.RenderAsset) is { } asset && names.TryGetValue(asset, out var name) ? name : null, t.VideoId, t.JobId)).ToList());
    }

    private static VersionState StateOf(VideoAsset a) =>
        a.RemovedAt is not null ? VersionState.Removed
        : a.DeletedAt is not null ? VersionState.Deleted
        : a.ReplacedAt is null ? VersionState.Current
        : a.CurrentSince is null ? VersionState.KeptAside
        : VersionState.Replaced;

    public static string Length(double seconds) =>
        TimeSpan.FromSeconds(Math.Round(seconds)).ToString(seconds >= 3600 ? @"h\:mm\:ss" : @"m\:ss");

    public static string Took(long milliseconds) => milliseconds switch
    {
        < 1000 => $"{milliseconds} ms",
        < 60_000 => $"{milliseconds / 1000.0:0.#} s",
        < 3_600_000 => $"{milliseconds / 60_000} min {milliseconds / 1000 % 60} s",
        _ => $"{milliseconds / 3_600_000} h {milliseconds / 60_000 % 60} min",
    };
}
