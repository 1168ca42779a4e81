using VideoStudio.Core.Data;

namespace VideoStudio.Web.Live;

/// <summary>
/// The one LISTEN connection of this web process. Writers in any process send NOTIFY (the database's triggers do it on commit):
/// a card changed (naming its business, so only that business's streams wake), or a reader's access may have (membership,
/// session, security stamp). This turns each notice into a hub
/// publish. A lost connection is reopened by itself, and since notices sent meanwhile are gone for good, every open stream is
/// then told to re-read its state and re-check its reader's access.
/// </summary>
public sealed partial class ChangeListener(LiveHub hub, IConfiguration configuration, ILogger<ChangeListener> logger) : BackgroundService
{
    public const string Channel = "video_card_changed";

    /// <summary>Carries a user id: that reader's open streams ask again whether they may go on.</summary>
    public const string AccessChannel = "live_access_changed";

    /// <summary>How the connection shows in pg_stat_activity, so an operator (or a test) can find it.</summary>
    public const string ApplicationName = "videostudio-live-listener";

    /// <summary>The PostgreSQL backend of the current connection, or null while disconnected.</summary>
    public int? BackendProcessId { get; private set; }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        NotificationListener.RunAsync(configuration.StudioConnectionString(), ApplicationName, [Channel, AccessChannel], OnNotification,
            onListening: backend =>
            {
                BackendProcessId = backend;
                LogListening(backend);
                hub.PublishAll();
            },
            onLost: (ex, retryDelay) =>
            {
                BackendProcessId = null;
                LogLost(ex, retryDelay.TotalMilliseconds);
            },
            stoppingToken);

    private void OnNotification(string channel, string payload)
    {
        if (channel == AccessChannel)
        {
            hub.ReaderChanged(payload);
            return;
        }
        // "<topic>:<part>:<business>"; a notice without its business reaches every stream.
        var colon = payload.IndexOf(':');
        if (colon <= 0 || !Guid.TryParse(payload.AsSpan(0, colon), out var topic))
        {
            LogMalformed(payload);
            return;
        }
        var part = payload[(colon + 1)..];
        var last = part.LastIndexOf(':');
        if (last > 0 && Guid.TryParse(part.AsSpan(last + 1), out var business))
        {
            hub.Publish(topic, part[..last], business);
        }
        else
        {
            hub.Publish(topic, part);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for card and access changes on PostgreSQL backend {BackendProcessId}")]
    private partial void LogListening(int backendProcessId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The card change listener lost its connection; reconnecting in {DelayMs} ms")]
    private partial void LogLost(Exception exception, double delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a malformed card change notice {Payload}")]
    private partial void LogMalformed(string payload);
}
