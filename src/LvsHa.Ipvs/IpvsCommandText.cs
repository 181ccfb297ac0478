using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LvsHa.Netlink.Ipvs;

namespace LvsHa.Ipvs;

/// <summary>
/// ipvsadm's spelling of operations and table entries ("-A -t 10.0.0.1:80 -s wlc", "-a -t ... -r ... -g -w 1"),
/// used by <c>lvsha plan</c> and in logs, so an operator reads what he would have typed.
/// </summary>
public static class IpvsCommandText
{
    public static string Format(IpvsOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return operation switch
        {
            IpvsOperation.AddService s => "-A " + Service(s.Service),
            IpvsOperation.UpdateService s => "-E " + Service(s.Service),
            IpvsOperation.DeleteService s => "-D " + s.Key,
            IpvsOperation.AddDestination d => "-a " + Destination(d.Destination),
            IpvsOperation.UpdateDestination d => "-e " + Destination(d.Destination),
            IpvsOperation.DeleteDestination d => $"-d {d.Service} -r {IpvsFormat.Endpoint(d.Address, d.Port)}",
            _ => throw new ArgumentOutOfRangeException(nameof(operation)),
        };
    }

    /// <summary>The service part of an ipvsadm -S line.</summary>
    public static string Service(IpvsService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var text = new StringBuilder(service.Key.ToString());
        text.Append(" -s ").Append(service.Scheduler);
        var schedulerFlags = SchedulerFlagNames(service);
        if (schedulerFlags.Length > 0)
            text.Append(" -b ").Append(schedulerFlags);
        if ((service.Flags & IpvsServiceFlags.Persistent) != 0)
        {
            text.Append(" -p ").Append(service.TimeoutSeconds.ToString(CultureInfo.InvariantCulture));
            var v6 = service.Key.Family == AddressFamily.InterNetworkV6;
            var prefix = service.EffectiveNetmaskPrefixLength;
            if (prefix != (v6 ? 128 : 32))
                text.Append(" -M ").Append(v6 ? prefix.ToString(CultureInfo.InvariantCulture) : PrefixToMask(prefix));
            if (!string.IsNullOrEmpty(service.PersistenceEngine))
                text.Append(" --pe ").Append(service.PersistenceEngine);
        }
        if ((service.Flags & IpvsServiceFlags.OnePacket) != 0)
            text.Append(" -o");
        return text.ToString();
    }

    public static string Destination(IpvsDestination destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var text = new StringBuilder($"{destination.Service} -r {IpvsFormat.Endpoint(destination.Address, destination.Port)}");
        text.Append(destination.Forwarding switch
        {
            IpvsForwarding.Masquerade => " -m",
            IpvsForwarding.Tunnel => " -i",
            IpvsForwarding.DirectRoute => " -g",
            _ => " -g",
        });
        text.Append(" -w ").Append(destination.Weight.ToString(CultureInfo.InvariantCulture));
        if (destination.UpperThreshold != 0)
            text.Append(" -x ").Append(destination.UpperThreshold.ToString(CultureInfo.InvariantCulture));
        if (destination.LowerThreshold != 0)
            text.Append(" -y ").Append(destination.LowerThreshold.ToString(CultureInfo.InvariantCulture));
        if (destination.Forwarding == IpvsForwarding.Tunnel && destination.Tunnel is { } tunnel && tunnel.Type != IpvsTunnelType.IpIp)
        {
            text.Append(" --tun-type ").Append(tunnel.Type == IpvsTunnelType.Gue ? "gue" : "gre");
            if (tunnel.Type == IpvsTunnelType.Gue)
                text.Append(" --tun-port ").Append(tunnel.Port.ToString(CultureInfo.InvariantCulture));
            text.Append(tunnel.Flags switch
            {
                IpvsTunnelFlags.Checksum => " --tun-csum",
                IpvsTunnelFlags.RemoteChecksum => " --tun-remcsum",
                _ => " --tun-nocsum",
            });
        }
        return text.ToString();
    }

    private static string SchedulerFlagNames(IpvsService service)
    {
        var names = new List<string>(3);
        // The three scheduler flags mean different things to sh and mh (ipvsadm names them per scheduler).
        var (f1, f2, f3) = service.Scheduler switch
        {
            "sh" => ("sh-fallback", "sh-port", "flag-3"),
            "mh" => ("mh-fallback", "mh-port", "flag-3"),
            _ => ("flag-1", "flag-2", "flag-3"),
        };
        if ((service.Flags & IpvsServiceFlags.SchedulerFlag1) != 0) names.Add(f1);
        if ((service.Flags & IpvsServiceFlags.SchedulerFlag2) != 0) names.Add(f2);
        if ((service.Flags & IpvsServiceFlags.SchedulerFlag3) != 0) names.Add(f3);
        return string.Join(',', names);
    }

    private static string PrefixToMask(int prefix)
    {
        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        return new IPAddress(new[] { (byte)(mask >> 24), (byte)(mask >> 16), (byte)(mask >> 8), (byte)mask }).ToString();
    }
}
