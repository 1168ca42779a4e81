using System.Net;
using System.Net.Sockets;

// A plain TCP relay between the worker and the HeyGen simulator, so bench/chaos/run.sh can make HeyGen unreachable
// (killing the relay leaves a closed port: connection refused) while the simulator, and the renders it remembers, live on.
// Usage: Relay <listen port> <target port>, both on 127.0.0.1.

var listenPort = int.Parse(args[0]);
var targetPort = int.Parse(args[1]);
var listener = new TcpListener(IPAddress.Loopback, listenPort);
listener.Start();
Console.WriteLine($"relaying 127.0.0.1:{listenPort} -> 127.0.0.1:{targetPort}");

while (true)
{
    var client = await listener.AcceptTcpClientAsync();
    _ = RelayAsync(client);
}

async Task RelayAsync(TcpClient client)
{
    using (client)
    using (var target = new TcpClient())
    {
        try
        {
            await target.ConnectAsync(IPAddress.Loopback, targetPort);
            var inbound = client.GetStream();
            var outbound = target.GetStream();
            // Either side closing ends the pair, as it would on a direct connection.
            await Task.WhenAny(inbound.CopyToAsync(outbound), outbound.CopyToAsync(inbound));
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // A reset on either side just ends this connection.
        }
    }
}
