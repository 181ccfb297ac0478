using System.Net;

namespace LvsHa.Config.Building;

internal sealed partial class ModelBuilder
{
    /// <summary>Most endpoints one group entry may expand to; a bigger range is almost surely a typo (e.g. /8).</summary>
    public const int MaxGroupEntryAddresses = 65536;

    private static readonly TimeSpan DefaultDelayLoop = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Applies keepalived 2.2.7's defaults, inheritance and corrections to one virtual server.</summary>
    private VirtualServer? Resolve(VirtualServerDraft d, Dictionary<string, VirtualServerGroup> groups)
    {
        if (d.RealServers.Count == 0)
        {
            // A real server refused with an error already explains the empty pool.
            if (d.RealServerStatements > 0)
                return null;
            _diagnostics.Warning(d.Location, $"virtual server {d.Name} has no real servers: ignored (as keepalived does)");
            return null;
        }

        VirtualServerGroup? group = null;
        if (d.GroupName is not null && !groups.TryGetValue(d.GroupName, out group))
        {
            _diagnostics.Error(d.Location, $"virtual server refers to unknown virtual_server_group '{d.GroupName}'");
            return null;
        }

        bool hasAddresses = group is null ? d.Fwmark == 0 : group.Entries.Any(e => e.Fwmark == 0);
        var protocol = d.Protocol;
        if (protocol is null)
        {
            if (hasAddresses)
                _diagnostics.Warning(d.Location,
                    $"virtual server {d.Name} has no 'protocol': keepalived defaults to UDP; add 'protocol TCP' if that is meant");
            protocol = ServiceProtocol.Udp;
        }

        if (d.Ops && protocol != ServiceProtocol.Udp && hasAddresses)
        {
            _diagnostics.Warning(d.OpsLocation, $"virtual server {d.Name}: 'ops' (one-packet scheduling) needs protocol UDP; ignored");
            d.Ops = false;
        }

        int? persistence = d.PersistenceTimeout;
        if (persistence is null && ((group is null && d.Fwmark == 0 && d.Port == 0) || (group?.Entries.Any(e => e.Fwmark == 0 && e.Port == 0) ?? false)))
        {
            _diagnostics.Warning(d.Location, $"virtual server {d.Name}: port 0 is only valid for persistent services; persistence_timeout set to 360");
            persistence = 360;
        }

        var family = Family(d, group);
        var endpoints = family is null ? null : Endpoints(d, group, family.Value, protocol.Value);

        var method = d.Method ?? ForwardingMethod.Nat;
        bool fwmarkOnly = group is null ? d.Fwmark != 0 : !hasAddresses;
        var realServers = new List<RealServer>(d.RealServers.Count);
        var seen = new Dictionary<(IPAddress, int), RealServerDraft>();
        long weightSum = 0;
        foreach (var r in d.RealServers)
        {
            var rs = ResolveRealServer(d, r, method, group, fwmarkOnly, family);
            if (rs is null)
                continue;
            if (seen.TryGetValue((rs.Address, rs.Port), out var first))
            {
                _diagnostics.Error(r.Location, $"duplicate real server {rs.Name} in virtual server {d.Name} (first defined at {first.Location})");
                continue;
            }
            seen.Add((rs.Address, rs.Port), r);
            weightSum += rs.Weight;
            realServers.Add(rs);
        }

        int quorum = d.Quorum;
        if (quorum > weightSum && realServers.Count > 0)
        {
            _diagnostics.Warning(d.QuorumLocation == default ? d.Location : d.QuorumLocation,
                $"quorum {quorum} of virtual server {d.Name} exceeds the total weight {weightSum} of its real servers: lowered to {weightSum}");
            quorum = (int)weightSum;
        }
        int hysteresis = d.Hysteresis;
        if (hysteresis >= quorum && hysteresis > 0)
        {
            int lowered = Math.Max(quorum - 1, 0);
            _diagnostics.Warning(d.Location, $"virtual server {d.Name}: hysteresis {hysteresis} >= quorum {quorum}: lowered to {lowered}");
            hysteresis = lowered;
        }

        bool haSuspend = d.HaSuspend;
        if (haSuspend && (d.Fwmark != 0 || (group?.Entries.Any(e => e.Fwmark != 0) ?? false)))
        {
            _diagnostics.Warning(d.Location, $"virtual server {d.Name}: ha_suspend cannot be used with fwmarks; ignored");
            haSuspend = false;
        }

        // A route names one address: a fwmark has none, a group several (and ranges) that no one route announces.
        if (d.AnnounceBgp is { } announce && d.Address is null)
            _diagnostics.Error(announce, $"virtual server {d.Name}: 'announce bgp' needs a virtual server with an address (ADDRESS PORT), not a {(d.Fwmark != 0 ? "fwmark" : "group")}");

        SorryServer? sorry = null;
        if (d.Sorry is { } sd)
        {
            var sorryMethod = d.SorryMethod ?? method;
            int port = SorryPort(d, sd, sorryMethod, group, fwmarkOnly);
            if (family is { } f && ValueReader.FamilyOf(sd.Address) != f && sorryMethod.Method != LvsMethod.Tun)
                _diagnostics.Error(sd.Location, $"mixed address families: sorry server {sd.Address} is {ValueReader.FamilyOf(sd.Address)} but virtual server {d.Name} is {f}");
            sorry = new SorryServer(sd.Address, port, sorryMethod, d.SorryInhibit, sd.Location);
        }

        if (family is null || endpoints is null)
            return null;

        var prefix = d.GranularityPrefix ?? (family == IpFamily.IPv6 ? 128 : 32);
        if (d.GranularityPrefix is not null && (family == IpFamily.IPv4 ? prefix > 32 : d.Granularity is not null))
            _diagnostics.Error(d.GranularityLocation, family == IpFamily.IPv4
                ? $"persistence_granularity /{prefix} is too long for an IPv4 virtual server"
                : "persistence_granularity of an IPv6 virtual server is a prefix length (1..128), not a netmask");
        IPAddress? granularity = family == IpFamily.IPv4 && d.GranularityPrefix is { } p4 && p4 <= 32 ? MaskFromPrefix(p4) : null;

        return new VirtualServer
        {
            Name = d.Name,
            Address = d.Address,
            Port = d.Port,
            Fwmark = d.Fwmark,
            GroupName = d.GroupName,
            Family = family.Value,
            Protocol = protocol.Value,
            Endpoints = endpoints,
            Scheduler = d.Scheduler ?? Scheduler.Wlc,
            SchedulerFlags = d.Flags,
            OnePacketScheduling = d.Ops,
            Method = method,
            PersistenceTimeout = persistence,
            PersistenceGranularity = granularity,
            PersistencePrefixLength = prefix,
            PersistenceEngine = d.PersistenceEngine,
            Quorum = quorum,
            Hysteresis = hysteresis,
            QuorumUp = d.QuorumUp,
            QuorumDown = d.QuorumDown,
            SorryServer = sorry,
            Alpha = d.Timing.Alpha ?? false,
            Omega = d.Omega,
            InhibitOnFailure = d.Timing.InhibitOnFailure ?? false,
            HaSuspend = haSuspend,
            AnnounceBgp = d.AnnounceBgp is not null,
            // keepalived's check_data.c: its own, else smtp_alert_checker, else smtp_alert, else no.
            SmtpAlert = d.SmtpAlert ?? _global?.SmtpAlertChecker ?? _global?.SmtpAlert ?? false,
            DelayLoop = d.Timing.DelayLoop ?? DefaultDelayLoop,
            Virtualhost = d.Virtualhost,
            RealServers = realServers,
            Location = d.Location,
        };
    }

    private static IPAddress MaskFromPrefix(int prefix) =>
        AddressMath.FromInteger(prefix == 0 ? 0 : (UInt128)(uint.MaxValue << (32 - prefix)), IpFamily.IPv4);

    /// <summary>The family of the service: from its address or group, else ip_family, else its real servers, else IPv4.</summary>
    private IpFamily? Family(VirtualServerDraft d, VirtualServerGroup? group)
    {
        IpFamily? fromAddresses = null;
        if (d.Address is not null)
            fromAddresses = ValueReader.FamilyOf(d.Address);
        if (group is not null)
        {
            foreach (var e in group.Entries)
            {
                if (e.First is null)
                    continue;
                var f = ValueReader.FamilyOf(e.First);
                if (fromAddresses is null)
                {
                    fromAddresses = f;
                }
                else if (fromAddresses != f)
                {
                    _diagnostics.Error(e.Location, $"mixed address families in virtual_server_group '{group.Name}' used by virtual server {d.Name}: {e.First} is {f}, earlier entries are {fromAddresses}");
                    return null;
                }
            }
        }
        if (fromAddresses is not null)
        {
            if (d.IpFamily is { } declared && declared != fromAddresses)
                _diagnostics.Warning(d.Location, $"virtual server {d.Name}: ip_family {(declared == IpFamily.IPv6 ? "inet6" : "inet")} ignored, its addresses are {fromAddresses}");
            return fromAddresses;
        }
        if (d.IpFamily is { } ipFamily)
            return ipFamily;
        var families = d.RealServers.Select(r => ValueReader.FamilyOf(r.Address)).Distinct().ToList();
        return families.Count == 1 ? families[0] : IpFamily.IPv4;
    }

    private List<ServiceEndpoint>? Endpoints(VirtualServerDraft d, VirtualServerGroup? group, IpFamily family, ServiceProtocol protocol)
    {
        if (group is null)
        {
            return d.Fwmark != 0
                ? [new ServiceEndpoint(family, protocol, null, 0, d.Fwmark, d.Location)]
                : [new ServiceEndpoint(family, protocol, d.Address, d.Port, 0, d.Location)];
        }
        var list = new List<ServiceEndpoint>();
        foreach (var e in group.Entries)
        {
            if (e.Fwmark != 0)
            {
                list.Add(new ServiceEndpoint(family, protocol, null, 0, e.Fwmark, e.Location));
                continue;
            }
            if (AddressMath.Count(e.First!, e.Last!, MaxGroupEntryAddresses) > MaxGroupEntryAddresses)
            {
                _diagnostics.Error(e.Location, $"virtual_server_group '{group.Name}': range {e.First}-{e.Last} has more than {MaxGroupEntryAddresses} addresses");
                return null;
            }
            foreach (var a in AddressMath.Enumerate(e.First!, e.Last!))
                list.Add(new ServiceEndpoint(family, protocol, a, e.Port, 0, e.Location));
        }
        if (list.Count == 0)
        {
            _diagnostics.Error(d.Location, $"virtual_server_group '{group.Name}' used by virtual server {d.Name} has no entries");
            return null;
        }
        return list;
    }

    private RealServer? ResolveRealServer(VirtualServerDraft d, RealServerDraft r, ForwardingMethod vsMethod, VirtualServerGroup? group,
        bool fwmarkOnly, IpFamily? family)
    {
        var method = r.Method ?? vsMethod;
        var rsFamily = ValueReader.FamilyOf(r.Address);
        if (family is { } f && rsFamily != f && method.Method != LvsMethod.Tun)
        {
            _diagnostics.Error(r.Location,
                $"mixed address families: real server {r.Address} is {rsFamily} but virtual server {d.Name} is {f} (only TUN real servers may differ)");
            return null;
        }

        int port;
        if (method.Method == LvsMethod.Nat)
        {
            port = r.Port ?? (group is null && d.Fwmark == 0 ? d.Port : 0);
        }
        else if (fwmarkOnly)
        {
            if (r.Port is { } p && p != 0)
                _diagnostics.Warning(r.Location, $"fwmark virtual server {d.Name}: real server {r.Address} port {p} is ignored (port 0)");
            port = 0;
        }
        else if (group is not null)
        {
            // Several virtual ports: IPVS forwards DR/TUN to the packet's own port; keep the written one for checkers.
            port = r.Port ?? 0;
            foreach (var e in group.Entries)
            {
                if (e.Fwmark == 0 && r.Port is { } rp && rp != e.Port)
                {
                    _diagnostics.Warning(r.Location, $"virtual server {d.Name}: real server {r.Address} port {rp} differs from group port {e.Port} ({method.Method.ToString().ToUpperInvariant()} forwards to the virtual port)");
                    break;
                }
            }
        }
        else
        {
            if (r.Port is { } p && p != d.Port)
                _diagnostics.Warning(r.Location, $"virtual server {d.Name} and real server {r.Address} ports differ ({d.Port} vs {p}): {method.Method.ToString().ToUpperInvariant()} forwards to the virtual port, real server port set to {d.Port}");
            port = d.Port;
        }

        // Checker values inherit checker <- real server <- virtual server <- keepalived default.
        var delayLoop = r.Timing.DelayLoop ?? d.Timing.DelayLoop ?? DefaultDelayLoop;
        var checkers = new List<HealthChecker>(r.Checkers.Count);
        foreach (var c in r.Checkers)
        {
            if ((c.Keyword == "FILE_CHECK" ? ResolveFileChecker(c) : ResolveChecker(d, r, c, port, delayLoop)) is { } checker)
                checkers.Add(checker);
        }

        return new RealServer
        {
            Address = r.Address,
            Port = port,
            SshHost = r.SshHost ?? r.Address.ToString(),
            Weight = r.Weight ?? d.Weight,
            Method = method,
            Alpha = r.Timing.Alpha ?? d.Timing.Alpha ?? false,
            InhibitOnFailure = r.Timing.InhibitOnFailure ?? d.Timing.InhibitOnFailure ?? false,
            UpperThreshold = r.UpperThreshold,
            LowerThreshold = r.LowerThreshold,
            NotifyUp = r.NotifyUp,
            NotifyDown = r.NotifyDown,
            // keepalived's check_data.c: as a virtual server's, but yes by default (its backwards compatibility).
            SmtpAlert = r.SmtpAlert ?? _global?.SmtpAlertChecker ?? _global?.SmtpAlert ?? true,
            DelayLoop = delayLoop,
            Virtualhost = r.Virtualhost,
            Checkers = checkers,
            Location = r.Location,
        };
    }

    private int SorryPort(VirtualServerDraft d, SorryServerDraft s, ForwardingMethod method, VirtualServerGroup? group, bool fwmarkOnly)
    {
        if (method.Method == LvsMethod.Nat)
            return s.Port != 0 ? s.Port : group is null && d.Fwmark == 0 ? d.Port : 0;
        if (fwmarkOnly)
        {
            if (s.Port != 0)
                _diagnostics.Warning(s.Location, $"fwmark virtual server {d.Name}: sorry server port {s.Port} is ignored (port 0)");
            return 0;
        }
        if (group is not null)
            return s.Port;
        if (s.Port != 0 && s.Port != d.Port)
            _diagnostics.Warning(s.Location, $"virtual server {d.Name} and sorry server ports differ ({d.Port} vs {s.Port}): sorry server port set to {d.Port}");
        return d.Port;
    }

    private HealthChecker? ResolveChecker(VirtualServerDraft d, RealServerDraft r, CheckerDraft c, int rsPort, TimeSpan rsDelayLoop)
    {
        var delayLoop = c.Timing.DelayLoop ?? rsDelayLoop;
        int defaultRetry = c.Keyword switch { "DNS_CHECK" => 3, "MISC_CHECK" => 0, _ => 1 };
        TimeSpan? defaultDelayBeforeRetry = c.Keyword switch
        {
            "DNS_CHECK" => null,
            "HTTP_GET" or "SSL_GET" => TimeSpan.FromSeconds(3),
            _ => TimeSpan.FromSeconds(1),
        };
        var connectIp = c.ConnectIp ?? r.Address;
        int connectPort = c.ConnectPort ?? rsPort;
        // MISC_CHECK runs a script and PING_CHECK sends ICMP: neither connects to a port.
        if (c.Keyword is not ("MISC_CHECK" or "PING_CHECK") && connectPort == 0)
        {
            _diagnostics.Error(c.Location, $"{c.Keyword} of real server {r.Address} in virtual server {d.Name} has no port to connect to: set connect_port");
            return null;
        }
        if (c.Keyword == "MISC_CHECK")
            connectPort = 0;

        var retry = c.Timing.Retry ?? r.Timing.Retry ?? d.Timing.Retry ?? defaultRetry;
        var delayBeforeRetry = c.Timing.DelayBeforeRetry ?? r.Timing.DelayBeforeRetry ?? d.Timing.DelayBeforeRetry ?? defaultDelayBeforeRetry ?? delayLoop;
        var warmup = c.Timing.Warmup ?? r.Timing.Warmup ?? d.Timing.Warmup ?? delayLoop;
        var connectTimeout = c.Timing.ConnectTimeout ?? r.Timing.ConnectTimeout ?? d.Timing.ConnectTimeout ?? DefaultConnectTimeout;
        bool alpha = c.Timing.Alpha ?? r.Timing.Alpha ?? d.Timing.Alpha ?? false;

        HealthChecker checker = c.Keyword switch
        {
            "TCP_CHECK" => new TcpChecker(),
            "PING_CHECK" => new PingChecker(),
            "HTTP_GET" or "SSL_GET" => new HttpChecker
            {
                UseTls = c.Keyword == "SSL_GET",
                Urls = c.Urls,
                Virtualhost = c.Virtualhost ?? r.Virtualhost ?? d.Virtualhost,
                HttpProtocol = c.HttpProtocol,
                EnableSni = c.EnableSni,
            },
            "MISC_CHECK" => new MiscChecker
            {
                Path = c.MiscPath ?? "",
                Timeout = c.MiscTimeout ?? delayLoop,
                Dynamic = c.MiscDynamic,
                User = c.User,
            },
            "DNS_CHECK" => new DnsChecker { QueryType = c.DnsType, QueryName = c.DnsName },
            "UDP_CHECK" => new UdpChecker { Payload = c.Payload, RequireReply = c.RequireReply, ReplyPattern = c.ReplyPattern },
            _ => new SmtpChecker { HeloName = c.HeloName },
        };
        return checker with
        {
            ConnectIp = connectIp,
            ConnectPort = connectPort,
            BindTo = c.BindTo,
            BindPort = c.BindPort,
            BindInterface = c.BindInterface,
            Fwmark = c.Fwmark,
            ConnectTimeout = connectTimeout,
            Retry = retry,
            DelayBeforeRetry = delayBeforeRetry,
            DelayLoop = delayLoop,
            Warmup = warmup,
            Alpha = alpha,
            Location = c.Location,
        };
    }

    /// <summary>A FILE_CHECK with its track_file's path, and that block's weight and reverse unless it sets its own
    /// (keepalived's file_end_handler); null, with an error at the track_file line, for an unknown name.</summary>
    private FileChecker? ResolveFileChecker(CheckerDraft c)
    {
        var name = c.TrackFile!;
        if (_trackFiles.Find(f => f.Name == name.Text) is not { } file)
        {
            _diagnostics.Error(name.Location, $"FILE_CHECK: unknown track_file '{name.Text}'");
            return null;
        }
        return new FileChecker
        {
            TrackFile = file.Name,
            Path = file.Path,
            Weight = c.FileWeight ?? file.Weight,
            Reverse = c.FileWeight is null ? file.WeightReverse : c.FileReverse,
            Location = c.Location,
        };
    }
}
