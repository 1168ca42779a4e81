namespace VideoStudio.Web.Api;

// The XML comments here are the descriptions of the OpenAPI document's schemas (the OpenApi package's source generator reads them).

/// <summary>A content item with its two scripts and the state of both video slots.</summary>
/// <param name="Id">The item's id, used in every address under <c>/api/v1/content/{id}</c>.</param>
/// <param name="Title">The title editors see in the list (at most 300 characters).</param>
/// <param name="MainScript">What the long (16:9) video says; null when there is none.</param>
/// <param name="ShortScript">What the short (9:16) video says; null when there is none.</param>
/// <param name="CreatedAt">When the item was created.</param>
/// <param name="UpdatedAt">When the item or one of its videos last changed.</param>
/// <param name="ArchivedAt">When the item was archived; null while it is active.</param>
/// <param name="Long">The Long Social Video slot (16:9).</param>
/// <param name="Short">The Short Social Video slot (9:16).</param>
public sealed record ContentItem(
    Guid Id, string Title, string? MainScript, string? ShortScript,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ArchivedAt, SlotState Long, SlotState Short);

/// <summary>
/// One video slot (<c>long</c> 16:9, <c>short</c> 9:16). <c>state</c> is what the page's card shows: <c>empty</c>,
/// <c>video</c>, <c>generating</c>, <c>failed</c> or <c>not-configured</c>. <c>version</c> grows with every change of the
/// slot. The links to the file, its poster and its captions work without a token until <c>expiresAt</c> (15 minutes).
/// </summary>
/// <param name="Slot"><c>long</c> or <c>short</c>.</param>
/// <param name="State"><c>empty</c>, <c>video</c>, <c>generating</c>, <c>failed</c> or <c>not-configured</c> (HeyGen is not set up for the business).</param>
/// <param name="Version">Grows with every change of the slot: compare it to tell whether anything changed.</param>
/// <param name="AssetId">The id of the video the slot shows; null when it shows none.</param>
/// <param name="FileName">The video's file name as uploaded or made.</param>
/// <param name="DurationSeconds">The video's length in seconds, when known.</param>
/// <param name="SizeBytes">The video file's size in bytes.</param>
/// <param name="File">A short-lived link to the video file.</param>
/// <param name="Poster">A short-lived link to the video's poster image, when there is one.</param>
/// <param name="Captions">A short-lived link to the video's WebVTT captions, when there are some.</param>
/// <param name="Generation">The latest AI generation of the slot, finished or not; null when there never was one.</param>
/// <param name="CanGenerate">Whether Generate would start a render now.</param>
/// <param name="GenerateRefusal">Why Generate would be refused now (no script, script too long, HeyGen not set up); null when it would not.</param>
/// <param name="Failure">What went wrong with the latest generation, when it failed.</param>
public sealed record SlotState(
    string Slot, string State, long Version, Guid? AssetId, string? FileName, double? DurationSeconds, long? SizeBytes,
    FileLink? File, FileLink? Poster, FileLink? Captions, Generation? Generation, bool CanGenerate, string? GenerateRefusal, string? Failure);

/// <summary>A link that works without a token until it expires; ask for the slot again for a fresh one.</summary>
/// <param name="Url">The link, relative to the app's address.</param>
/// <param name="ExpiresAt">When the link stops working.</param>
public sealed record FileLink(string Url, DateTimeOffset ExpiresAt);

/// <summary>An AI generation: <c>queued</c>, <c>submitted</c>, <c>processing</c>, <c>completed</c>, <c>failed</c> or <c>timed_out</c>.</summary>
/// <param name="Id">The generation's id; a retried Generate with the same Idempotency-Key answers with the same one.</param>
/// <param name="ContentId">The content item it belongs to.</param>
/// <param name="Slot"><c>long</c> or <c>short</c>.</param>
/// <param name="Status"><c>queued</c>, <c>submitted</c>, <c>processing</c>, <c>completed</c>, <c>failed</c> or <c>timed_out</c>.</param>
/// <param name="CreatedAt">When Generate was asked for.</param>
/// <param name="FinishedAt">When it completed, failed or timed out; null while it runs.</param>
/// <param name="AssetId">The video it made, once completed.</param>
/// <param name="Error">Why it failed, when it did.</param>
public sealed record Generation(Guid Id, Guid ContentId, string Slot, string Status, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, Guid? AssetId, string? Error);

/// <summary>One row of the content list: each slot's state as the list's badge shows it (<c>video</c>, <c>generating</c>, <c>failed</c>, <c>missing</c>).</summary>
/// <param name="Id">The item's id.</param>
/// <param name="Title">The item's title.</param>
/// <param name="UpdatedAt">When the item or one of its videos last changed.</param>
/// <param name="ArchivedAt">When the item was archived; null while it is active.</param>
/// <param name="Long">The long slot's badge: <c>video</c>, <c>generating</c>, <c>failed</c> or <c>missing</c>.</param>
/// <param name="Short">The short slot's badge: <c>video</c>, <c>generating</c>, <c>failed</c> or <c>missing</c>.</param>
public sealed record ContentSummary(Guid Id, string Title, DateTimeOffset UpdatedAt, DateTimeOffset? ArchivedAt, string Long, string Short);

/// <summary>A page of the list; pass <c>next</c> as <c>after</c> for the following page (none on the last page).</summary>
/// <param name="Items">The items of this page, in the order asked for.</param>
/// <param name="Next">Pass it as <c>after</c> to get the next page; null on the last page.</param>
public sealed record ContentPage(IReadOnlyList<ContentSummary> Items, string? Next);

/// <summary>A version of a slot's video, newest first; a version that is not current can be restored.</summary>
/// <param name="Id">The version's id, used to restore it.</param>
/// <param name="Source"><c>upload</c> or <c>ai</c>.</param>
/// <param name="FileName">The file name as uploaded or made.</param>
/// <param name="CreatedAt">When this version was stored.</param>
/// <param name="State"><c>current</c>, <c>replaced</c>, <c>deleted</c>, <c>kept-aside</c> (stored but never shown) or <c>removed</c> (past retention: its file is gone).</param>
/// <param name="DurationSeconds">The video's length in seconds, when known.</param>
/// <param name="SizeBytes">The file's size in bytes.</param>
public sealed record VideoVersion(Guid Id, string Source, string FileName, DateTimeOffset CreatedAt, string State, double? DurationSeconds, long SizeBytes);

/// <summary>A new content item.</summary>
/// <param name="Title">Required, at most 300 characters.</param>
/// <param name="MainScript">What the long (16:9) video says, at most 100,000 characters.</param>
/// <param name="ShortScript">What the short (9:16) video says, at most 100,000 characters.</param>
public sealed record CreateContentRequest(string? Title, string? MainScript, string? ShortScript);

/// <summary>Only the fields sent change; an empty script removes it.</summary>
/// <param name="Title">A new title, at most 300 characters; leave it out to keep the title.</param>
/// <param name="MainScript">A new Main Video Script; empty removes it, left out keeps it.</param>
/// <param name="ShortScript">A new Short Video Script; empty removes it, left out keeps it.</param>
public sealed record UpdateContentRequest(string? Title, string? MainScript, string? ShortScript);
