using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Tests.Infrastructure;
using VideoStudio.Web.Live;
using VideoStudio.Web.Pages.Content;

namespace VideoStudio.Tests.Live;

/// <summary>
/// The database's triggers: every committed change of what a card shows sends NOTIFY '&lt;content id&gt;:&lt;slot&gt;:&lt;business id&gt;',
/// whoever writes it.
/// </summary>
public class CardChangeNotificationsTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task A_generation_row_notifies_its_own_slot_on_insert_and_on_every_state_change()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        await using var notices = await Notices.ListenAsync(_app.ConnectionString, id);
        var generation = Guid.NewGuid();

        await Sql($"INSERT INTO video_generations (id, content_id, slot, status, attempts, created_at, updated_at) VALUES ('{generation}', '{id}', 'short', 'queued', 0, now(), now())");
        Assert.Equal($"{id}:short:{tenant.BusinessId}", await notices.NextAsync());
        foreach (var status in new[] { "submitted", "processing", "failed" })
        {
            await Sql($"UPDATE video_generations SET status = '{status}' WHERE id = '{generation}'");
            Assert.Equal($"{id}:short:{tenant.BusinessId}", await notices.NextAsync());
        }
    }

    [Fact]
    public async Task Inserting_a_generation_or_an_asset_sends_its_own_notice_and_no_empty_one()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        await using var writer = new NpgsqlConnection(_app.ConnectionString);
        await writer.OpenAsync();
        // Everything this one connection sends: an empty notice names no content to filter on.
        await using var notices = await Notices.ListenAsync(_app.ConnectionString, e => e.PID == writer.ProcessID);

        await Execute(writer, $"INSERT INTO video_generations (id, content_id, slot, status, attempts, created_at, updated_at) VALUES ('{Guid.NewGuid()}', '{id}', 'short', 'queued', 0, now(), now())");
        await Execute(writer, $"INSERT INTO video_assets (id, content_id, slot, source, storage_key, original_file_name, content_type, size_bytes, sha256, created_at) " +
                              $"VALUES ('{Guid.NewGuid()}', '{id}', 'long', 'upload', 'k.mp4', 'k.mp4', 'video/mp4', 1, 'x', now())");
        // The last notice marks the end: an empty one sent by either insert would arrive before it.
        await Execute(writer, $"UPDATE content SET video_short_url = '/media/end.mp4' WHERE id = '{id}'");

        Assert.Equal([$"{id}:short:{tenant.BusinessId}", $"{id}:long:{tenant.BusinessId}", $"{id}:short:{tenant.BusinessId}"], [await notices.NextAsync(), await notices.NextAsync(), await notices.NextAsync()]);
    }

    [Fact]
    public async Task Content_notifies_the_slot_whose_video_or_script_changed_and_nothing_for_the_title()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        await using var notices = await Notices.ListenAsync(_app.ConnectionString, id);

        await Sql($"UPDATE content SET title = 'Renamed' WHERE id = '{id}'");
        await Sql($"UPDATE content SET video_short_url = '/media/a.mp4' WHERE id = '{id}'");
        Assert.Equal($"{id}:short:{tenant.BusinessId}", await notices.NextAsync());
        await Sql($"UPDATE content SET video_script = 'New words' WHERE id = '{id}'");
        Assert.Equal($"{id}:long:{tenant.BusinessId}", await notices.NextAsync());
    }

    [Fact]
    public async Task Upload_and_delete_through_the_media_code_notify_the_slot()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        await using var notices = await Notices.ListenAsync(_app.ConnectionString, id);

        await Sql($"INSERT INTO video_assets (id, content_id, slot, source, storage_key, original_file_name, content_type, size_bytes, sha256, created_at) " +
                  $"VALUES ('{Guid.NewGuid()}', '{id}', 'long', 'upload', 'k.mp4', 'k.mp4', 'video/mp4', 1, 'x', now())");
        Assert.Equal($"{id}:long:{tenant.BusinessId}", await notices.NextAsync());
        await _app.WithDbAsync(db => Core.Media.SlotVideos.DeleteAsync(db, id, VideoSlot.Long, CancellationToken.None));
        Assert.Equal($"{id}:long:{tenant.BusinessId}", await notices.NextAsync());
    }

    [Fact]
    public async Task A_change_of_the_heygen_integration_notifies_both_cards_of_every_content_of_that_business()
    {
        var tenant = await _app.CreateTenantAsync();
        var first = await tenant.CreateContentAsync();
        var second = await tenant.CreateContentAsync();
        await using var notices = await Notices.ListenAsync(_app.ConnectionString, first, second);

        await _app.Seed.HeyGenIntegrationAsync(tenant.BusinessId, apiKey: null, avatarId: null, voiceId: null);

        var received = new[] { await notices.NextAsync(), await notices.NextAsync(), await notices.NextAsync(), await notices.NextAsync() };
        Assert.Equal(new[] { $"{first}:long:{tenant.BusinessId}", $"{first}:short:{tenant.BusinessId}", $"{second}:long:{tenant.BusinessId}", $"{second}:short:{tenant.BusinessId}" }.Order(), received.Order());
    }

    [Fact]
    public async Task A_moved_item_names_the_business_it_moved_to_and_a_deleted_one_the_business_it_had()
    {
        var tenant = await _app.CreateTenantAsync();
        var other = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        await using var notices = await Notices.ListenAsync(_app.ConnectionString, id);

        await Sql($"UPDATE content SET business_id = '{other.BusinessId}' WHERE id = '{id}'");
        Assert.Equal([$"{id}:long:{other.BusinessId}", $"{id}:short:{other.BusinessId}"], [await notices.NextAsync(), await notices.NextAsync()]);
        await Sql($"DELETE FROM content WHERE id = '{id}'");
        Assert.Equal([$"{id}:long:{other.BusinessId}", $"{id}:short:{other.BusinessId}"], [await notices.NextAsync(), await notices.NextAsync()]);
    }

    [Fact]
    public async Task A_rolled_back_change_notifies_nobody()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        await using var notices = await Notices.ListenAsync(_app.ConnectionString, id);

        await _app.WithDbAsync(async db =>
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            await db.Content.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.VideoLongUrl, "/media/never.mp4"));
            await tx.RollbackAsync();
        });
        await Sql($"UPDATE content SET video_short_url = '/media/committed.mp4' WHERE id = '{id}'");

        Assert.Equal($"{id}:short:{tenant.BusinessId}", await notices.NextAsync());
    }

    private Task Sql(string sql) => _app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(sql));

    [Fact]
    public async Task Every_column_the_card_query_reads_is_covered_by_a_trigger_that_notifies_the_card()
    {
        await _app.WithDbAsync(_ => Task.CompletedTask);
        await using var connection = new NpgsqlConnection(_app.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        // PostgreSQL itself says which columns the card's statement reads: as a view, its column usage is in the catalog.
        var asView = VideoCard.Query
            .Replace("@slots", "ARRAY['long', 'short']")
            .Replace("@content_id", "'00000000-0000-0000-0000-000000000000'::uuid")
            .Replace("@user_id", "NULL::text");
        await Execute(connection, $"CREATE TEMP VIEW card_reads AS {asView}");
        var read = await Rows(connection, """
            SELECT table_name::text, column_name::text FROM information_schema.view_column_usage WHERE view_name = 'card_reads'
            """);
        Assert.Contains(("video_generations", "status"), read);
        Assert.Contains(("content", "video_short_url"), read);

        var uncovered = new List<string>();
        foreach (var (table, column) in read.Where(r => !NotShown.Contains(r.Table)))
        {
            var functions = await Rows(connection, $"""
                SELECT p.proname::text, p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
                WHERE t.tgrelid = '{table}'::regclass AND NOT t.tgisinternal AND t.tgtype & 1 = 1 AND t.tgtype & 16 = 16
                """);
            var keys = await Rows(connection, $"""
                SELECT a.attname::text, '' FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                WHERE i.indrelid = '{table}'::regclass AND i.indisprimary
                """);
            if (!keys.Any(k => k.Table == column) && !functions.Any(f => Covers(f.Column, column)))
            {
                uncovered.Add($"{table}.{column}");
            }
        }
        Assert.Empty(uncovered);
    }

    // Membership decides whether a handler may read the card, not what the card shows; card_versions is written only by
    // card_changed, the function that also sends the notice.
    private static readonly string[] NotShown = ["business_members", "card_versions"];

    /// <summary>
    /// A trigger function that compares old and new values of columns other than the ones naming the slot notifies only
    /// when those columns change; one that does not compare them notifies on every change of the row.
    /// </summary>
    private static bool Covers(string functionSource, string column)
    {
        var compared = Regex.Matches(functionSource, @"\bIF\s+(.*?)\s+THEN\b", RegexOptions.Singleline)
            .Where(condition => condition.Value.Contains("IS DISTINCT FROM", StringComparison.Ordinal))
            .SelectMany(condition => Regex.Matches(condition.Value, @"\bOLD\.(\w+)").Select(c => c.Groups[1].Value))
            .ToHashSet();
        compared.ExceptWith(["content_id", "slot"]);
        return compared.Count == 0 || compared.Contains(column);
    }

    private static async Task<List<(string Table, string Column)>> Rows(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1)));
        }
        return rows;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A plain LISTEN connection of the test's own, on the channel the app listens to.</summary>
    private sealed class Notices : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly Channel<string> _received = Channel.CreateUnbounded<string>();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _pump;

        private Notices(NpgsqlConnection connection, Func<NpgsqlNotificationEventArgs, bool> counts)
        {
            _connection = connection;
            _connection.Notification += (_, e) =>
            {
                if (counts(e))
                {
                    _received.Writer.TryWrite(e.Payload);
                }
            };
            _pump = Task.Run(async () =>
            {
                try
                {
                    while (true)
                    {
                        await _connection.WaitAsync(_stop.Token);
                    }
                }
                catch (OperationCanceledException)
                {
                }
            });
        }

        // Other tests share the database and the channel: only notices about this test's content count.
        public static Task<Notices> ListenAsync(string connectionString, params Guid[] about) =>
            ListenAsync(connectionString, e => about.Any(id => e.Payload.StartsWith($"{id}:", StringComparison.Ordinal)));

        public static async Task<Notices> ListenAsync(string connectionString, Func<NpgsqlNotificationEventArgs, bool> counts)
        {
            var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
            await connection.OpenAsync();
            await using (var listen = new NpgsqlCommand($"LISTEN {ChangeListener.Channel}", connection))
            {
                await listen.ExecuteNonQueryAsync();
            }
            return new Notices(connection, counts);
        }

        public async Task<string> NextAsync()
        {
            using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            return await _received.Reader.ReadAsync(giveUp.Token);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _pump;
            await _connection.DisposeAsync();
            _stop.Dispose();
        }
    }
}
