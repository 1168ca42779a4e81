using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;

namespace VideoStudio.TestSupport;

/// <summary>
/// The Azurite that test.sh starts (VIDEOSTUDIO_AZURITE, a connection string), for the tests of the object-storage backend.
/// Each test takes a container of its own, so they never see each other's blobs.
/// </summary>
public static class Azurite
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("VIDEOSTUDIO_AZURITE") is { Length: > 0 } value ? value
        : throw new InvalidOperationException("VIDEOSTUDIO_AZURITE is not set: run the tests with ./test.sh, which installs and starts Azurite.");

    public static string NewContainer() => "t" + Guid.NewGuid().ToString("N");

    /// <summary>The same account, reached through <paramref name="relay"/> (which a test can cut, as if Azurite stopped).</summary>
    public static string Through(TcpRelay relay) => ConnectionString.Replace($"127.0.0.1:{Endpoint.Port}", $"127.0.0.1:{relay.Port}");

    public static IPEndPoint Endpoint
    {
        get
        {
            var blob = ConnectionString.Split(';').Single(p => p.StartsWith("BlobEndpoint=", StringComparison.Ordinal))["BlobEndpoint=".Length..];
            var uri = new Uri(blob);
            return new IPEndPoint(IPAddress.Parse(uri.Host), uri.Port);
        }
    }

    /// <summary>An app under test whose media live in a container of Azurite.</summary>
    public static IWebHostBuilder UseBlobMedia(this IWebHostBuilder builder, string connectionString, string container) =>
        builder
            .UseSetting("Studio:Media:Provider", "AzureBlob")
            .UseSetting("Studio:Media:AzureBlob:ConnectionString", connectionString)
            .UseSetting("Studio:Media:AzureBlob:Container", container);
}

/// <summary>
/// A loopback TCP relay to a target. <see cref="Cut"/> closes every connection and stops listening (connections are then
/// refused, as when the process behind it stopped); <see cref="Restore"/> listens again on the same port.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();

    public TcpRelay(IPEndPoint target)
    {
        _target = target;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Restore();
    }

    public int Port { get; }

    public void Restore()
    {
        _stop = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptAsync(_listener, _stop.Token);
    }

    public void Cut()
    {
        _stop.Cancel();
        _listener?.Stop();
        lock (_open)
        {
            foreach (var client in _open)
            {
                client.Close();
            }
            _open.Clear();
        }
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var outbound = new TcpClient();
            try
            {
                await outbound.ConnectAsync(_target, ct);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                inbound.Close();
                outbound.Close();
                continue;
            }
            lock (_open)
            {
                _open.Add(inbound);
                _open.Add(outbound);
            }
            _ = PumpAsync(inbound, outbound, ct);
            _ = PumpAsync(outbound, inbound, ct);
        }
    }

    private static async Task PumpAsync(TcpClient from, TcpClient to, CancellationToken ct)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), ct);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // Cut, or the other side closed.
        }
        finally
        {
            from.Close();
            to.Close();
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }
}
