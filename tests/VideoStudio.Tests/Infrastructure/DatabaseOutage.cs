using System.Collections.Concurrent;
using System.Data.Common;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace VideoStudio.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL outage as the app sees it (Npgsql's "Failed to connect"), but only for the commands about one content item:
/// the tests running in parallel on the same database keep it.
/// </summary>
public sealed class DatabaseOutage : DbCommandInterceptor
{
    private readonly ConcurrentDictionary<Guid, bool> _down = new();

    public void Begin(Guid contentId) => _down[contentId] = true;

    public void End(Guid contentId) => _down.TryRemove(contentId, out _);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken ct = default)
    {
        ThrowIfDown(command);
        return base.ReaderExecutingAsync(command, eventData, result, ct);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
    {
        ThrowIfDown(command);
        return base.NonQueryExecutingAsync(command, eventData, result, ct);
    }

    private void ThrowIfDown(DbCommand command)
    {
        if (command.Parameters.Cast<DbParameter>().Any(p => p.Value is Guid id && _down.ContainsKey(id)))
        {
            throw new NpgsqlException("Failed to connect to 127.0.0.1 (simulated outage)", new SocketException((int)SocketError.ConnectionRefused));
        }
    }
}
