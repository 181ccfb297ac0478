using System.Net.Sockets;
using LvsHa.Health.Model;

namespace LvsHa.Health.Checkers;

/// <summary>DNS_CHECK: one UDP query; up when a response with the query's id and rcode NOERROR arrives.</summary>
public sealed class DnsCheck(DnsCheckSpec spec, CheckTarget target) : IHealthCheck
{
    /// <inheritdoc/>
    public string Kind => "DNS_CHECK";

    /// <inheritdoc/>
    public async Task<CheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        var id = (ushort)Random.Shared.Next(0, 65536);
        var query = DnsQuery.Build(id, spec.Name, spec.Type);
        using var socket = target.NewSocket(SocketType.Dgram, ProtocolType.Udp);
        var buffer = new byte[4096];
        try
        {
            await socket.ConnectAsync(target.Remote, cancellationToken).ConfigureAwait(false);
            await socket.SendAsync(query, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (!DnsQuery.TryReadReply(buffer.AsSpan(0, n), id, out var rcode)) continue; // stray datagram
                return rcode == 0
                    ? CheckResult.Pass($"{spec.Type} {spec.Name} answered NOERROR")
                    : CheckResult.Fail($"DNS_CHECK {spec.Type} {spec.Name} on {target}: rcode {rcode}");
            }
        }
        catch (SocketException e)
        {
            return CheckResult.Fail($"DNS_CHECK on {target}: {e.Message}");
        }
    }
}
