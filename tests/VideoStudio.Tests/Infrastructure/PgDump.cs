using System.Diagnostics;
using Npgsql;

namespace VideoStudio.Tests.Infrastructure;

/// <summary>A database as a backup holds it (pg_dump's plain SQL), and that backup restored into a database of its own.</summary>
public static class PgDump
{
    /// <summary>Schema and data of every schema, read with the same role the tests connect as.</summary>
    public static async Task<string> DumpAsync(string connectionString)
    {
        var (output, _) = await RunAsync("pg_dump", connectionString, []);
        return output;
    }

    /// <summary>Restores a dump into a new database on the same server, dropped when disposed.</summary>
    public static async Task<TestDatabase> RestoreAsync(string dump)
    {
        var database = TestDatabase.Create();
        await RunAsync("psql", database.ConnectionString, ["--quiet", "--set=ON_ERROR_STOP=1"], dump);
        return database;
    }

    private static async Task<(string Output, string Errors)> RunAsync(string tool, string connectionString, string[] arguments, string? input = null)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(Find(tool)) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null };
        start.ArgumentList.Add("--no-password");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["PGHOST"] = target.Host;
        start.Environment["PGPORT"] = target.Port.ToString();
        start.Environment["PGUSER"] = target.Username;
        start.Environment["PGDATABASE"] = target.Database;
        if (target.Password is { } password)
        {
            start.Environment["PGPASSWORD"] = password;
        }
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{tool} failed ({process.ExitCode}): {await errors}");
        return (await output, await errors);
    }

    // As scripts/postgres.sh finds the server: the newest installed major version first, so the client is never older than the server.
    private static string Find(string tool)
    {
        const string versions = "/usr/lib/postgresql";
        var installed = (Directory.Exists(versions) ? Directory.GetDirectories(versions) : [])
            .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var major) ? major : 0)
            .Select(d => Path.Combine(d, "bin", tool))
            .Where(File.Exists);
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, tool))
            .Where(File.Exists);
        return installed.Concat(onPath).FirstOrDefault()
            ?? throw new InvalidOperationException($"{tool} was not found in /usr/lib/postgresql/*/bin or on PATH; install PostgreSQL's client (./test.sh does).");
    }
}
