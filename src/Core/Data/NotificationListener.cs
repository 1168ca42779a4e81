using Npgsql;

namespace VideoStudio.Core.Data;

/// <summary>
/// A LISTEN kept open for the life of a process: a connection of its own (a dead one must not go back to a pool, and a
/// silently dropped one must be noticed), reopened with a growing delay when lost. Each (re)open is reported, because
/// notices sent while nobody listened are gone for good and the caller must re-read whatever they would have announced.
/// </summary>
public static class NotificationListener
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>Runs until <paramref name="stoppingToken"/> is cancelled; never throws otherwise.</summary>
    public static async Task RunAsync(
        string connectionString, string applicationName, IReadOnlyList<string> channels,
        Action<string, string> onNotification, Action<int> onListening, Action<Exception, TimeSpan> onLost, CancellationToken stoppingToken)
    {
        var ownConnection = new NpgsqlConnectionStringBuilder(connectionString)
        {
            ApplicationName = applicationName,
            Pooling = false,
            KeepAlive = 10,
        }.ConnectionString;

        var retryDelay = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ownConnection);
                connection.Notification += (_, e) => onNotification(e.Channel, e.Payload);
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand(string.Join("; ", channels.Select(c => $"LISTEN {c}")), connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                retryDelay = TimeSpan.Zero;
                onListening(connection.ProcessID);
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                retryDelay = retryDelay == TimeSpan.Zero ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, MaxRetryDelay.Ticks));
                onLost(ex, retryDelay);
            }
            try
            {
                await Task.Delay(retryDelay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
