using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Npgsql;
using static VideoStudio.Bench.BenchSupport;

// Click → job running: Generate posted to a web process that runs no jobs, and the moment the worker process starts the
// generation job, beside PostgreSQL's own NOTIFY→LISTEN round trip measured in the same rounds. With --scheduled N instead:
// N generations polled by scheduled continuations, each one's requested delay against when it actually started. Prints
// figures; asserts nothing. Started by bench/jobs/run.sh, which brings up the database, the web process and the worker.

var options = args.Chunk(2).ToDictionary(p => p[0].TrimStart('-'), p => p[1]);
var connectionString = options["db"];
var runs = int.Parse(options["runs"]);
var scheduled = options.TryGetValue("scheduled", out var generations) ? int.Parse(generations) : 0;
var workerPid = options["worker-pid"];

const string Email = "editor@northwind.demo";
const string Password = "Editor!2026";
const string CardChannel = "video_card_changed";
const string PingChannel = "jobs_bench_ping";
// Code run once per click reaches .NET's optimised tier only after about 30 calls, and the clicks right after 30 uncounted ones
// were still the slowest in a run (4 of the 5 slowest among the first 31): the first clicks are measured and printed, not
// counted, as a server that has run for a while has long since compiled it.
const int WarmUp = 60;
var pause = TimeSpan.FromMilliseconds(100);

using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
{
    BaseAddress = new Uri(options["url"]),
    Timeout = TimeSpan.FromSeconds(30),
};
var cookie = await SignInAsync(http, Email, Password);
// Kept open like the app's pools (Minimum Pool Size), so that Npgsql does not close and reopen the benchmark's own
// connections five minutes in, beside the clicks it measures.
await using var data = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MinPoolSize = 3, ApplicationName = "jobs-bench" }.ConnectionString);

// One fresh slot per run, so every click starts a generation; the scripts are those of a seeded Northwind item.
var slots = new List<Guid>();
await using (var insert = data.CreateCommand(
    "INSERT INTO content (id, business_id, title, video_script, created_at, updated_at) " +
    "SELECT gen_random_uuid(), c.business_id, 'Job pickup ' || n, c.video_script, now(), now() " +
    "FROM content c CROSS JOIN generate_series(1, $1) n WHERE c.title = 'Sourdough starter in five days' RETURNING id"))
{
    insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = scheduled > 0 ? scheduled : WarmUp + runs });
    await using var reader = await insert.ExecuteReaderAsync();
    while (await reader.ReadAsync())
    {
        slots.Add(reader.GetGuid(0));
    }
}
if (slots.Count != (scheduled > 0 ? scheduled : WarmUp + runs))
{
    throw new InvalidOperationException("The seeded Northwind item is missing; is the demo data seeded?");
}

// htmx sends the antiforgery token of the page with every post; the page also sets the matching cookie.
var page = new HttpRequestMessage(HttpMethod.Get, $"/content/{slots[0]}");
page.Headers.Add("Cookie", cookie);
using (var response = await http.SendAsync(page))
{
    response.EnsureSuccessStatusCode();
    var html = await response.Content.ReadAsStringAsync();
    var token = Regex.Match(html, "hx-headers=.\\{(?:&quot;|\")RequestVerificationToken(?:&quot;|\"):(?:&quot;|\")([^&\"]+)");
    if (!token.Success)
    {
        throw new InvalidOperationException("The content page carries no antiforgery token for htmx.");
    }
    http.DefaultRequestHeaders.Add("RequestVerificationToken", token.Groups[1].Value);
    if (response.Headers.TryGetValues("Set-Cookie", out var set))
    {
        cookie = string.Join("; ", set.Select(c => c.Split(';')[0]).Prepend(cookie));
    }
}
http.DefaultRequestHeaders.Add("Cookie", cookie);
http.DefaultRequestHeaders.Add("HX-Request", "true");

if (scheduled > 0)
{
    await MeasureScheduledStepsAsync();
    return;
}

await using var listen = await data.OpenConnectionAsync();
await using var writer = await data.OpenConnectionAsync();
var pingAt = 0L;
var pingSeen = new SemaphoreSlim(0);
var cardChanged = new SemaphoreSlim(0);
var watched = "";
listen.Notification += (_, e) =>
{
    if (e.Channel == PingChannel)
    {
        Volatile.Write(ref pingAt, Stopwatch.GetTimestamp());
        pingSeen.Release();
    }
    // A card notice is "<content>:<slot>:<business>".
    else if (e.Payload.StartsWith(Volatile.Read(ref watched), StringComparison.Ordinal))
    {
        cardChanged.Release();
    }
};
using var stopListening = new CancellationTokenSource();
var listenLoop = await ListenAsync(listen, stopListening.Token, PingChannel, CardChannel);

Console.WriteLine($"{runs} runs after {WarmUp} uncounted ones, one click at a time: each Generate is posted when the worker (pid {workerPid}) " +
    $"has no job enqueued or running and {pause.TotalMilliseconds:0} ms have passed, so every figure is an idle worker's pickup.");
Console.WriteLine($"{Environment.ProcessorCount} cores shared by PostgreSQL, both processes and this client; {LoadAverage()}");

var pickup = new List<double>();
var pickupRun = new List<int>();
var pickupAt = new List<DateTime>();
var warmUpPickup = new List<double>();
var enqueued = new List<double>();
var answered = new List<double>();
var notify = new List<double>();
var elsewhere = 0;
var flushes = options.TryGetValue("flush-probe", out var probePath) ? FlushProbe(probePath, stopListening.Token) : null;
for (var run = -WarmUp; run < runs; run++)
{
    var slot = slots[run + WarmUp];
    Volatile.Write(ref watched, $"{slot}:long:");

    while (pingSeen.CurrentCount > 0)
    {
        await pingSeen.WaitAsync();
    }
    var pingStart = Stopwatch.GetTimestamp();
    await using (var ping = new NpgsqlCommand($"SELECT pg_notify('{PingChannel}', '{run}')", writer))
    {
        await ping.ExecuteNonQueryAsync();
    }
    if (await pingSeen.WaitAsync(TimeSpan.FromSeconds(10)) && run >= 0)
    {
        notify.Add(Stopwatch.GetElapsedTime(pingStart, Volatile.Read(ref pingAt)).TotalMilliseconds);
    }

    var clickedAt = DateTime.UtcNow;
    var clickStart = Stopwatch.GetTimestamp();
    using (var response = await http.PostAsync($"/content/{slot}?handler=Generate&slot=long", null))
    {
        await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Generate answered {(int)response.StatusCode} in run {run + 1}.");
        }
    }
    var answeredMs = Stopwatch.GetElapsedTime(clickStart).TotalMilliseconds;
    await SettleAsync(slot);
    if (run >= 0)
    {
        answered.Add(answeredMs);
    }

    // The generation's first job: when the web process enqueued it and when the worker started running it.
    await using (var states = data.CreateCommand(
        "SELECT extract(epoch FROM e.createdat)::float8, extract(epoch FROM p.createdat)::float8, p.data->>'ServerId' " +
        "FROM video_generations g JOIN hangfire.job j ON j.arguments::text LIKE '%' || g.id || '%' " +
        "JOIN hangfire.state e ON e.jobid = j.id AND e.name = 'Enqueued' JOIN hangfire.state p ON p.jobid = j.id AND p.name = 'Processing' " +
        "WHERE g.content_id = $1 ORDER BY j.id, p.id LIMIT 1"))
    {
        states.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = slot });
        await using var reader = await states.ExecuteReaderAsync();
        if (await reader.ReadAsync())
        {
            var click = (clickedAt - DateTime.UnixEpoch).TotalSeconds;
            if (run < 0)
            {
                warmUpPickup.Add((reader.GetDouble(1) - click) * 1000);
            }
            else
            {
                pickupRun.Add(run);
                pickupAt.Add(clickedAt);
                enqueued.Add((reader.GetDouble(0) - click) * 1000);
                pickup.Add((reader.GetDouble(1) - click) * 1000);
                elsewhere += reader.GetString(2).Contains($":{workerPid}:", StringComparison.Ordinal) ? 0 : 1;
            }
        }
    }
    await Task.Delay(pause);
}
await stopListening.CancelAsync();
await listenLoop;
var flushed = flushes is null ? [] : await flushes;

Console.WriteLine($"at the end: {LoadAverage()}");
if (pickup.Count < runs || elsewhere > 0)
{
    Console.WriteLine($"warning: {runs - pickup.Count} runs without a Processing state, {elsewhere} jobs started by another process than the worker");
}
Console.WriteLine();
// Where the tail lies: in the first clicks (warm-up) or anywhere (the machine's other work). Every commit waits for its WAL
// to reach the disk, and a pickup is several commits (the fetch, the lock row, the state): beside each of the slowest
// clicks, the longest flush of the probe that overlapped it.
var slowest = pickup.Select((ms, i) => (Ms: ms, Run: pickupRun[i], At: pickupAt[i])).OrderByDescending(r => r.Ms).Take(5)
    .Select(r => $"#{r.Run + 1} {r.Ms:F1} ms at {r.At:HH:mm:ss}" + (flushed.Count == 0 ? "" :
        $" (flush {flushed.Where(f => f.At < r.At.AddMilliseconds(r.Ms) && f.At.AddMilliseconds(f.Ms) > r.At).Select(f => f.Ms).DefaultIfEmpty(0).Max():F1} ms)"));
Console.WriteLine($"slowest counted clicks (click → running; times UTC): {string.Join(", ", slowest)}");
Console.WriteLine($"the {WarmUp} warm-up clicks before them (not counted), click → running: p50 {Percentile(warmUpPickup, 50):F2} ms, max {warmUpPickup.DefaultIfEmpty(double.NaN).Max():F2} ms");
Console.WriteLine("                                         p50        p99        max");
Row("click → job running on the worker", pickup);
Row("  click → job enqueued (web)", enqueued);
Row("  enqueued → running (worker)", pickup.Zip(enqueued, (p, e) => p - e).ToList());
Row("click → web answered", answered);
Row("NOTIFY→LISTEN (raw, same rounds)", notify);
var flushMs = flushed.Select(f => f.Ms).ToList();
if (flushMs.Count > 0)
{
    Row("disk flush (8 KB, fsync; same rounds)", flushMs);
    Console.WriteLine($"  flushes over 20 ms: {flushMs.Count(ms => ms > 20)} of {flushMs.Count}; the longest at " +
        string.Join(", ", flushed.OrderByDescending(f => f.Ms).Take(5).Select(f => $"{f.At:HH:mm:ss} ({f.Ms:F0} ms)")));
}
Console.WriteLine();
Console.WriteLine($"jobs-bench runs={pickup.Count} pickup_p50_ms={Percentile(pickup, 50):F2} pickup_p99_ms={Percentile(pickup, 99):F2} " +
    $"pickup_max_ms={pickup.DefaultIfEmpty(double.NaN).Max():F2} notify_p50_ms={Percentile(notify, 50):F2} notify_p99_ms={Percentile(notify, 99):F2} " +
    $"flush_p99_ms={Percentile(flushMs, 99):F2} flush_max_ms={flushMs.DefaultIfEmpty(double.NaN).Max():F2}");
return;

// Every Scheduled state of this phase that was followed by Processing: what delay was asked for (EnqueueAt − the moment it
// was scheduled) and how late the job started (Processing − EnqueueAt), split into the schedule poller's part (Enqueued −
// EnqueueAt) and the wait for a free worker (Processing − Enqueued).
async Task MeasureScheduledStepsAsync()
{
    await using var clock = data.CreateCommand("SELECT (now() AT TIME ZONE 'UTC')::timestamp");
    var since = (DateTime)(await clock.ExecuteScalarAsync())!;
    Console.WriteLine($"{scheduled} generations clicked 250 ms apart, each polling HeyGen through scheduled continuations; {LoadAverage()}");
    foreach (var slot in slots)
    {
        using var response = await http.PostAsync($"/content/{slot}?handler=Generate&slot=long", null);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Generate answered {(int)response.StatusCode}.");
        }
        await Task.Delay(250);
    }
    var waited = Stopwatch.StartNew();
    while (true)
    {
        await using var busy = data.CreateCommand(
            "SELECT EXISTS (SELECT FROM video_generations WHERE content_id = ANY($1) AND status IN ('queued', 'submitted', 'processing')) " +
            "OR EXISTS (SELECT FROM hangfire.job WHERE statename IN ('Scheduled', 'Enqueued', 'Processing') AND createdat >= $2)");
        busy.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = slots.ToArray() });
        busy.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = since, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Timestamp });
        if (!(bool)(await busy.ExecuteScalarAsync())!)
        {
            break;
        }
        if (waited.Elapsed > TimeSpan.FromMinutes(3))
        {
            throw new TimeoutException("The generations did not settle within 3 minutes; see the app logs.");
        }
        await Task.Delay(500);
    }

    var requested = new List<double>();
    var late = new List<double>();
    var polled = new List<double>();
    await using (var states = data.CreateCommand(
        "SELECT s.data->>'EnqueueAt', extract(epoch FROM s.createdat)::float8, extract(epoch FROM p.createdat)::float8, " +
        "extract(epoch FROM e.createdat)::float8 FROM hangfire.state s " +
        "CROSS JOIN LATERAL (SELECT createdat FROM hangfire.state p WHERE p.jobid = s.jobid AND p.name = 'Processing' AND p.id > s.id ORDER BY p.id LIMIT 1) p " +
        "CROSS JOIN LATERAL (SELECT createdat FROM hangfire.state e WHERE e.jobid = s.jobid AND e.name = 'Enqueued' AND e.id > s.id ORDER BY e.id LIMIT 1) e " +
        "WHERE s.name = 'Scheduled' AND s.createdat >= $1"))
    {
        states.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = since, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Timestamp });
        await using var reader = await states.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var due = EpochSeconds(reader.GetString(0));
            requested.Add((due - reader.GetDouble(1)) * 1000);
            late.Add((reader.GetDouble(2) - due) * 1000);
            polled.Add((reader.GetDouble(3) - due) * 1000);
        }
    }
    Console.WriteLine($"at the end: {LoadAverage()}");
    Console.WriteLine();
    Console.WriteLine("                                         p50        p99        max");
    Row("requested delay", requested);
    Row("started after its due time", late);
    Row("  enqueued after its due time", polled);
    Row("  enqueued → running", late.Zip(polled, (l, e) => l - e).ToList());
    Console.WriteLine();
    Console.WriteLine($"jobs-scheduled steps={late.Count} requested_p50_ms={Percentile(requested, 50):F0} late_p50_ms={Percentile(late, 50):F0} " +
        $"late_p99_ms={Percentile(late, 99):F0} late_max_ms={late.DefaultIfEmpty(double.NaN).Max():F0} " +
        $"enqueue_late_p50_ms={Percentile(polled, 50):F0} enqueue_late_p99_ms={Percentile(polled, 99):F0}");
}

// Hangfire writes EnqueueAt as Unix milliseconds at the newer compatibility levels and as an ISO date before them.
static double EpochSeconds(string value) => long.TryParse(value, out var ms)
    ? ms / 1000.0
    : (DateTime.Parse(value, null, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal) - DateTime.UnixEpoch).TotalSeconds;

// The disk under PostgreSQL's WAL, timed beside the clicks: an 8 KB write and its fsync every 50 ms, as a commit waits for.
static Task<List<(DateTime At, double Ms)>> FlushProbe(string path, CancellationToken stop) => Task.Run(async () =>
{
    var flushes = new List<(DateTime At, double Ms)>();
    var block = new byte[8192];
    await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
    while (!stop.IsCancellationRequested)
    {
        var at = DateTime.UtcNow;
        var start = Stopwatch.GetTimestamp();
        file.Position = 0;
        file.Write(block);
        file.Flush(flushToDisk: true);
        flushes.Add((at, Stopwatch.GetElapsedTime(start).TotalMilliseconds));
        try
        {
            await Task.Delay(50, stop);
        }
        catch (OperationCanceledException)
        {
        }
    }
    File.Delete(path);
    return flushes;
});

static void Row(string label, List<double> values) =>
    Console.WriteLine($"{label,-36} {Percentile(values, 50),7:F2} ms {Percentile(values, 99),7:F2} ms {values.DefaultIfEmpty(double.NaN).Max(),7:F2} ms");

// Waits until the worker has no job enqueued or running and the generation is finished (by its poll, a second after it was
// sent). Every state of a generation notifies its card, so the waits are short.
async Task SettleAsync(Guid slot)
{
    var since = Stopwatch.StartNew();
    while (true)
    {
        await cardChanged.WaitAsync(TimeSpan.FromMilliseconds(250));
        await using var command = data.CreateCommand(
            "SELECT g.status, NOT EXISTS (SELECT FROM hangfire.job WHERE statename IN ('Enqueued', 'Processing')) " +
            "FROM video_generations g WHERE g.content_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = slot });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (status, idle) = (reader.GetString(0), reader.GetBoolean(1));
        if (idle && status is not ("queued" or "submitted" or "processing"))
        {
            return;
        }
        if (since.Elapsed > TimeSpan.FromSeconds(60))
        {
            throw new TimeoutException($"Generation of {slot} is still {status} after a minute; see the app logs.");
        }
    }
}
