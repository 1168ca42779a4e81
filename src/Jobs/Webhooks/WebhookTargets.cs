using System.Net;
using System.Net.Sockets;

namespace VideoStudio.Jobs.Webhooks;

/// <summary>
/// Where a webhook may be sent: http or https to a public address. Checked when an endpoint is saved (for a clear message)
/// and again for the address each connection actually dials, so a name that later resolves to 127.0.0.1 or the cloud's
/// metadata service (DNS rebinding) is refused at send time too.
/// </summary>
public static class WebhookTargets
{
    public const int MaxUrlLength = 2000;

    /// <summary>Why a URL cannot be an endpoint, in words for the settings page; null when it may be.</summary>
    public static string? UrlProblem(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return "Enter the URL that should receive the webhooks.";
        }
        if (url.Length > MaxUrlLength)
        {
            return $"That URL is {url.Length:N0} characters long; the limit is {MaxUrlLength:N0}.";
        }
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || string.IsNullOrEmpty(uri.Host))
        {
            return "Enter a full http:// or https:// URL, such as https://example.com/hooks/videostudio.";
        }
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "Put no user name or password in the URL: each delivery is signed, so the receiver can check it came from here.";
        }
        return null;
    }

    /// <summary>Why these addresses may not be dialled without an admin's permission; null when every one is public.</summary>
    public static async Task<string?> PrivateNetworkProblemAsync(Uri uri, CancellationToken ct)
    {
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.Host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.Host, ct);
        }
        catch (SocketException)
        {
            return $"The name {uri.Host} could not be found. Check the URL.";
        }
        return addresses.FirstOrDefault(IsPrivate) is { } blocked
            ? $"{uri.Host} is on a private network ({blocked}). Webhooks go to public addresses only, unless a site administrator allows this endpoint."
            : null;
    }

    /// <summary>Loopback, private, link-local (cloud metadata), carrier-grade NAT, unique-local, multicast and unspecified addresses.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6None))
        {
            return true;
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 or 10 or 127 => true,
                100 => b[1] >= 64 && b[1] < 128,
                169 => b[1] == 254,
                172 => b[1] >= 16 && b[1] < 32,
                192 => (b[1] == 168) || (b[1] == 0 && b[2] is 0 or 2) || (b[1] == 88 && b[2] == 99),
                198 => b[1] is 18 or 19,
                >= 224 => true,
                _ => false,
            };
        }
        var bytes = address.GetAddressBytes();
        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal
            || (bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0d && bytes[3] == 0xb8)
            || (bytes[0] == 0 && bytes[1] == 0 && bytes.Take(12).All(x => x == 0));
    }

    /// <summary>
    /// The handler every delivery is sent through: it dials only the address it checked, refuses private ones unless this
    /// endpoint is allowed them, and never follows a redirect (a redirect could point anywhere).
    /// </summary>
    public static SocketsHttpHandler Handler(bool allowPrivate) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
            var target = addresses.FirstOrDefault(a => allowPrivate || !IsPrivate(a))
                ?? throw new PrivateNetworkRefusedException($"{host} resolves to a private address ({addresses.FirstOrDefault()}); refused.");
            var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(target, context.DnsEndPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}

public sealed class PrivateNetworkRefusedException(string message) : Exception(message);
