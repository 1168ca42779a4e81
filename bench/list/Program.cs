using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using VideoStudio.Bench;
using VideoStudio.Core.Data;
using VideoStudio.Web.Pages.Content;

// The content list at scale: one business with N items in every video state, then the list page's own query timed for each
// filter and sort, on the first page and deep in the list (keyset), and for a title search. Prints figures; asserts nothing.
var connection = Arg("--db") ?? throw new ArgumentException("--db <connection string> is required");
var items = int.Parse(Arg("--items") ?? "100000");
var runs = int.Parse(Arg("--runs") ?? "40");

var options = new DbContextOptionsBuilder<StudioDb>();
options.UseStudioDatabase(connection);
await using (var db = new StudioDb(options.Options))
{
    await db.Database.MigrateAsync();
}
var sw = Stopwatch.StartNew();
var userId = await SeedAsync(connection, items);
Console.WriteLine($"seeded {items:N0} content items in {sw.Elapsed.TotalSeconds:0.0} s; {BenchSupport.LoadAverage()}");
Console.WriteLine();
Console.WriteLine($"{"filter",-14} {"sort",-8} {"page",-6} {"rows",5} {"p50 ms",8} {"p99 ms",8}");

var cases = new List<(string Name, ContentListQuery Query)>();
foreach (var filter in Enum.GetValues<ContentFilter>())
{
    foreach (var sort in filter == ContentFilter.Archived ? [ContentSort.Changed] : Enum.GetValues<ContentSort>())
    {
        cases.Add(($"{filter,-14} {sort,-8}", new ContentListQuery(null, filter, sort, null)));
    }
}
cases.Add(($"{"search \"sour\"",-14} {ContentSort.Changed,-8}", new ContentListQuery("sour", ContentFilter.All, ContentSort.Changed, null)));
cases.Add(($"{"search \"zzz\"",-14} {ContentSort.Changed,-8}", new ContentListQuery("zzz", ContentFilter.All, ContentSort.Changed, null)));

await using var bench = new StudioDb(options.Options);
foreach (var (name, query) in cases)
{
    var first = await TimeAsync(query);
    Console.WriteLine($"{name} {"1",-6} {first.Rows,5} {first.P50,8:0.00} {first.P99,8:0.00}");
    // Forty pages in: a cursor that OFFSET paging would pay 975 skipped rows for.
    string? cursor = null;
    for (var page = 1; page < 40; page++)
    {
        cursor = (await ContentList.ReadAsync(bench, userId, query with { After = cursor }, CancellationToken.None)).Next;
        if (cursor is null)
        {
            break;
        }
    }
    if (cursor is not null)
    {
        var later = await TimeAsync(query with { After = cursor });
        Console.WriteLine($"{name} {"40",-6} {later.Rows,5} {later.P50,8:0.00} {later.P99,8:0.00}");
    }
}
Console.WriteLine();
Console.WriteLine(BenchSupport.LoadAverage());

async Task<(int Rows, double P50, double P99)> TimeAsync(ContentListQuery query)
{
    var rows = 0;
    await ContentList.ReadAsync(bench, userId, query, CancellationToken.None);
    var times = new List<double>();
    for (var i = 0; i < runs; i++)
    {
        var start = Stopwatch.GetTimestamp();
        rows = (await ContentList.ReadAsync(bench, userId, query, CancellationToken.None)).Rows.Count;
        times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }
    return (rows, BenchSupport.Percentile(times, 50), BenchSupport.Percentile(times, 99));
}

static async Task<string> SeedAsync(string connectionString, int count)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    const string userId = "bench-user";
    var businessId = Guid.Parse("be000000-0000-4000-8000-0000000000be");
    // Shares of the states, roughly what a busy business has: most items complete, some missing a slot, a few failing or rendering.
    var sql = $"""
        TRUNCATE content, video_generations, video_assets, business_members, businesses, asp_net_users CASCADE;
        INSERT INTO asp_net_users (id, display_name, is_site_admin, email_confirmed, phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
        VALUES ('{userId}', 'Bench', false, true, false, false, false, 0);
        INSERT INTO businesses (id, name) VALUES ('{businessId}', 'Bench Bakery');
        INSERT INTO business_members (business_id, user_id, role) VALUES ('{businessId}', '{userId}', 'editor');
        INSERT INTO content (id, business_id, title, video_script, short_video_script, video_long_url, video_short_url, created_at, updated_at, archived_at)
        SELECT gen_random_uuid(), '{businessId}',
               (ARRAY['Sourdough','Rye','Croissant','Bagel','Focaccia','Brioche','Baguette','Pretzel'])[1 + i % 8] || ' lesson ' || i,
               'Main script ' || i, 'Short script ' || i,
               CASE WHEN i % 10 < 7 THEN '/media/long-' || i || '.mp4' END,
               CASE WHEN i % 10 < 5 THEN '/media/short-' || i || '.mp4' END,
               now() - make_interval(secs => i), now() - make_interval(secs => i),
               CASE WHEN i % 50 = 0 THEN now() - make_interval(secs => i) END
        FROM generate_series(1, {count}) AS i;
        INSERT INTO video_generations (id, content_id, slot, status, attempts, created_at, updated_at)
        SELECT gen_random_uuid(), c.id, 'short',
               CASE WHEN n % 100 < 2 THEN 'processing' WHEN n % 100 < 8 THEN 'failed' ELSE 'completed' END,
               1, c.updated_at, c.updated_at
        FROM (SELECT id, updated_at, row_number() OVER () AS n FROM content WHERE video_short_url IS NULL) c;
        ANALYZE;
        """;
    await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
    await command.ExecuteNonQueryAsync();
    return userId;
}

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
