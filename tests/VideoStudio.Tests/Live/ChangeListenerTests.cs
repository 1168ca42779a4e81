using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using VideoStudio.Tests.Infrastructure;
using VideoStudio.Web.Live;
using static VideoStudio.Tests.Live.LiveTesting;

namespace VideoStudio.Tests.Live;

/// <summary>The process's LISTEN connection, on the test database, feeding a hub of its own.</summary>
public sealed class ChangeListenerTests : IAsyncLifetime
{
    private readonly string _connectionString = StudioApp.Instance.ConnectionString;
    private readonly Guid _topic = Guid.NewGuid();
    private readonly LiveHub _hub = NewHub();
    private readonly ChangeListener _listener;
    private readonly LiveSubscription _stream;

    public ChangeListenerTests()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Studio"] = _connectionString })
            .Build();
        _listener = new ChangeListener(_hub, configuration, NullLogger<ChangeListener>.Instance);
        _stream = _hub.Subscribe(_topic);
    }

    public async Task InitializeAsync()
    {
        await _listener.StartAsync(CancellationToken.None);
        // Once listening, every stream re-reads, since notices sent before could not be heard.
        Assert.True((await _stream.NextAsync()).All);
    }

    public async Task DisposeAsync()
    {
        await _listener.StopAsync(CancellationToken.None);
        _listener.Dispose();
        _stream.Dispose();
        _hub.Dispose();
    }

    [Fact]
    public async Task A_notice_reaches_the_streams_of_its_content_as_a_change_of_its_part()
    {
        await NotifyAsync($"{_topic}:short");

        var change = await _stream.NextAsync();

        Assert.Equal(["short"], change.Parts);
        Assert.False(change.All);
    }

    [Fact]
    public async Task A_malformed_notice_is_skipped_and_the_connection_keeps_listening()
    {
        await NotifyAsync("not-a-content-id:long");
        await NotifyAsync("no colon at all");
        await NotifyAsync($"{_topic}:long");

        var change = await _stream.NextAsync();

        Assert.Equal(["long"], change.Parts);
        Assert.False(change.All);
    }

    [Fact]
    public async Task After_its_connection_is_killed_the_listener_reconnects_and_every_stream_re_reads()
    {
        await using (var connection = new NpgsqlConnection(_connectionString))
        {
            await connection.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(@pid)", connection);
            kill.Parameters.AddWithValue("pid", _listener.BackendProcessId!.Value);
            Assert.True((bool)(await kill.ExecuteScalarAsync())!);
        }

        Assert.True((await _stream.NextAsync()).All);
        await NotifyAsync($"{_topic}:short");
        Assert.Equal(["short"], (await _stream.NextAsync()).Parts);
    }

    private async Task NotifyAsync(string payload)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
        notify.Parameters.AddWithValue("channel", ChangeListener.Channel);
        notify.Parameters.AddWithValue("payload", payload);
        await notify.ExecuteNonQueryAsync();
    }
}
