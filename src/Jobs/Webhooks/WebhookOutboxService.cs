using System.Threading.Channels;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoStudio.Core.Data;

namespace VideoStudio.Jobs.Webhooks;

/// <summary>
/// Runs <see cref="WebhookFanOut"/> in each process that runs jobs: at start, whenever the outbox trigger's NOTIFY
/// webhook_outbox arrives (LISTEN on a connection of its own), and every <see cref="WebhookOptions.PollInterval"/> for
/// what no notice announces: notices sent while the connection was down, and deliveries whose job could not be enqueued.
/// An idle database is asked nothing in between.
/// </summary>
public sealed partial class WebhookOutboxService(
    IServiceScopeFactory scopes, IConfiguration configuration, IOptions<WebhookOptions> options, ILogger<WebhookOutboxService> log) : BackgroundService
{
    public const string Channel = "webhook_outbox";

    /// <summary>How the connection shows in pg_stat_activity, so an operator can find it.</summary>
    public const string ApplicationName = "videostudio-webhook-outbox";

    /// <summary>The longest wait after a failed pass: the database is likely back sooner than the next poll.</summary>
    private static readonly TimeSpan FailedPassRetry = TimeSpan.FromSeconds(5);

    // One pending wake-up is enough: a pass takes everything in the outbox, however many notices asked for it.
    private readonly Channel<bool> _wake = System.Threading.Channels.Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ListenAsync(stoppingToken), DispatchAsync(stoppingToken));

    private async Task DispatchAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = options.Value.PollInterval;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var fanOut = scope.ServiceProvider.GetRequiredService<WebhookFanOut>();
                while (await fanOut.RunOnceAsync(stoppingToken) > 0)
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database may be starting, migrating or gone for a moment; the ids wait in the outbox meanwhile.
                LogPassFailed(e);
                wait = wait < FailedPassRetry ? wait : FailedPassRetry;
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(wait);
            try
            {
                await _wake.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private Task ListenAsync(CancellationToken stoppingToken) =>
        NotificationListener.RunAsync(configuration.StudioConnectionString(), ApplicationName, [Channel],
            onNotification: (_, _) => _wake.Writer.TryWrite(true),
            onListening: backend =>
            {
                LogListening(backend);
                // Whatever was announced while nobody listened is in the outbox: one pass takes it.
                _wake.Writer.TryWrite(true);
            },
            onLost: (e, retryDelay) => LogLost(e, retryDelay.TotalMilliseconds),
            stoppingToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook outbox pass failed; trying again shortly")]
    private partial void LogPassFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for webhook outbox rows on PostgreSQL backend {BackendProcessId}")]
    private partial void LogListening(int backendProcessId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The webhook outbox listener lost its connection; reconnecting in {DelayMs} ms")]
    private partial void LogLost(Exception exception, double delayMs);
}
