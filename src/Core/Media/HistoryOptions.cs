namespace VideoStudio.Core.Media;

/// <summary>How long replaced and deleted versions are kept, and how long Undo is offered after a slot changed (Studio:History).</summary>
public sealed class HistoryOptions
{
    public const string Section = "Studio:History";

    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    public TimeSpan UndoWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A version that stopped being current before this may be removed: never while its Undo is still offered.</summary>
    public DateTimeOffset RemovableBefore(DateTimeOffset now) => now - (Retention > UndoWindow ? Retention : UndoWindow);
}
