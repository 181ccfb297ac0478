using System.Net;
using System.Net.Sockets;
using LvsHa.Netlink.Core;

namespace LvsHa.Netlink.Ipvs;

/// <summary>
/// Builds the IPVS family's requests and decodes its replies: pure functions over <see cref="NetlinkWriter"/> and
/// spans, so every byte is tested without a kernel. Attribute choice follows ipvsadm's libipvs.
/// </summary>
internal static class IpvsMessages
{
    private const ushort RequestAck = NlMsgFlags.Request | NlMsgFlags.Ack;
    private const ushort RequestDump = NlMsgFlags.Request | NlMsgFlags.Dump;
    private const ushort LinuxInet = 2;
    private const ushort LinuxInet6 = 10;

    /// <summary>Why an operation cannot be sent at all (the kernel would refuse it with EINVAL), or null.</summary>
    public static string? Validate(IpvsOperation operation) => operation switch
    {
        IpvsOperation.AddService add => ValidateService(add.Service),
        IpvsOperation.UpdateService update => ValidateService(update.Service),
        IpvsOperation.DeleteService delete => ValidateKey(delete.Key),
        IpvsOperation.AddDestination add => ValidateDestination(add.Destination),
        IpvsOperation.UpdateDestination update => ValidateDestination(update.Destination),
        IpvsOperation.DeleteDestination delete => ValidateKey(delete.Service),
        _ => "unknown operation",
    };

    /// <summary>ipvsadm-style description of what the operation does, used as the subject of its error.</summary>
    public static string Describe(IpvsOperation operation) => operation switch
    {
        IpvsOperation.AddService add => $"adding service {add.Service.Key}",
        IpvsOperation.UpdateService update => $"updating service {update.Service.Key}",
        IpvsOperation.DeleteService delete => $"deleting service {delete.Key}",
        IpvsOperation.AddDestination add => $"adding destination {add.Destination}",
        IpvsOperation.UpdateDestination update => $"updating destination {update.Destination}",
        IpvsOperation.DeleteDestination delete => $"deleting destination {delete.Service} -r {IpvsFormat.Endpoint(delete.Address, delete.Port)}",
        _ => operation.ToString(),
    };

    /// <summary>What an errno means for this operation, beyond strerror (null when strerror says it all).</summary>
    public static string? Explain(IpvsOperation operation, int errno) => (operation, errno) switch
    {
        (IpvsOperation.AddService add, Errno.ENOENT) => MissingModule(add.Service),
        (IpvsOperation.UpdateService update, Errno.ENOENT) => MissingModule(update.Service),
        (IpvsOperation.AddService, Errno.EEXIST) => "the service already exists",
        (IpvsOperation.AddDestination, Errno.EEXIST) => "the destination already exists",
        (IpvsOperation.DeleteDestination or IpvsOperation.UpdateDestination, Errno.ENOENT) => "no such destination",
        (_, Errno.ESRCH) => "no such service",
        _ => null,
    };

    private static string MissingModule(IpvsService service) =>
        service.PersistenceEngine is null
            ? $"scheduler \"{service.Scheduler}\" not found: kernel module ip_vs_{service.Scheduler} missing?"
            : $"scheduler \"{service.Scheduler}\" or persistence engine \"{service.PersistenceEngine}\" not found: kernel module ip_vs_{service.Scheduler} or ip_vs_pe_{service.PersistenceEngine} missing?";

    public static void WriteOperation(NetlinkWriter writer, ushort family, uint sequence, IpvsOperation operation)
    {
        switch (operation)
        {
            case IpvsOperation.AddService add:
                WriteServiceCommand(writer, family, sequence, IpvsCmd.NewService, add.Service);
                break;
            case IpvsOperation.UpdateService update:
                WriteServiceCommand(writer, family, sequence, IpvsCmd.SetService, update.Service);
                break;
            case IpvsOperation.DeleteService delete:
                {
                    var start = Begin(writer, family, sequence, IpvsCmd.DelService, RequestAck);
                    WriteServiceKey(writer, delete.Key);
                    writer.EndMessage(start);
                    break;
                }
            case IpvsOperation.AddDestination add:
                WriteDestinationCommand(writer, family, sequence, IpvsCmd.NewDest, add.Destination);
                break;
            case IpvsOperation.UpdateDestination update:
                WriteDestinationCommand(writer, family, sequence, IpvsCmd.SetDest, update.Destination);
                break;
            case IpvsOperation.DeleteDestination delete:
                {
                    var start = Begin(writer, family, sequence, IpvsCmd.DelDest, RequestAck);
                    WriteServiceKey(writer, delete.Service);
                    var nested = writer.BeginNested(IpvsCmdAttr.Dest);
                    WriteDestinationAddress(writer, delete.Address, delete.Port);
                    writer.EndNested(nested);
                    writer.EndMessage(start);
                    break;
                }
            default:
                throw new ArgumentException($"unknown IPVS operation {operation.GetType().Name}", nameof(operation));
        }
    }

    public static void WriteServiceDump(NetlinkWriter writer, ushort family, uint sequence)
    {
        var start = Begin(writer, family, sequence, IpvsCmd.GetService, RequestDump);
        writer.EndMessage(start);
    }

    /// <summary>GET_SERVICE for one service (a doit request; the kernel answers ESRCH when it does not exist).</summary>
    public static void WriteGetService(NetlinkWriter writer, ushort family, uint sequence, IpvsServiceKey key)
    {
        var start = Begin(writer, family, sequence, IpvsCmd.GetService, RequestAck);
        WriteServiceKey(writer, key);
        writer.EndMessage(start);
    }

    public static void WriteDestinationDump(NetlinkWriter writer, ushort family, uint sequence, IpvsServiceKey key)
    {
        var start = Begin(writer, family, sequence, IpvsCmd.GetDest, RequestDump);
        WriteServiceKey(writer, key);
        writer.EndMessage(start);
    }

    /// <summary>A command without attributes: FLUSH, GET_INFO, GET_CONFIG, ZERO.</summary>
    public static void WriteSimple(NetlinkWriter writer, ushort family, uint sequence, byte command)
    {
        var start = Begin(writer, family, sequence, command, RequestAck);
        writer.EndMessage(start);
    }

    public static void WriteSetTimeouts(NetlinkWriter writer, ushort family, uint sequence, IpvsTimeouts timeouts)
    {
        var start = Begin(writer, family, sequence, IpvsCmd.SetConfig, RequestAck);
        writer.PutU32(IpvsCmdAttr.TimeoutTcp, timeouts.Tcp);
        writer.PutU32(IpvsCmdAttr.TimeoutTcpFin, timeouts.TcpFin);
        writer.PutU32(IpvsCmdAttr.TimeoutUdp, timeouts.Udp);
        writer.EndMessage(start);
    }

    public static void WriteDaemonDump(NetlinkWriter writer, ushort family, uint sequence)
    {
        var start = Begin(writer, family, sequence, IpvsCmd.GetDaemon, RequestDump);
        writer.EndMessage(start);
    }

    public static void WriteNewDaemon(NetlinkWriter writer, ushort family, uint sequence, IpvsSyncDaemon daemon)
    {
        var start = Begin(writer, family, sequence, IpvsCmd.NewDaemon, RequestAck);
        var nested = writer.BeginNested(IpvsCmdAttr.Daemon);
        writer.PutU32(IpvsDaemonAttr.State, (uint)daemon.Role);
        writer.PutString(IpvsDaemonAttr.MulticastInterface, daemon.Interface);
        writer.PutU32(IpvsDaemonAttr.SyncId, daemon.SyncId);
        if (daemon.MaxMessageLength != 0)
            writer.PutU16(IpvsDaemonAttr.SyncMaxLength, daemon.MaxMessageLength);
        if (daemon.MulticastGroup is { } group)
        {
            if (group.AddressFamily == AddressFamily.InterNetworkV6)
                writer.PutAddress(IpvsDaemonAttr.MulticastGroup6, group);
            else
                writer.PutAddress(IpvsDaemonAttr.MulticastGroup, group);
        }
        if (daemon.Port != 0)
            writer.PutU16(IpvsDaemonAttr.MulticastPort, daemon.Port);
        if (daemon.Ttl != 0)
            writer.PutU8(IpvsDaemonAttr.MulticastTtl, daemon.Ttl);
        writer.EndNested(nested);
        writer.EndMessage(start);
    }

    public static void WriteDelDaemon(NetlinkWriter writer, ushort family, uint sequence, IpvsSyncDaemonRole role)
    {
        var start = Begin(writer, family, sequence, IpvsCmd.DelDaemon, RequestAck);
        var nested = writer.BeginNested(IpvsCmdAttr.Daemon);
        writer.PutU32(IpvsDaemonAttr.State, (uint)role);
        writer.EndNested(nested);
        writer.EndMessage(start);
    }

    public static IpvsServiceEntry ParseService(in NetlinkMessage message)
    {
        var attributes = message.Attributes(NetlinkAlign.GenlHeaderLength);
        while (attributes.TryRead(out var attribute))
        {
            if (attribute.Type == IpvsCmdAttr.Service)
                return ParseServiceAttributes(attribute.Nested());
        }
        throw new NetlinkProtocolException("IPVS service message without a service attribute");
    }

    public static IpvsDestinationEntry ParseDestination(in NetlinkMessage message, IpvsServiceKey service)
    {
        var attributes = message.Attributes(NetlinkAlign.GenlHeaderLength);
        while (attributes.TryRead(out var attribute))
        {
            if (attribute.Type == IpvsCmdAttr.Dest)
                return ParseDestinationAttributes(attribute.Nested(), service);
        }
        throw new NetlinkProtocolException("IPVS destination message without a destination attribute");
    }

    public static IpvsInfo ParseInfo(in NetlinkMessage message)
    {
        uint? version = null, tableSize = null;
        var attributes = message.Attributes(NetlinkAlign.GenlHeaderLength);
        while (attributes.TryRead(out var attribute))
        {
            switch (attribute.Type)
            {
                case IpvsInfoAttr.Version: version = attribute.U32(); break;
                case IpvsInfoAttr.ConnectionTableSize: tableSize = attribute.U32(); break;
            }
        }
        if (version is not { } v || tableSize is not { } size)
            throw new NetlinkProtocolException("IPVS info reply without version or connection table size");
        return new IpvsInfo(new Version((int)((v >> 16) & 0xff), (int)((v >> 8) & 0xff), (int)(v & 0xff)), size);
    }

    public static IpvsTimeouts ParseTimeouts(in NetlinkMessage message)
    {
        uint tcp = 0, tcpFin = 0, udp = 0;
        var attributes = message.Attributes(NetlinkAlign.GenlHeaderLength);
        while (attributes.TryRead(out var attribute))
        {
            switch (attribute.Type)
            {
                case IpvsCmdAttr.TimeoutTcp: tcp = attribute.U32(); break;
                case IpvsCmdAttr.TimeoutTcpFin: tcpFin = attribute.U32(); break;
                case IpvsCmdAttr.TimeoutUdp: udp = attribute.U32(); break;
            }
        }
        return new IpvsTimeouts(tcp, tcpFin, udp);
    }

    public static IpvsSyncDaemon ParseDaemon(in NetlinkMessage message)
    {
        var attributes = message.Attributes(NetlinkAlign.GenlHeaderLength);
        while (attributes.TryRead(out var attribute))
        {
            if (attribute.Type == IpvsCmdAttr.Daemon)
                return ParseDaemonAttributes(attribute.Nested());
        }
        throw new NetlinkProtocolException("IPVS daemon message without a daemon attribute");
    }

    private static int Begin(NetlinkWriter writer, ushort family, uint sequence, byte command, ushort flags)
    {
        var start = writer.BeginMessage(family, flags, sequence);
        writer.WriteGenericHeader(command, IpvsGenl.Version);
        return start;
    }

    private static void WriteServiceCommand(NetlinkWriter writer, ushort family, uint sequence, byte command, IpvsService service)
    {
        var start = Begin(writer, family, sequence, command, RequestAck);
        var nested = writer.BeginNested(IpvsCmdAttr.Service);
        WriteServiceKeyAttributes(writer, service.Key);
        writer.PutString(IpvsSvcAttr.SchedulerName, service.Scheduler);
        if (!string.IsNullOrEmpty(service.PersistenceEngine))
            writer.PutString(IpvsSvcAttr.PersistenceEngineName, service.PersistenceEngine);
        // struct ip_vs_flags { flags, mask }: mask ~0 sets every flag to the given value, as ipvsadm does.
        Span<byte> flags = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(flags, (uint)(service.Flags & ~IpvsServiceFlags.Hashed));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(flags[4..], uint.MaxValue);
        writer.PutBytes(IpvsSvcAttr.Flags, flags);
        writer.PutU32(IpvsSvcAttr.Timeout, service.TimeoutSeconds);
        var prefix = service.EffectiveNetmaskPrefixLength;
        if (service.Key.Family == AddressFamily.InterNetworkV6)
            writer.PutU32(IpvsSvcAttr.Netmask, (uint)prefix);
        else
            writer.PutBe32(IpvsSvcAttr.Netmask, prefix == 0 ? 0u : uint.MaxValue << (32 - prefix));
        writer.EndNested(nested);
        writer.EndMessage(start);
    }

    private static void WriteServiceKey(NetlinkWriter writer, IpvsServiceKey key)
    {
        var nested = writer.BeginNested(IpvsCmdAttr.Service);
        WriteServiceKeyAttributes(writer, key);
        writer.EndNested(nested);
    }

    private static void WriteServiceKeyAttributes(NetlinkWriter writer, IpvsServiceKey key)
    {
        writer.PutU16(IpvsSvcAttr.AddressFamily, ToLinuxFamily(key.Family));
        if (key.IsFwmark)
        {
            writer.PutU32(IpvsSvcAttr.Fwmark, key.Fwmark);
            return;
        }
        writer.PutU16(IpvsSvcAttr.Protocol, (ushort)key.Protocol);
        writer.PutAddress(IpvsSvcAttr.Address, key.Address!, IpvsConst.InetAddressLength);
        writer.PutBe16(IpvsSvcAttr.Port, key.Port);
    }

    private static void WriteDestinationCommand(NetlinkWriter writer, ushort family, uint sequence, byte command, IpvsDestination destination)
    {
        var start = Begin(writer, family, sequence, command, RequestAck);
        WriteServiceKey(writer, destination.Service);
        var nested = writer.BeginNested(IpvsCmdAttr.Dest);
        WriteDestinationAddress(writer, destination.Address, destination.Port);
        writer.PutU32(IpvsDestAttr.ForwardingMethod, (uint)destination.Forwarding & IpvsConst.ForwardingMask);
        writer.PutU32(IpvsDestAttr.Weight, (uint)destination.Weight);
        if (destination.Tunnel is { } tunnel)
        {
            writer.PutU8(IpvsDestAttr.TunnelType, (byte)tunnel.Type);
            writer.PutBe16(IpvsDestAttr.TunnelPort, tunnel.Port);
            writer.PutU16(IpvsDestAttr.TunnelFlags, (ushort)tunnel.Flags);
        }
        writer.PutU32(IpvsDestAttr.UpperThreshold, destination.UpperThreshold);
        writer.PutU32(IpvsDestAttr.LowerThreshold, destination.LowerThreshold);
        writer.EndNested(nested);
        writer.EndMessage(start);
    }

    private static void WriteDestinationAddress(NetlinkWriter writer, IPAddress address, ushort port)
    {
        writer.PutU16(IpvsDestAttr.AddressFamily, ToLinuxFamily(address.AddressFamily));
        writer.PutAddress(IpvsDestAttr.Address, address, IpvsConst.InetAddressLength);
        writer.PutBe16(IpvsDestAttr.Port, port);
    }

    private static IpvsServiceEntry ParseServiceAttributes(NetlinkAttributeReader attributes)
    {
        AddressFamily? family = null;
        ushort protocol = 0, port = 0;
        uint fwmark = 0, timeout = 0;
        uint? netmask = null;
        var hasAddress = false;
        Span<byte> address = stackalloc byte[IpvsConst.InetAddressLength];
        string? scheduler = null, engine = null;
        var flags = IpvsServiceFlags.None;
        IpvsStats? stats = null, stats64 = null;
        while (attributes.TryRead(out var attribute))
        {
            switch (attribute.Type)
            {
                case IpvsSvcAttr.AddressFamily: family = FromLinuxFamily(attribute.U16()); break;
                case IpvsSvcAttr.Protocol: protocol = attribute.U16(); break;
                case IpvsSvcAttr.Address:
                    hasAddress = true;
                    address.Clear();
                    attribute.Value[..Math.Min(attribute.Value.Length, address.Length)].CopyTo(address);
                    break;
                case IpvsSvcAttr.Port: port = attribute.Be16(); break;
                case IpvsSvcAttr.Fwmark: fwmark = attribute.U32(); break;
                case IpvsSvcAttr.SchedulerName: scheduler = attribute.String(); break;
                case IpvsSvcAttr.PersistenceEngineName: engine = attribute.String(); break;
                case IpvsSvcAttr.Flags: flags = (IpvsServiceFlags)attribute.U32() & ~IpvsServiceFlags.Hashed; break;
                case IpvsSvcAttr.Timeout: timeout = attribute.U32(); break;
                case IpvsSvcAttr.Netmask: netmask = attribute.U32(); break;
                case IpvsSvcAttr.Stats: stats = ParseStats(attribute.Nested()); break;
                case IpvsSvcAttr.Stats64: stats64 = ParseStats(attribute.Nested()); break;
            }
        }
        if (family is not { } af)
            throw new NetlinkProtocolException("IPVS service without address family");
        IpvsServiceKey key;
        if (fwmark != 0)
            key = IpvsServiceKey.ForFwmark(af, fwmark);
        else if (hasAddress)
            key = new IpvsServiceKey(af, (IpvsProtocol)protocol, AddressOf(af, address), port, 0);
        else
            throw new NetlinkProtocolException("IPVS service with neither address nor firewall mark");
        var prefix = netmask is not { } mask ? -1
            : af == AddressFamily.InterNetworkV6 ? (int)Math.Min(mask, 128u)
            : PrefixOfBigEndianMask(mask);
        var service = new IpvsService(key, scheduler ?? "", flags, timeout, prefix, string.IsNullOrEmpty(engine) ? null : engine);
        return new IpvsServiceEntry(service, stats64 ?? stats ?? IpvsStats.Zero);
    }

    private static IpvsDestinationEntry ParseDestinationAttributes(NetlinkAttributeReader attributes, IpvsServiceKey service)
    {
        AddressFamily? family = null;
        var hasAddress = false;
        Span<byte> address = stackalloc byte[IpvsConst.InetAddressLength];
        ushort port = 0, tunnelPort = 0, tunnelFlags = 0;
        uint forwarding = 0, weight = 0, upper = 0, lower = 0, active = 0, inactive = 0, persistent = 0;
        byte tunnelType = 0;
        IpvsStats? stats = null, stats64 = null;
        while (attributes.TryRead(out var attribute))
        {
            switch (attribute.Type)
            {
                case IpvsDestAttr.AddressFamily: family = FromLinuxFamily(attribute.U16()); break;
                case IpvsDestAttr.Address:
                    hasAddress = true;
                    address.Clear();
                    attribute.Value[..Math.Min(attribute.Value.Length, address.Length)].CopyTo(address);
                    break;
                case IpvsDestAttr.Port: port = attribute.Be16(); break;
                case IpvsDestAttr.ForwardingMethod: forwarding = attribute.U32() & IpvsConst.ForwardingMask; break;
                case IpvsDestAttr.Weight: weight = attribute.U32(); break;
                case IpvsDestAttr.UpperThreshold: upper = attribute.U32(); break;
                case IpvsDestAttr.LowerThreshold: lower = attribute.U32(); break;
                case IpvsDestAttr.ActiveConnections: active = attribute.U32(); break;
                case IpvsDestAttr.InactiveConnections: inactive = attribute.U32(); break;
                case IpvsDestAttr.PersistentConnections: persistent = attribute.U32(); break;
                case IpvsDestAttr.Stats: stats = ParseStats(attribute.Nested()); break;
                case IpvsDestAttr.Stats64: stats64 = ParseStats(attribute.Nested()); break;
                case IpvsDestAttr.TunnelType: tunnelType = attribute.U8(); break;
                case IpvsDestAttr.TunnelPort: tunnelPort = attribute.Be16(); break;
                case IpvsDestAttr.TunnelFlags: tunnelFlags = attribute.U16(); break;
            }
        }
        if (!hasAddress)
            throw new NetlinkProtocolException("IPVS destination without address");
        var af = family ?? service.Family;
        var method = (IpvsForwarding)forwarding;
        // The kernel reports tunnel fields on every destination; they mean something only for TUN, and plain
        // IPIP with no port and no checksum option is what "-i" without tunnel options gives: report it as no options.
        IpvsTunnel? tunnel = method == IpvsForwarding.Tunnel && (tunnelType != 0 || tunnelPort != 0 || tunnelFlags != 0)
            ? new IpvsTunnel((IpvsTunnelType)tunnelType, tunnelPort, (IpvsTunnelFlags)tunnelFlags)
            : null;
        var destination = new IpvsDestination(service, AddressOf(af, address), port, method, (int)weight, upper, lower, tunnel);
        return new IpvsDestinationEntry(destination, active, inactive, persistent, stats64 ?? stats ?? IpvsStats.Zero);
    }

    private static IpvsSyncDaemon ParseDaemonAttributes(NetlinkAttributeReader attributes)
    {
        uint state = 0, syncId = 0;
        string? interfaceName = null;
        ushort maxLength = 0, port = 0;
        byte ttl = 0;
        IPAddress? group = null;
        while (attributes.TryRead(out var attribute))
        {
            switch (attribute.Type)
            {
                case IpvsDaemonAttr.State: state = attribute.U32(); break;
                case IpvsDaemonAttr.MulticastInterface: interfaceName = attribute.String(); break;
                case IpvsDaemonAttr.SyncId: syncId = attribute.U32(); break;
                case IpvsDaemonAttr.SyncMaxLength: maxLength = attribute.U16(); break;
                case IpvsDaemonAttr.MulticastGroup: group = attribute.Address(AddressFamily.InterNetwork); break;
                case IpvsDaemonAttr.MulticastGroup6: group = attribute.Address(AddressFamily.InterNetworkV6); break;
                case IpvsDaemonAttr.MulticastPort: port = attribute.U16(); break;
                case IpvsDaemonAttr.MulticastTtl: ttl = attribute.U8(); break;
            }
        }
        if (state == 0 || interfaceName is null)
            throw new NetlinkProtocolException("IPVS sync daemon without state or interface");
        return new IpvsSyncDaemon((IpvsSyncDaemonRole)state, interfaceName, syncId, maxLength, port, ttl, group);
    }

    /// <summary>The 32-bit set (counters u32, bytes u64) and the 64-bit set share numbers: read each by its size.</summary>
    private static IpvsStats ParseStats(NetlinkAttributeReader attributes)
    {
        Span<ulong> values = stackalloc ulong[11];
        while (attributes.TryRead(out var attribute))
        {
            if (attribute.Type is < IpvsStatsAttr.Connections or > IpvsStatsAttr.OutBytesPerSecond)
                continue;
            values[attribute.Type] = attribute.Value.Length switch
            {
                4 => attribute.U32(),
                8 => attribute.U64(),
                var n => throw new NetlinkProtocolException($"IPVS statistic {attribute.Type} of {n} bytes"),
            };
        }
        return new IpvsStats(values[1], values[2], values[3], values[4], values[5], values[6], values[7], values[8], values[9], values[10]);
    }

    private static IPAddress AddressOf(AddressFamily family, ReadOnlySpan<byte> union) =>
        new(family == AddressFamily.InterNetworkV6 ? union : union[..4]);

    private static int PrefixOfBigEndianMask(uint wireValue)
    {
        var mask = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(wireValue);
        return System.Numerics.BitOperations.PopCount(mask);
    }

    private static ushort ToLinuxFamily(AddressFamily family) =>
        family == AddressFamily.InterNetworkV6 ? LinuxInet6 : LinuxInet;

    private static AddressFamily FromLinuxFamily(ushort family) => family switch
    {
        LinuxInet => AddressFamily.InterNetwork,
        LinuxInet6 => AddressFamily.InterNetworkV6,
        _ => throw new NetlinkProtocolException($"unknown address family {family}"),
    };

    private static string? ValidateService(IpvsService service)
    {
        var keyError = ValidateKey(service.Key);
        if (keyError is not null)
            return keyError;
        var maxPrefix = service.Key.Family == AddressFamily.InterNetworkV6 ? 128 : 32;
        if (service.NetmaskPrefixLength > maxPrefix)
            return $"netmask prefix /{service.NetmaskPrefixLength} is longer than {maxPrefix}";
        if (string.IsNullOrEmpty(service.Scheduler))
            return "no scheduler given";
        return null;
    }

    private static string? ValidateKey(IpvsServiceKey key)
    {
        if (key.Family is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            return $"address family {key.Family} is neither IPv4 nor IPv6";
        if (key.IsFwmark)
            return null;
        if (key.Address is null)
            return "a service needs an address or a firewall mark";
        return key.Address.AddressFamily != key.Family ? $"address {key.Address} is not of family {key.Family}" : null;
    }

    private static string? ValidateDestination(IpvsDestination destination)
    {
        var keyError = ValidateKey(destination.Service);
        if (keyError is not null)
            return keyError;
        if (destination.Address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            return $"address {destination.Address} is neither IPv4 nor IPv6";
        return destination.Weight < 0 ? $"weight {destination.Weight} is negative" : null;
    }
}
