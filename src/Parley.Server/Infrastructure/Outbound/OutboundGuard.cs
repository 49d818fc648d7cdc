using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Parley.Server.Infrastructure.Outbound;

/// <summary>Raised when an outbound call would reach an address Parley may not call.</summary>
public sealed class OutboundBlockedException(string message) : Exception(message);

/// <summary>
/// Decides whether a URL may be called and connects only to addresses that pass. The check runs at
/// connect time on the resolved address (not on the URL text), so DNS rebinding and redirects to a
/// private address cannot slip past it.
/// </summary>
public sealed class OutboundGuard(IOptionsMonitor<OutboundOptions> options)
{
    /// <summary>A syntactic check for URLs users configure: null when acceptable, else the reason.</summary>
    public string? CheckUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "must be an absolute http or https URL";
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            return "must use http or https";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "must not contain credentials";
        }

        if (IPAddress.TryParse(uri.IdnHost, out var literal) && !IsAllowed(uri.IdnHost, literal))
        {
            return $"points at a non-public address ({literal}); add it to Parley:Outbound:Allow to permit it";
        }

        if (uri.IdnHost.Equals("localhost", StringComparison.OrdinalIgnoreCase) && !IsAllowedHost(uri.IdnHost))
        {
            return "points at localhost; add it to Parley:Outbound:Allow to permit it";
        }

        return null;
    }

    public bool IsAllowed(string host, IPAddress address)
        => AddressPolicy.IsPublic(address) || IsAllowedHost(host) || IsAllowedAddress(address);

    private bool IsAllowedHost(string host)
        => options.CurrentValue.Allow.Any(a => string.Equals(a, host, StringComparison.OrdinalIgnoreCase));

    private bool IsAllowedAddress(IPAddress address)
    {
        address = AddressPolicy.Normalize(address);
        foreach (var entry in options.CurrentValue.Allow)
        {
            if (IPNetwork.TryParse(entry, out var network) && network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address))
            {
                return true;
            }

            if (IPAddress.TryParse(entry, out var single) && AddressPolicy.Normalize(single).Equals(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The <see cref="SocketsHttpHandler.ConnectCallback"/> of every outbound client.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(a => IsAllowed(host, a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new OutboundBlockedException(addresses.Length == 0
                ? $"{host} does not resolve"
                : $"{host} resolves to a non-public address ({addresses[0]}); add it to Parley:Outbound:Allow to permit it");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
