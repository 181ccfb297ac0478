using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LvsHa.Health.Checkers;

/// <summary>
/// PING_CHECK: up when the real server answers an ICMP echo request (ICMPv6 for IPv6) before the attempt's time
/// limit (connect_timeout, applied by the check runner). A raw socket (CAP_NET_RAW, which the daemon has) made by
/// <see cref="CheckTarget"/>, so bindto, bind_if and fwmark apply as to every checker; replies are matched by
/// source, identifier and sequence number, since a raw socket sees every echo reply the host receives.
/// </summary>
public sealed class PingCheck(CheckTarget target) : IHealthCheck
{
    private const int HeaderLength = 8;
    private const int PayloadLength = 56; // ping(8)'s default
    private static int _sequence = Random.Shared.Next(ushort.MaxValue);
    private readonly ushort _identifier = (ushort)Random.Shared.Next(1, ushort.MaxValue);

    /// <inheritdoc/>
    public string Kind => "PING_CHECK";

    private bool V6 => target.Remote.AddressFamily == AddressFamily.InterNetworkV6;

    /// <inheritdoc/>
    public async Task<CheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        var sequence = (ushort)Interlocked.Increment(ref _sequence);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var socket = target.NewSocket(SocketType.Raw, V6 ? ProtocolType.IcmpV6 : ProtocolType.Icmp);
            var remote = new IPEndPoint(target.Remote.Address, 0);
            await socket.SendToAsync(EchoRequest(sequence), SocketFlags.None, remote, cancellationToken).ConfigureAwait(false);
            var buffer = new byte[1500];
            while (true)
            {
                var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, remote, cancellationToken).ConfigureAwait(false);
                if (((IPEndPoint)received.RemoteEndPoint).Address.Equals(target.Remote.Address) && IsReply(buffer.AsSpan(0, received.ReceivedBytes), sequence))
                    return CheckResult.Pass($"echo reply from {target.Remote.Address} in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.#} ms");
            }
        }
        catch (SocketException e)
        {
            return CheckResult.Fail($"ICMP echo to {target.Remote.Address} failed: {e.Message}");
        }
    }

    /// <summary>Type 8 (ICMPv6: 128), code 0, our identifier and sequence, a payload; the checksum for ICMP (the kernel
    /// fills in ICMPv6's, which covers a pseudo-header).</summary>
    private byte[] EchoRequest(ushort sequence)
    {
        var packet = new byte[HeaderLength + PayloadLength];
        packet[0] = V6 ? (byte)128 : (byte)8;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), _identifier);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), sequence);
        for (var i = HeaderLength; i < packet.Length; i++)
            packet[i] = (byte)i;
        if (!V6)
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), Checksum(packet));
        return packet;
    }

    /// <summary>Whether <paramref name="packet"/> is the echo reply to our request: an IPv4 raw socket delivers the IP
    /// header first, an ICMPv6 one only the ICMPv6 message.</summary>
    private bool IsReply(ReadOnlySpan<byte> packet, ushort sequence)
    {
        if (!V6)
        {
            if (packet.Length < 20)
                return false;
            packet = packet[((packet[0] & 0x0f) * 4)..];
        }
        return packet.Length >= HeaderLength
            && packet[0] == (V6 ? 129 : 0)
            && BinaryPrimitives.ReadUInt16BigEndian(packet[4..]) == _identifier
            && BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) == sequence;
    }

    /// <summary>The Internet checksum (RFC 1071) of an ICMP message whose checksum field is zero.</summary>
    internal static ushort Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (var i = 0; i + 1 < data.Length; i += 2)
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if ((data.Length & 1) == 1)
            sum += (uint)data[^1] << 8;
        while (sum >> 16 != 0)
            sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)~sum;
    }
}
