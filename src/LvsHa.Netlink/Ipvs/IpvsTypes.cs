using System.Net;
using System.Net.Sockets;

namespace LvsHa.Netlink.Ipvs;

// The kernel's IPVS objects as LvsHa sees them. Values mirror include/uapi/linux/ip_vs.h so they go on the wire
// unchanged; names are the operator's (what ipvsadm calls them).

/// <summary>Transport protocol of a virtual service (IPPROTO_* numbers).</summary>
public enum IpvsProtocol : ushort
{
    Tcp = 6,
    Udp = 17,
    Sctp = 132,
}

/// <summary>How a destination's packets are forwarded (IP_VS_CONN_F_FWD_MASK values).</summary>
public enum IpvsForwarding : uint
{
    /// <summary>NAT (ipvsadm -m).</summary>
    Masquerade = 0,
    Local = 1,
    /// <summary>IP-in-IP / GUE / GRE tunnelling (ipvsadm -i).</summary>
    Tunnel = 2,
    /// <summary>Direct routing (ipvsadm -g).</summary>
    DirectRoute = 3,
    Bypass = 4,
}

/// <summary>Tunnel encapsulation of a TUN destination (IP_VS_CONN_F_TUNNEL_TYPE_*).</summary>
public enum IpvsTunnelType : byte
{
    IpIp = 0,
    Gue = 1,
    Gre = 2,
}

/// <summary>
/// Checksum options of a GUE/GRE tunnel (IP_VS_TUNNEL_ENCAP_FLAG_*): NOCSUM is 0, CSUM bit 0, REMCSUM bit 1
/// (include/uapi/linux/ip_vs.h), so "no checksum" is the absence of the other two.
/// </summary>
[Flags]
public enum IpvsTunnelFlags : ushort
{
    NoChecksum = 0,
    None = NoChecksum,
    Checksum = 1,
    RemoteChecksum = 2,
}

/// <summary>Virtual service flags (IP_VS_SVC_F_*).</summary>
[Flags]
public enum IpvsServiceFlags : uint
{
    None = 0,
    Persistent = 0x0001,
    /// <summary>Set by the kernel on every hashed service; never sent, ignored when comparing.</summary>
    Hashed = 0x0002,
    OnePacket = 0x0004,
    SchedulerFlag1 = 0x0008,
    SchedulerFlag2 = 0x0010,
    SchedulerFlag3 = 0x0020,
}

/// <summary>
/// Identifies a virtual service the way the kernel does: address family plus either protocol/address/port or a
/// firewall mark (then Address is null and Port 0).
/// </summary>
public sealed record IpvsServiceKey(AddressFamily Family, IpvsProtocol Protocol, IPAddress? Address, ushort Port, uint Fwmark)
{
    public static IpvsServiceKey ForAddress(IpvsProtocol protocol, IPAddress address, ushort port) =>
        new(address.AddressFamily, protocol, address, port, 0);

    public static IpvsServiceKey ForFwmark(AddressFamily family, uint fwmark) =>
        new(family, IpvsProtocol.Tcp, null, 0, fwmark);

    public bool IsFwmark => Fwmark != 0;

    /// <summary>ipvsadm's spelling: "-t 10.0.0.1:80", "-u [fd00::1]:53", "-f 7".</summary>
    public override string ToString()
    {
        if (IsFwmark)
            return $"-f {Fwmark}" + (Family == AddressFamily.InterNetworkV6 ? " -6" : "");
        var flag = Protocol switch { IpvsProtocol.Tcp => "-t", IpvsProtocol.Udp => "-u", IpvsProtocol.Sctp => "--sctp-service", _ => "-?" };
        return $"{flag} {IpvsFormat.Endpoint(Address!, Port)}";
    }
}

/// <summary>A virtual service's settings (what ipvsadm -A / -E sets).</summary>
/// <param name="TimeoutSeconds">Persistence timeout; only meaningful with <see cref="IpvsServiceFlags.Persistent"/>.</param>
/// <param name="NetmaskPrefixLength">Persistence granularity as a prefix length (IPv4 0-32, IPv6 0-128).</param>
public sealed record IpvsService(
    IpvsServiceKey Key,
    string Scheduler,
    IpvsServiceFlags Flags = IpvsServiceFlags.None,
    uint TimeoutSeconds = 0,
    int NetmaskPrefixLength = -1,
    string? PersistenceEngine = null)
{
    /// <summary>Prefix length with the family default (/32, /128) applied.</summary>
    public int EffectiveNetmaskPrefixLength =>
        NetmaskPrefixLength >= 0 ? NetmaskPrefixLength : Key.Family == AddressFamily.InterNetworkV6 ? 128 : 32;
}

/// <summary>Tunnel settings of a TUN destination (kernel 5.3+).</summary>
public sealed record IpvsTunnel(IpvsTunnelType Type, ushort Port = 0, IpvsTunnelFlags Flags = IpvsTunnelFlags.None);

/// <summary>A real server behind a virtual service (what ipvsadm -a / -e sets).</summary>
public sealed record IpvsDestination(
    IpvsServiceKey Service,
    IPAddress Address,
    ushort Port,
    IpvsForwarding Forwarding,
    int Weight,
    uint UpperThreshold = 0,
    uint LowerThreshold = 0,
    IpvsTunnel? Tunnel = null)
{
    public override string ToString() => $"{Service} -r {IpvsFormat.Endpoint(Address, Port)}";
}

/// <summary>Traffic counters of a service or destination (the 64-bit set when the kernel has it).</summary>
public sealed record IpvsStats(
    ulong Connections,
    ulong InPackets,
    ulong OutPackets,
    ulong InBytes,
    ulong OutBytes,
    ulong ConnectionsPerSecond,
    ulong InPacketsPerSecond,
    ulong OutPacketsPerSecond,
    ulong InBytesPerSecond,
    ulong OutBytesPerSecond)
{
    public static readonly IpvsStats Zero = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}

/// <summary>A service as dumped from the kernel, with its counters.</summary>
public sealed record IpvsServiceEntry(IpvsService Service, IpvsStats Stats);

/// <summary>A destination as dumped from the kernel, with its connection counts and counters.</summary>
public sealed record IpvsDestinationEntry(
    IpvsDestination Destination,
    uint ActiveConnections,
    uint InactiveConnections,
    uint PersistentConnections,
    IpvsStats Stats);

/// <summary>IPVS version and connection table size (ipvsadm -Ln's first line).</summary>
public sealed record IpvsInfo(Version Version, uint ConnectionTableSize);

/// <summary>Connection timeouts in seconds (ipvsadm --set tcp tcpfin udp); 0 leaves a value unchanged when set.</summary>
public sealed record IpvsTimeouts(uint Tcp, uint TcpFin, uint Udp);

/// <summary>Connection-sync daemon state (ipvsadm --start-daemon).</summary>
public sealed record IpvsSyncDaemon(
    IpvsSyncDaemonRole Role,
    string Interface,
    uint SyncId,
    ushort MaxMessageLength = 0,
    ushort Port = 0,
    byte Ttl = 0,
    IPAddress? MulticastGroup = null);

/// <summary>Which side of connection synchronisation a daemon runs (IP_VS_STATE_*).</summary>
public enum IpvsSyncDaemonRole : uint
{
    Master = 1,
    Backup = 2,
}

/// <summary>ipvsadm-style formatting shared by the IPVS types.</summary>
public static class IpvsFormat
{
    public static string Endpoint(IPAddress address, ushort port) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
}
