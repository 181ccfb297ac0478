using System.Net;
using System.Net.Sockets;
using LvsHa.Netlink.Core;
using LvsHa.Netlink.Ipvs;

namespace LvsHa.Netlink.Tests.Ipvs;

// Requests carry the same nested service/destination attributes the kernel's replies do: what is written must read
// back as the same object, for many random objects (seeded, so a failure reproduces).
public class IpvsRoundTripTests
{
    private static IPAddress RandomAddress(Random random, AddressFamily family)
    {
        var bytes = new byte[family == AddressFamily.InterNetworkV6 ? 16 : 4];
        random.NextBytes(bytes);
        return new IPAddress(bytes);
    }

    private static IpvsServiceKey RandomKey(Random random)
    {
        var family = random.Next(2) == 0 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
        if (random.Next(4) == 0)
            return IpvsServiceKey.ForFwmark(family, (uint)random.Next(1, int.MaxValue));
        var protocol = new[] { IpvsProtocol.Tcp, IpvsProtocol.Udp, IpvsProtocol.Sctp }[random.Next(3)];
        return new IpvsServiceKey(family, protocol, RandomAddress(random, family), (ushort)random.Next(65536), 0);
    }

    private static IpvsService RandomService(Random random)
    {
        var key = RandomKey(random);
        var maxPrefix = key.Family == AddressFamily.InterNetworkV6 ? 128 : 32;
        var flags = (IpvsServiceFlags)(random.Next(64) & ~(int)IpvsServiceFlags.Hashed);
        var schedulers = new[] { "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh" };
        return new IpvsService(key, schedulers[random.Next(schedulers.Length)], flags, (uint)random.Next(),
            random.Next(-1, maxPrefix + 1), random.Next(3) == 0 ? "sip" : null);
    }

    private static IpvsDestination RandomDestination(Random random)
    {
        var key = RandomKey(random);
        var method = (IpvsForwarding)random.Next(5);
        var tunnel = random.Next(2) == 0 ? null
            : new IpvsTunnel((IpvsTunnelType)random.Next(3), (ushort)random.Next(65536), (IpvsTunnelFlags)random.Next(4));
        var family = random.Next(5) == 0 ? (key.Family == AddressFamily.InterNetwork ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork) : key.Family;
        return new IpvsDestination(key, RandomAddress(random, family), (ushort)random.Next(65536), method, random.Next(0, int.MaxValue),
            (uint)random.Next(), (uint)random.Next(), tunnel);
    }

    private static NetlinkMessage Single(byte[] datagram)
    {
        var reader = new NetlinkMessageReader(datagram);
        Assert.True(reader.TryRead(out var message));
        return message;
    }

    [Fact]
    public void Service_WrittenThenParsed_IsTheSameService()
    {
        var random = new Random(42);
        var writer = new NetlinkWriter();
        for (var i = 0; i < 5_000; i++)
        {
            var service = RandomService(random);
            writer.Clear();
            IpvsMessages.WriteOperation(writer, 0x23, (uint)i, new IpvsOperation.AddService(service));
            var parsed = IpvsMessages.ParseService(Single(writer.WrittenSpan.ToArray()));
            Assert.Equal(service with { NetmaskPrefixLength = service.EffectiveNetmaskPrefixLength }, parsed.Service);
        }
    }

    [Fact]
    public void Destination_WrittenThenParsed_IsTheSameDestination()
    {
        var random = new Random(43);
        var writer = new NetlinkWriter();
        for (var i = 0; i < 5_000; i++)
        {
            var destination = RandomDestination(random);
            writer.Clear();
            IpvsMessages.WriteOperation(writer, 0x23, (uint)i, new IpvsOperation.UpdateDestination(destination));
            var parsed = IpvsMessages.ParseDestination(Single(writer.WrittenSpan.ToArray()), destination.Service);
            // Tunnel options mean something only for TUN; plain IPIP without options reads back as no options.
            var expectedTunnel = destination.Forwarding == IpvsForwarding.Tunnel && destination.Tunnel is { } t && t != new IpvsTunnel(IpvsTunnelType.IpIp)
                ? t : null;
            Assert.Equal(destination with { Tunnel = expectedTunnel }, parsed.Destination);
        }
    }

    [Fact]
    public void Daemon_WrittenThenParsed_IsTheSameDaemon()
    {
        var random = new Random(44);
        var writer = new NetlinkWriter();
        for (var i = 0; i < 2_000; i++)
        {
            var group = random.Next(3) switch { 0 => null, 1 => RandomAddress(random, AddressFamily.InterNetwork), _ => RandomAddress(random, AddressFamily.InterNetworkV6) };
            var daemon = new IpvsSyncDaemon((IpvsSyncDaemonRole)random.Next(1, 3), "if" + random.Next(1000), (uint)random.Next(256),
                (ushort)random.Next(65536), (ushort)random.Next(65536), (byte)random.Next(256), group);
            writer.Clear();
            IpvsMessages.WriteNewDaemon(writer, 0x23, 1, daemon);
            Assert.Equal(daemon, IpvsMessages.ParseDaemon(Single(writer.WrittenSpan.ToArray())));
        }
    }
}
