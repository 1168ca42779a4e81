namespace VideoStudio.Web.Api;

/// <summary>A content item with its two scripts and the state of both video slots.</summary>
public sealed record ContentItem(
    Guid Id, string Title, string? MainScript, string? ShortScript,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ArchivedAt, SlotState Long, SlotState Short);

/// <summary>
/// One video slot (<c>long</c> 16:9, <c>short</c> 9:16). <c>state</c> is what the page's card shows: <c>empty</c>,
/// <c>video</c>, <c>generating</c>, <c>failed</c> or <c>not-configured</c>. <c>version</c> grows with every change of the
/// slot. The links to the file, its poster and its captions work without a token until <c>expiresAt</c> (15 minutes).
/// </summary>
public sealed record SlotState(
    string Slot, string State, long Version, Guid? AssetId, string? FileName, double? DurationSeconds, long? SizeBytes,
    FileLink? File, FileLink? Poster, FileLink? Captions, Generation? Generation, bool CanGenerate, string? GenerateRefusal, string? Failure);

public sealed record FileLink(string Url, DateTimeOffset ExpiresAt);

/// <summary>An AI generation: <c>queued</c>, <c>submitted</c>, <c>processing</c>, <c>completed</c>, <c>failed</c> or <c>timed_out</c>.</summary>
public sealed record Generation(Guid Id, Guid ContentId, string Slot, string Status, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, Guid? AssetId, string? Error);

/// <summary>One row of the content list: each slot's state as the list's badge shows it (<c>video</c>, <c>generating</c>, <c>failed</c>, <c>missing</c>).</summary>
public sealed record ContentSummary(Guid Id, string Title, DateTimeOffset UpdatedAt, DateTimeOffset? ArchivedAt, string Long, string Short);

/// <summary>A page of the list; pass <c>next</c> as <c>after</c> for the following page (none on the last page).</summary>
public sealed record ContentPage(IReadOnlyList<ContentSummary> Items, string? Next);

/// <summary>A version of a slot's video, newest first; a version that is not current can be restored.</summary>
public sealed record VideoVersion(Guid Id, string Source, string FileName, DateTimeOffset CreatedAt, string State, double? DurationSeconds, long SizeBytes);

public sealed record CreateContentRequest(string? Title, string? MainScript, string? ShortScript);

/// <summary>Only the fields sent change; an empty script removes it.</summary>
public sealed record UpdateContentRequest(string? Title, string? MainScript, string? ShortScript);
