namespace LvsHa.Netlink.Ipvs;

// Command and attribute numbers of the "IPVS" generic netlink family (include/uapi/linux/ip_vs.h).

internal static class IpvsGenl
{
    public const string FamilyName = "IPVS";
    public const byte Version = 1;
}

internal static class IpvsCmd
{
    public const byte NewService = 1;
    public const byte SetService = 2;
    public const byte DelService = 3;
    public const byte GetService = 4;
    public const byte NewDest = 5;
    public const byte SetDest = 6;
    public const byte DelDest = 7;
    public const byte GetDest = 8;
    public const byte NewDaemon = 9;
    public const byte DelDaemon = 10;
    public const byte GetDaemon = 11;
    public const byte SetConfig = 12;
    public const byte GetConfig = 13;
    public const byte SetInfo = 14;
    public const byte GetInfo = 15;
    public const byte Zero = 16;
    public const byte Flush = 17;
}

internal static class IpvsCmdAttr
{
    public const ushort Service = 1;
    public const ushort Dest = 2;
    public const ushort Daemon = 3;
    public const ushort TimeoutTcp = 4;
    public const ushort TimeoutTcpFin = 5;
    public const ushort TimeoutUdp = 6;
}

internal static class IpvsSvcAttr
{
    public const ushort AddressFamily = 1;
    public const ushort Protocol = 2;
    public const ushort Address = 3;
    public const ushort Port = 4;
    public const ushort Fwmark = 5;
    public const ushort SchedulerName = 6;
    public const ushort Flags = 7;
    public const ushort Timeout = 8;
    public const ushort Netmask = 9;
    public const ushort Stats = 10;
    public const ushort PersistenceEngineName = 11;
    public const ushort Stats64 = 12;
}

internal static class IpvsDestAttr
{
    public const ushort Address = 1;
    public const ushort Port = 2;
    public const ushort ForwardingMethod = 3;
    public const ushort Weight = 4;
    public const ushort UpperThreshold = 5;
    public const ushort LowerThreshold = 6;
    public const ushort ActiveConnections = 7;
    public const ushort InactiveConnections = 8;
    public const ushort PersistentConnections = 9;
    public const ushort Stats = 10;
    public const ushort AddressFamily = 11;
    public const ushort Stats64 = 12;
    public const ushort TunnelType = 13;
    public const ushort TunnelPort = 14;
    public const ushort TunnelFlags = 15;
}

internal static class IpvsDaemonAttr
{
    public const ushort State = 1;
    public const ushort MulticastInterface = 2;
    public const ushort SyncId = 3;
    public const ushort SyncMaxLength = 4;
    public const ushort MulticastGroup = 5;
    public const ushort MulticastGroup6 = 6;
    public const ushort MulticastPort = 7;
    public const ushort MulticastTtl = 8;
}

internal static class IpvsStatsAttr
{
    public const ushort Connections = 1;
    public const ushort InPackets = 2;
    public const ushort OutPackets = 3;
    public const ushort InBytes = 4;
    public const ushort OutBytes = 5;
    public const ushort ConnectionsPerSecond = 6;
    public const ushort InPacketsPerSecond = 7;
    public const ushort OutPacketsPerSecond = 8;
    public const ushort InBytesPerSecond = 9;
    public const ushort OutBytesPerSecond = 10;
}

internal static class IpvsInfoAttr
{
    public const ushort Version = 1;
    public const ushort ConnectionTableSize = 2;
}

internal static class IpvsConst
{
    /// <summary>IP_VS_CONN_F_FWD_MASK: the forwarding-method bits of a destination's connection flags.</summary>
    public const uint ForwardingMask = 0x7;
    /// <summary>sizeof(union nf_inet_addr): ipvsadm always sends 16 address bytes.</summary>
    public const int InetAddressLength = 16;
}
