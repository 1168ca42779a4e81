using Npgsql;

namespace VideoStudio.TestSupport;

/// <summary>
/// A database of its own on the test cluster (VIDEOSTUDIO_TEST_SERVER, set by ./test.sh), created empty and dropped at the end.
/// Names start with vs_test_ so that ./test.sh can drop what an interrupted run left behind.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string name)
    {
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(Server) { Database = name }.ConnectionString;
    }

    public static string Server => Environment.GetEnvironmentVariable("VIDEOSTUDIO_TEST_SERVER")
        ?? throw new InvalidOperationException("VIDEOSTUDIO_TEST_SERVER is not set: run the tests with ./test.sh, which starts PostgreSQL.");

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>Synchronous, so that a host constructed on first use can call it.</summary>
    public static TestDatabase Create()
    {
        var database = new TestDatabase(NewName());
        using var admin = new NpgsqlConnection(Server);
        admin.Open();
        using var create = new NpgsqlCommand($"CREATE DATABASE {database.Name}", admin);
        create.ExecuteNonQuery();
        return database;
    }

    /// <summary>For a database that lives as long as the test process: xUnit gives a static host no end of its own.</summary>
    public TestDatabase DropWhenProcessExits()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DropAsync().GetAwaiter().GetResult();
        return this;
    }

    public ValueTask DisposeAsync() => new(DropAsync());

    private async Task DropAsync()
    {
        try
        {
            // Pooled connections of the app under test would otherwise hold the database open.
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(Server);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // ./test.sh drops leftover test databases before the next run.
        }
    }

    private static string NewName() => $"vs_test_{Environment.ProcessId}_{Guid.NewGuid():N}"[..40];
}
