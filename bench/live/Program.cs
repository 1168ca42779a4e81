using System.Diagnostics;
using System.Net;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using static VideoStudio.Bench.BenchSupport;

// Live cards under load: N signed-in SSE clients on one content item, a committed change, and the time from the commit to
// the last client holding the new card HTML, beside PostgreSQL's own NOTIFY→LISTEN round trip in the same run.
// Prints figures; asserts nothing. Started by bench/live/run.sh, which brings up the database and the app.

var options = args.Chunk(2).ToDictionary(p => p[0].TrimStart('-'), p => p[1]);
var baseUrl = new Uri(options["url"]);
var appPid = int.Parse(options["pid"]);
var connectionString = options["db"];
var levels = (options.GetValueOrDefault("clients") ?? "1,100,1000,10000").Split(',').Select(int.Parse).ToArray();
// With a folder, a heap snapshot of the server (dotnet-gcdump, a local tool) is taken while the most streams are open.
var gcdumpFolder = options.GetValueOrDefault("gcdump");

const string Email = "editor@northwind.demo";
const string Password = "Editor!2026";
const string Channel = "video_card_changed";

var handler = new SocketsHttpHandler
{
    MaxConnectionsPerServer = int.MaxValue,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    AllowAutoRedirect = false,
    UseCookies = false,
};
using var http = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = Timeout.InfiniteTimeSpan };

await WaitForAppAsync();
var cookie = await SignInAsync(http, Email, Password);
var contentId = await ScalarAsync<Guid>(
    "SELECT c.id FROM content c JOIN business_members m ON m.business_id = c.business_id JOIN asp_net_users u ON u.id = m.user_id " +
    "WHERE u.email = @email ORDER BY c.title LIMIT 1", ("email", Email));
Console.WriteLine($"content {contentId}; server pid {appPid}; {Environment.ProcessorCount} cores shared by PostgreSQL, the app and these clients; {LoadAverage()}");

await using var listen = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "live-bench-listen" }.ConnectionString);
await listen.OpenAsync();
var noticeAt = 0L;
var noticeSeen = new SemaphoreSlim(0);
listen.Notification += (_, e) =>
{
    // A card notice is "<content>:<slot>:<business>".
    if (e.Payload.StartsWith($"{contentId}:long:", StringComparison.Ordinal))
    {
        Volatile.Write(ref noticeAt, Stopwatch.GetTimestamp());
        noticeSeen.Release();
    }
};
using var stopListening = new CancellationTokenSource();
var listenLoop = await ListenAsync(listen, stopListening.Token, Channel);

await using var writer = new NpgsqlConnection(connectionString);
await writer.OpenAsync();

var rows = new List<string>();
foreach (var clients in levels)
{
    rows.Add(await MeasureAsync(clients));
}
await stopListening.CancelAsync();
await listenLoop;

Console.WriteLine();
Console.WriteLine($"at the end: {LoadAverage()}");
Console.WriteLine("clients | held   | rounds | commit→last client p50 / p99 | commit→each client p50 / p99 | NOTIFY→LISTEN p50 / p99 | server RSS per stream | CPU per change: clients / server");
foreach (var row in rows)
{
    Console.WriteLine(row);
}
return;

async Task<string> MeasureAsync(int count)
{
    var rounds = count switch { <= 100 => 50, <= 1000 => 10, _ => 5 };
    // Code run once per change (the read, the render) reaches .NET's optimised tier only after about 30 calls, and code run
    // once per stream sooner the more streams there are: the first changes at each count are measured and printed, not
    // counted, as a server that has run for a while has long since compiled both.
    var warmUp = count >= 1000 ? 3 : 30;
    var warmUpSlowest = 0.0;
    var rssBefore = await SettledRssAsync();
    var heapBefore = gcdumpFolder is not null && count == levels.Max() ? await HeapAsync($"before-{count}") : null;
    var streams = new Client[count];
    var opened = Stopwatch.StartNew();
    // Batches keep the connect burst within the listen backlog.
    using (var gate = new SemaphoreSlim(200))
    {
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                streams[i] = await Client.OpenAsync(http, contentId, cookie);
            }
            finally
            {
                gate.Release();
            }
        }));
    }
    var held = streams.Count(s => s.IsOpen);
    Console.WriteLine($"{count} clients: {held} streams holding both cards after {opened.Elapsed.TotalSeconds:F1} s");
    var rssHeld = await SettledRssAsync();
    if (heapBefore is not null && await HeapAsync($"held-{count}") is { } heapHeld)
    {
        PrintHeapGrowth(heapBefore, heapHeld, held);
    }

    var lastClient = new List<double>();
    var firstClient = new List<double>();
    var roundOf = new List<int>();
    var eachClient = new List<double>();
    var notify = new List<double>();
    var missed = 0;
    // CPU spent from each commit until the last client has the card, by these clients and by the server: both share the
    // machine's cores with PostgreSQL.
    var clientCpu = TimeSpan.Zero;
    var serverCpu = TimeSpan.Zero;
    for (var round = -warmUp; round < rounds; round++)
    {
        var marker = $"/media/bench-{count}-{round}-{Guid.NewGuid():N}.mp4";
        foreach (var stream in streams)
        {
            stream.Expect(marker);
        }
        while (noticeSeen.CurrentCount > 0)
        {
            await noticeSeen.WaitAsync();
        }

        var (clientCpuBefore, serverCpuBefore) = (Process.GetCurrentProcess().TotalProcessorTime, ServerCpu());
        var start = Stopwatch.GetTimestamp();
        await using (var change = new NpgsqlCommand("UPDATE content SET video_long_url = @url, updated_at = now() WHERE id = @id", writer))
        {
            change.Parameters.AddWithValue("url", marker);
            change.Parameters.AddWithValue("id", contentId);
            await change.ExecuteNonQueryAsync();
        }
        var noticed = await noticeSeen.WaitAsync(TimeSpan.FromSeconds(10));
        var arrived = await Task.WhenAll(streams.Where(s => s.IsOpen).Select(s => s.ArrivedAsync(TimeSpan.FromSeconds(60))));
        var (clientCpuAfter, serverCpuAfter) = (Process.GetCurrentProcess().TotalProcessorTime, ServerCpu());
        var times = arrived.Where(t => t is not null).Select(t => Stopwatch.GetElapsedTime(start, t!.Value).TotalMilliseconds).ToList();
        if (round < 0)
        {
            warmUpSlowest = Math.Max(warmUpSlowest, times.DefaultIfEmpty(0).Max());
            await Task.Delay(count >= 1000 ? 1000 : 100);
            continue;
        }
        if (noticed)
        {
            notify.Add(Stopwatch.GetElapsedTime(start, Volatile.Read(ref noticeAt)).TotalMilliseconds);
        }
        clientCpu += clientCpuAfter - clientCpuBefore;
        serverCpu += serverCpuAfter - serverCpuBefore;
        missed += arrived.Length - times.Count;
        if (times.Count > 0)
        {
            lastClient.Add(times.Max());
            firstClient.Add(times.Min());
            roundOf.Add(round);
            eachClient.AddRange(times);
        }
        await Task.Delay(count >= 1000 ? 1000 : 100);
    }

    var repeats = streams.Sum(s => s.Repeats);
    foreach (var stream in streams)
    {
        stream.Dispose();
    }
    var perStream = (rssHeld - rssBefore) / (double)Math.Max(held, 1);
    // Where the tail lies: in the first rounds (warm-up) or anywhere (the machine's other work).
    var slowest = lastClient.Select((ms, i) => (Ms: ms, Round: roundOf[i])).OrderByDescending(r => r.Ms).Take(5);
    Console.WriteLine($"{count} clients: slowest rounds {string.Join(", ", slowest.Select(r => $"#{r.Round + 1} {r.Ms:F1} ms"))}; " +
        $"slowest of the {warmUp} warm-up rounds before them (not counted) {warmUpSlowest:F1} ms; " +
        // Whether a change waits before its streams are written to or while they are.
        $"commit → first client p50 / p99 {Percentile(firstClient, 50):F2} / {Percentile(firstClient, 99):F2} ms");
    Console.WriteLine($"{count} clients: {rounds} rounds done; {LoadAverage()}{(missed > 0 ? $", {missed} client-rounds missed the change within 60 s" : "")}; " +
        $"the same card sent again in {repeats} of {held * (rounds + warmUp)} client-rounds");
    return $"{count,7} | {held,6} | {rounds,6} | {Percentile(lastClient, 50),10:F2} / {Percentile(lastClient, 99),8:F2} ms | {Percentile(eachClient, 50),10:F2} / {Percentile(eachClient, 99),8:F2} ms | {Percentile(notify, 50),7:F2} / {Percentile(notify, 99),6:F2} ms | {perStream / 1024,8:F1} KB ({(rssHeld - rssBefore) / 1048576.0:F1} MB / {held}) | {clientCpu.TotalMilliseconds / rounds,7:F1} / {serverCpu.TotalMilliseconds / rounds,7:F1} ms";
}

// The server's user and system CPU time so far (/proc/<pid>/stat, in clock ticks of 10 ms).
TimeSpan ServerCpu()
{
    var fields = File.ReadAllText($"/proc/{appPid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    return TimeSpan.FromMilliseconds((long.Parse(fields[11]) + long.Parse(fields[12])) * 10);
}

// The server's managed heap by type (bytes, objects), from a dotnet-gcdump snapshot; null if the tool failed.
async Task<Dictionary<string, (long Bytes, long Count)>?> HeapAsync(string name)
{
    var file = Path.Combine(gcdumpFolder!, name + ".gcdump");
    if (await ToolAsync("collect", "-p", appPid.ToString(), "-o", file) is null || await ToolAsync("report", file) is not { } report)
    {
        Console.WriteLine("heap snapshot: dotnet-gcdump failed");
        return null;
    }
    var types = new Dictionary<string, (long Bytes, long Count)>();
    // Rows: "  size  count  Type (Bytes > 1K)  [assembly]", where size is that of one object of the type (arrays: of one in
    // that size class, so their total is an estimate); one type may have a row per size class.
    foreach (Match row in Regex.Matches(report, @"^\s*([\d,]+)\s+([\d,]+)\s+(.+?)\s*(?:\(Bytes > [^)]*\))?\s*\[[^\]]*\]\s*$", RegexOptions.Multiline))
    {
        var type = row.Groups[3].Value;
        var count = long.Parse(row.Groups[2].Value.Replace(",", ""));
        var (bytes, objects) = types.GetValueOrDefault(type);
        types[type] = (bytes + long.Parse(row.Groups[1].Value.Replace(",", "")) * count, objects + count);
    }
    return types;
}

// What opening the streams added to the managed heap, by type, largest first: what each open stream holds.
void PrintHeapGrowth(Dictionary<string, (long Bytes, long Count)> before, Dictionary<string, (long Bytes, long Count)> held, int streams)
{
    var growth = held.Select(t => (Type: t.Key, Bytes: t.Value.Bytes - before.GetValueOrDefault(t.Key).Bytes, Count: t.Value.Count - before.GetValueOrDefault(t.Key).Count))
        .OrderByDescending(t => t.Bytes).ToList();
    var per = (double)Math.Max(streams, 1);
    Console.WriteLine($"managed heap growth with {streams} streams open (dotnet-gcdump): {growth.Sum(t => t.Bytes) / per:F0} B per stream in {growth.Sum(t => t.Count) / per:F1} objects; largest:");
    foreach (var (type, bytes, objects) in growth.Take(30))
    {
        Console.WriteLine($"  {bytes / per,8:F0} B {objects / per,6:F2} objects per stream  {type}");
    }
}

async Task<string?> ToolAsync(params string[] arguments)
{
    var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var argument in new[] { "tool", "run", "dotnet-gcdump" }.Concat(arguments))
    {
        start.ArgumentList.Add(argument);
    }
    using var tool = Process.Start(start)!;
    var output = tool.StandardOutput.ReadToEndAsync();
    var errors = tool.StandardError.ReadToEndAsync();
    await tool.WaitForExitAsync();
    if (tool.ExitCode != 0)
    {
        Console.WriteLine(await errors);
    }
    return tool.ExitCode == 0 ? await output : null;
}

// RSS after the server has been quiet for a moment, so connection bursts and renders in flight do not count.
async Task<long> SettledRssAsync()
{
    await Task.Delay(2000);
    var status = await File.ReadAllLinesAsync($"/proc/{appPid}/status");
    var line = status.Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
    return long.Parse(Regex.Match(line, @"\d+").Value) * 1024;
}

async Task WaitForAppAsync()
{
    var deadline = Stopwatch.StartNew();
    while (true)
    {
        if (!Directory.Exists($"/proc/{appPid}"))
        {
            throw new InvalidOperationException("The app exited before it answered; see its log.");
        }
        try
        {
            if ((await http.GetAsync("/account/login")).StatusCode == HttpStatusCode.OK)
            {
                return;
            }
        }
        catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(180))
        {
        }
        await Task.Delay(250);
    }
}

async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection);
    foreach (var (name, value) in parameters)
    {
        command.Parameters.AddWithValue(name, value);
    }
    return (T)(await command.ExecuteScalarAsync())!;
}

/// <summary>One browser's stream: notes when the long card first carries the expected video URL.</summary>
sealed class Client : IDisposable
{
    private const string CardEvent = "video-card-long";

    private readonly CancellationTokenSource _stop = new();
    private HttpResponseMessage? _response;
    private byte[]? _expected;
    private int _repeats;
    private TaskCompletionSource<long> _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsOpen { get; private set; }

    /// <summary>How often an expected card came again after it had arrived: the server sent the same change twice.</summary>
    public int Repeats => Volatile.Read(ref _repeats);

    public static async Task<Client> OpenAsync(HttpClient http, Guid contentId, string cookie)
    {
        var client = new Client();
        try
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"/content/{contentId}/events");
            request.Headers.Add("Cookie", cookie);
            client._response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, client._stop.Token);
            client._response.EnsureSuccessStatusCode();
            var body = await client._response.Content.ReadAsStreamAsync(client._stop.Token);
            // The parser looks for the marker in each event's bytes: no decoding of the card, as a lean client of the
            // stream, since these clients share the machine's cores with the server they measure.
            var events = SseParser.Create(body, (type, data) => type == CardEvent && Volatile.Read(ref client._expected) is { } expected && data.IndexOf(expected) >= 0)
                .EnumerateAsync(client._stop.Token).GetAsyncEnumerator(client._stop.Token);
            // Both current cards first, as every connect starts.
            for (var cards = 0; cards < 2;)
            {
                if (!await events.MoveNextAsync())
                {
                    return client;
                }
                if (events.Current.EventType.StartsWith("video-card-", StringComparison.Ordinal))
                {
                    cards++;
                }
            }
            client.IsOpen = true;
            _ = client.ReadAsync(events);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            Console.Error.WriteLine($"a client could not connect: {ex.Message}");
        }
        return client;
    }

    public void Expect(string marker)
    {
        _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _expected, Encoding.UTF8.GetBytes(marker));
    }

    public async Task<long?> ArrivedAsync(TimeSpan limit)
    {
        try
        {
            return await _arrived.Task.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    private async Task ReadAsync(IAsyncEnumerator<SseItem<bool>> events)
    {
        try
        {
            while (await events.MoveNextAsync())
            {
                if (events.Current.Data && !_arrived.TrySetResult(Stopwatch.GetTimestamp()))
                {
                    Interlocked.Increment(ref _repeats);
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
        }
        IsOpen = false;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _response?.Dispose();
        _stop.Dispose();
    }
}
