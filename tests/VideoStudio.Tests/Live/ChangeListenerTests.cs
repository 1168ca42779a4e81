using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using VideoStudio.Tests.Infrastructure;
using VideoStudio.Web.Live;
using static VideoStudio.Tests.Live.LiveTesting;

namespace VideoStudio.Tests.Live;

/// <summary>
/// The process's LISTEN connection, on the test database, feeding a hub of its own. Other tests change cards on the same
/// database meanwhile, so each assertion looks only at this test's own content id and reader.
/// </summary>
public sealed class ChangeListenerTests : IAsyncLifetime
{
    private readonly string _connectionString = StudioApp.Instance.ConnectionString;
    private readonly Guid _topic = Guid.NewGuid();
    private readonly string _reader = Guid.NewGuid().ToString();
    private readonly LiveHub _hub = NewHub();
    private readonly ChangeListener _listener;
    private readonly LiveSubscription _stream;

    public ChangeListenerTests()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Studio"] = _connectionString })
            .Build();
        _listener = new ChangeListener(_hub, configuration, NullLogger<ChangeListener>.Instance);
        _stream = _hub.Subscribe(_reader);
    }

    public async Task InitializeAsync()
    {
        await _listener.StartAsync(CancellationToken.None);
        // Once listening, every stream re-reads and re-checks its reader, since notices sent before could not be heard.
        var first = await _stream.NextWhenAsync(c => c.All);
        Assert.True(first.Access);
    }

    public async Task DisposeAsync()
    {
        await _listener.StopAsync(CancellationToken.None);
        _listener.Dispose();
        _stream.Dispose();
        _hub.Dispose();
    }

    [Fact]
    public async Task A_notice_reaches_the_streams_as_a_change_of_its_content_and_part()
    {
        await NotifyAsync(ChangeListener.Channel, $"{_topic}:short");

        var change = await _stream.NextWhenAsync(c => c.Parts.Any(p => p.StartsWith($"{_topic}:", StringComparison.Ordinal)));

        Assert.Equal([$"{_topic}:short"], change.Parts.Where(p => p.StartsWith($"{_topic}:", StringComparison.Ordinal)));
        Assert.False(change.All);
        Assert.False(change.Access);
    }

    [Fact]
    public async Task A_notice_naming_a_business_wakes_the_streams_of_that_business_and_not_those_of_another()
    {
        var business = Guid.NewGuid();
        using var follower = _hub.Subscribe(Guid.NewGuid().ToString());
        _hub.Follow(follower, [business]);
        using var stranger = _hub.Subscribe(Guid.NewGuid().ToString());
        _hub.Follow(stranger, [Guid.NewGuid()]);
        var strangers = stranger.NextAsync(CancellationToken.None).AsTask();

        await NotifyAsync(ChangeListener.Channel, $"{_topic}:long:{business}");

        Assert.Equal([$"{_topic}:long"], (await follower.NextAsync()).Parts);
        // Only a notice for everyone (or the heartbeat) wakes the other business's stream, and without this change.
        _hub.PublishAll();
        Assert.DoesNotContain($"{_topic}:long", (await strangers.WaitAsync(TimeSpan.FromSeconds(30))).Parts);
    }

    [Fact]
    public async Task A_malformed_notice_is_skipped_and_the_connection_keeps_listening()
    {
        await NotifyAsync(ChangeListener.Channel, "not-a-content-id:long");
        await NotifyAsync(ChangeListener.Channel, "no colon at all");
        await NotifyAsync(ChangeListener.Channel, $"{_topic}:long");

        var change = await _stream.NextWhenAsync(c => c.Parts.Contains($"{_topic}:long"));

        Assert.DoesNotContain(change.Parts, p => p.Contains("not-a-content-id", StringComparison.Ordinal) || p.Contains("no colon", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_access_notice_wakes_only_the_streams_of_its_reader()
    {
        using var otherReader = _hub.Subscribe(Guid.NewGuid().ToString());

        await NotifyAsync(ChangeListener.AccessChannel, _reader);

        Assert.True((await _stream.NextWhenAsync(c => c.Access)).Access);
        var others = otherReader.NextAsync(CancellationToken.None).AsTask();
        await NotifyAsync(ChangeListener.Channel, $"{_topic}:long");
        await _stream.NextWhenAsync(c => c.Parts.Contains($"{_topic}:long"));
        Assert.False((await others.WaitAsync(TimeSpan.FromSeconds(30))).Access);
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

        Assert.True((await _stream.NextWhenAsync(c => c.All)).Access);
        await NotifyAsync(ChangeListener.Channel, $"{_topic}:short");
        await _stream.NextWhenAsync(c => c.Parts.Contains($"{_topic}:short"));
    }

    private async Task NotifyAsync(string channel, string payload)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
        notify.Parameters.AddWithValue("channel", channel);
        notify.Parameters.AddWithValue("payload", payload);
        await notify.ExecuteNonQueryAsync();
    }
}
