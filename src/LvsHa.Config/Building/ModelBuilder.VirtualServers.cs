using System.Net;
using LvsHa.Config.Syntax;

namespace LvsHa.Config.Building;

internal sealed partial class ModelBuilder
{
    private static readonly Dictionary<string, Scheduler> Schedulers = new(StringComparer.Ordinal)
    {
        ["rr"] = Scheduler.Rr, ["wrr"] = Scheduler.Wrr, ["lc"] = Scheduler.Lc, ["wlc"] = Scheduler.Wlc,
        ["lblc"] = Scheduler.Lblc, ["lblcr"] = Scheduler.Lblcr, ["dh"] = Scheduler.Dh, ["sh"] = Scheduler.Sh,
        ["sed"] = Scheduler.Sed, ["nq"] = Scheduler.Nq, ["fo"] = Scheduler.Fo, ["ovf"] = Scheduler.Ovf,
        ["mh"] = Scheduler.Mh, ["twos"] = Scheduler.Twos,
    };

    private void VirtualServerBlock(SyntaxStatement s)
    {
        var draft = VirtualServerHeader(s);
        if (!RequireBlock(s) || draft is null)
            return;
        foreach (var k in s.Block!)
            VirtualServerKeyword(draft, k);
        _virtualServers.Add(draft);
    }

    private VirtualServerDraft? VirtualServerHeader(SyntaxStatement s)
    {
        var first = _read.Arg(s, 0, "an address and port, 'fwmark N' or 'group NAME'");
        if (first is null)
            return null;
        switch (first.Text)
        {
            case "fwmark":
            {
                var mark = _read.Integer(s, 1, 1, uint.MaxValue, "fwmark");
                _read.NoMoreThan(s, 2);
                return mark is null ? null : new VirtualServerDraft { Name = $"fwmark {mark}", Fwmark = (uint)mark.Value, Location = s.Location };
            }
            case "group":
            {
                var name = _read.Arg(s, 1, "a virtual_server_group name");
                _read.NoMoreThan(s, 2);
                return name is null ? null : new VirtualServerDraft { Name = $"group {name.Text}", GroupName = name.Text, Location = s.Location };
            }
            default:
            {
                var address = _read.Address(first, "virtual server address");
                int port = 0;
                if (s.ArgumentCount > 1)
                    port = (int?)_read.Integer(s.Argument(1), 0, 65535, "virtual server port") ?? -1;
                _read.NoMoreThan(s, 2);
                if (address is null || port < 0)
                    return null;
                string name = ValueReader.FamilyOf(address) == IpFamily.IPv6 ? $"[{address}]:{port}" : $"{address}:{port}";
                return new VirtualServerDraft { Name = name, Address = address, Port = port, Location = s.Location };
            }
        }
    }

    private void VirtualServerKeyword(VirtualServerDraft vs, SyntaxStatement s)
    {
        if (Timing(vs.Timing, s, allowInhibit: true))
            return;
        switch (s.Keyword)
        {
            case "lb_algo":
            case "lvs_sched":
                if (_read.Arg(s, 0, "a scheduler") is { } sched)
                {
                    if (Schedulers.TryGetValue(sched.Text, out var scheduler))
                        vs.Scheduler = scheduler;
                    else
                        _diagnostics.Error(sched.Location,
                            $"unknown scheduler '{sched.Text}' (expected one of: {string.Join(' ', Schedulers.Keys)})");
                }
                break;
            case "flag-1": vs.Flags |= SchedulerFlags.Flag1; break;
            case "flag-2": vs.Flags |= SchedulerFlags.Flag2; break;
            case "flag-3": vs.Flags |= SchedulerFlags.Flag3; break;
            case "sh-fallback" or "mh-fallback": vs.Flags |= SchedulerFlags.Flag1; break;
            case "sh-port" or "mh-port": vs.Flags |= SchedulerFlags.Flag2; break;
            case "ops":
                vs.Ops = true;
                vs.OpsLocation = s.Location;
                break;
            case "lb_kind":
            case "lvs_method":
                vs.Method = Method(s) ?? vs.Method;
                break;
            case "persistence_timeout":
                // keepalived: the bare keyword means 6 minutes; a value is 1..31 days (check_parser.c). A 0 it reports
                // as invalid and ignores, leaving the service without persistence: the same effect, so a warning here.
                if (FirstArgumentIsZero(s))
                {
                    _diagnostics.Warning(s.Argument(0).Location, "persistence_timeout 0: no persistence (keepalived reports 0 as invalid, its range starts at 1, and ignores the line)");
                    vs.PersistenceTimeout = null;
                }
                else
                {
                    vs.PersistenceTimeout = s.ArgumentCount == 0 ? 360 : _read.Int(s, 0, 1, 2_678_400, "persistence_timeout") ?? vs.PersistenceTimeout;
                }
                break;
            case "persistence_granularity":
                Granularity(vs, s);
                break;
            case "persistence_engine":
                vs.PersistenceEngine = _read.Arg(s, 0, "an engine name (sip)")?.Text;
                break;
            case "protocol":
                if (_read.Arg(s, 0, "TCP, UDP or SCTP") is { } proto)
                {
                    // keepalived: "protocol specified for fwmark - protocol will be ignored" (an error for -t).
                    if (vs.Fwmark != 0)
                        _diagnostics.Warning(s.Location, "protocol is ignored in a fwmark virtual_server: the firewall mark selects the packets (keepalived -t reports this line as an error)");
                    switch (proto.Text.ToUpperInvariant())
                    {
                        case "TCP": vs.Protocol = ServiceProtocol.Tcp; break;
                        case "UDP": vs.Protocol = ServiceProtocol.Udp; break;
                        case "SCTP": vs.Protocol = ServiceProtocol.Sctp; break;
                        default: _diagnostics.Error(proto.Location, $"unknown protocol '{proto.Text}' (expected TCP, UDP or SCTP)"); break;
                    }
                }
                break;
            case "quorum":
                vs.Quorum = _read.Int(s, 0, 1, int.MaxValue, "quorum") ?? vs.Quorum;
                vs.QuorumLocation = s.Location;
                break;
            case "hysteresis":
                vs.Hysteresis = _read.Int(s, 0, 0, int.MaxValue, "hysteresis") ?? vs.Hysteresis;
                break;
            case "quorum_up":
                if (!Repeated(s, vs.QuorumUp?.Location))
                    vs.QuorumUp = _read.Script(s);
                break;
            case "quorum_down":
                if (!Repeated(s, vs.QuorumDown?.Location))
                    vs.QuorumDown = _read.Script(s);
                break;
            case "sorry_server":
            {
                var address = _read.Address(s, 0, "sorry server address");
                int port = 0;
                if (s.ArgumentCount > 1)
                    port = _read.Port(s.Argument(1), "sorry server port") ?? 0;
                if (address is not null)
                    vs.Sorry = new SorryServerDraft { Address = address, Port = port, Location = s.Location };
                break;
            }
            // keepalived applies these to the sorry server already read, and reports them before or without one.
            case "sorry_server_inhibit" or "sorry_server_lvs_method" when vs.Sorry is null:
                _diagnostics.Error(s.Location, $"'{s.Keyword}' before or without 'sorry_server': keepalived ignores it (and reports an error); write it after sorry_server");
                break;
            case "sorry_server_inhibit": vs.SorryInhibit = _read.Flag(s); break;
            case "sorry_server_lvs_method": vs.SorryMethod = Method(s) ?? vs.SorryMethod; break;
            case "omega": vs.Omega = _read.Flag(s); break;
            case "ha_suspend": vs.HaSuspend = _read.Flag(s); break;
            case "announce":
                if (_read.Arg(s, 0, "bgp") is { } how)
                {
                    if (how.Text == "bgp")
                        vs.AnnounceBgp = s.Location;
                    else
                        _diagnostics.Error(how.Location, $"unknown announce '{how.Text}': expected bgp");
                    _read.NoMoreThan(s, 1);
                }
                break;
            case "smtp_alert": vs.SmtpAlert = _read.Flag(s); break;
            case "weight": vs.Weight = _read.Int(s, 0, 0, int.MaxValue, "weight") ?? vs.Weight; break;
            case "virtualhost": vs.Virtualhost = _read.Arg(s, 0, "a host name")?.Text; break;
            case "ip_family":
                if (_read.Arg(s, 0, "inet or inet6") is { } fam)
                {
                    if (fam.Text == "inet")
                        vs.IpFamily = IpFamily.IPv4;
                    else if (fam.Text == "inet6")
                        vs.IpFamily = IpFamily.IPv6;
                    else
                        _diagnostics.Error(fam.Location, $"invalid ip_family '{fam.Text}': expected inet or inet6");
                }
                break;
            case "real_server":
                RealServerBlock(vs, s);
                break;
            default:
                _read.NotSupported(s, "virtual_server");
                break;
        }
    }

    /// <summary>
    /// keepalived keeps the first of a few keywords (the notify scripts of instances, sync groups and real servers,
    /// quorum_up/down, a sync group's group list, DNS_CHECK name, lvs_sync_daemon; `state MASTER` over a later BACKUP)
    /// and reports the repeat as a configuration error; every other repeated keyword simply replaces the earlier one.
    /// True (with that error) when <paramref name="first"/> is already set.
    /// </summary>
    private bool Repeated(SyntaxStatement s, SourceLocation? first)
    {
        if (first is not { } at)
            return false;
        _diagnostics.Error(s.Location, $"'{s.Keyword}' already given at {at.Line}:{at.Column}; keepalived keeps the first and reports the repeat as an error");
        return true;
    }

    private void Granularity(VirtualServerDraft vs, SyntaxStatement s)
    {
        var w = _read.Arg(s, 0, "a netmask (IPv4) or prefix length (IPv6)");
        if (w is null)
            return;
        vs.GranularityLocation = w.Location;
        if (int.TryParse(w.Text, out int prefix) && prefix is >= 1 and <= 128)
        {
            vs.GranularityPrefix = prefix;
            return;
        }
        var mask = ValueReader.TryParseAddress(w.Text);
        if (mask is null || ValueReader.FamilyOf(mask) != IpFamily.IPv4 || MaskPrefix(mask) is not { } len)
        {
            _diagnostics.Error(w.Location, $"invalid persistence_granularity '{w.Text}': expected a contiguous IPv4 netmask or a prefix length");
            return;
        }
        vs.Granularity = mask;
        vs.GranularityPrefix = len;
    }

    private static int? MaskPrefix(IPAddress mask)
    {
        Span<byte> b = stackalloc byte[4];
        mask.TryWriteBytes(b, out _);
        uint v = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(b);
        int len = System.Numerics.BitOperations.PopCount(v);
        // Contiguous: the ones are all at the top.
        return len == 0 ? null : v == uint.MaxValue << (32 - len) ? len : null;
    }

    /// <summary>`lvs_method NAT|DR|TUN [type ipip|gue port N|gre] [nocsum|csum|remcsum]`.</summary>
    private ForwardingMethod? Method(SyntaxStatement s)
    {
        var kind = _read.Arg(s, 0, "NAT, DR or TUN");
        if (kind is null)
            return null;
        LvsMethod method;
        // keepalived compares case-sensitively ('dr' is refused there), so LvsHa refuses it too rather than guess.
        switch (kind.Text)
        {
            case "NAT": method = LvsMethod.Nat; break;
            case "DR": method = LvsMethod.Dr; break;
            case "TUN": method = LvsMethod.Tun; break;
            default:
                _diagnostics.Error(kind.Location, kind.Text.ToUpperInvariant() is "NAT" or "DR" or "TUN"
                    ? $"unknown forwarding method '{kind.Text}': write it in capitals, '{kind.Text.ToUpperInvariant()}' (keepalived refuses '{kind.Text}' too)"
                    : $"unknown forwarding method '{kind.Text}' (expected NAT, DR or TUN)");
                return null;
        }
        if (method != LvsMethod.Tun)
        {
            _read.NoMoreThan(s, 1);
            return method == LvsMethod.Nat ? ForwardingMethod.Nat : ForwardingMethod.Dr;
        }
        var tunnel = TunnelType.Ipip;
        int port = 0;
        TunnelChecksum? checksum = null;
        for (int i = 1; i < s.ArgumentCount; i++)
        {
            var w = s.Argument(i);
            switch (w.Text)
            {
                case "type":
                    if (i + 1 >= s.ArgumentCount)
                    {
                        _diagnostics.Error(w.Location, "'type' needs ipip, gue or gre");
                        return null;
                    }
                    var t = s.Argument(++i);
                    switch (t.Text)
                    {
                        case "ipip": tunnel = TunnelType.Ipip; break;
                        case "gue": tunnel = TunnelType.Gue; break;
                        case "gre": tunnel = TunnelType.Gre; break;
                        default:
                            _diagnostics.Error(t.Location, $"unknown tunnel type '{t.Text}' (expected ipip, gue or gre)");
                            return null;
                    }
                    break;
                case "port":
                    if (i + 1 >= s.ArgumentCount)
                    {
                        _diagnostics.Error(w.Location, "'port' needs a port number");
                        return null;
                    }
                    port = _read.Port(s.Argument(++i), "tunnel port") ?? -1;
                    if (port < 0)
                        return null;
                    break;
                case "nocsum": checksum = TunnelChecksum.NoCsum; break;
                case "csum": checksum = TunnelChecksum.Csum; break;
                case "remcsum": checksum = TunnelChecksum.RemCsum; break;
                default:
                    _diagnostics.Error(w.Location, $"unexpected '{w.Text}' in lvs_method TUN (expected type, port, nocsum, csum or remcsum)");
                    return null;
            }
        }
        if (tunnel == TunnelType.Gue && port == 0)
        {
            _diagnostics.Error(s.Location, "lvs_method TUN type gue needs 'port N'");
            return null;
        }
        if (tunnel != TunnelType.Gue && port != 0)
        {
            _diagnostics.Error(s.Location, "'port' is only valid with lvs_method TUN type gue");
            return null;
        }
        if (tunnel == TunnelType.Ipip && checksum is not null)
        {
            _diagnostics.Error(s.Location, "checksum options (nocsum, csum, remcsum) need tunnel type gue or gre");
            return null;
        }
        if (tunnel == TunnelType.Gre && checksum == TunnelChecksum.RemCsum)
        {
            _diagnostics.Error(s.Location, "remcsum is not supported with tunnel type gre");
            return null;
        }
        return new ForwardingMethod(LvsMethod.Tun, tunnel, port, checksum ?? TunnelChecksum.NoCsum);
    }

    /// <summary>Settings shared by virtual servers, real servers and checkers; true when handled.</summary>
    private bool Timing(TimingDraft t, SyntaxStatement s, bool allowInhibit)
    {
        switch (s.Keyword)
        {
            case "connect_timeout": t.ConnectTimeout = _read.Seconds(s, 0, 0.001, 86400, "connect_timeout") ?? t.ConnectTimeout; return true;
            case "retry": t.Retry = _read.Int(s, 0, 0, int.MaxValue, s.Keyword) ?? t.Retry; return true;
            case "delay_before_retry": t.DelayBeforeRetry = _read.Seconds(s, 0, 0, 86400, "delay_before_retry") ?? t.DelayBeforeRetry; return true;
            case "warmup": t.Warmup = _read.Seconds(s, 0, 0, 86400, "warmup") ?? t.Warmup; return true;
            case "delay_loop": t.DelayLoop = _read.Seconds(s, 0, 0.001, 86400, "delay_loop") ?? t.DelayLoop; return true;
            case "alpha": t.Alpha = _read.Flag(s); return true;
            case "inhibit_on_failure" when allowInhibit: t.InhibitOnFailure = _read.Flag(s); return true;
            default: return false;
        }
    }

    private void RealServerBlock(VirtualServerDraft vs, SyntaxStatement s)
    {
        vs.RealServerStatements++;
        var address = _read.Address(s, 0, "real server address");
        int? port = null;
        if (s.ArgumentCount > 1)
        {
            // Port 0 is valid (keepalived accepts it): under a port-0 service it means every port, elsewhere IPVS
            // forwards to the virtual port.
            port = (int?)_read.Integer(s.Argument(1), 0, 65535, "real server port");
            if (port is null)
                return;
        }
        _read.NoMoreThan(s, 2);
        if (address is null)
            return;
        var rs = new RealServerDraft { Address = address, Port = port, Location = s.Location };
        vs.RealServers.Add(rs);
        if (s.Block is null)
            return;
        foreach (var k in s.Block)
        {
            if (Timing(rs.Timing, k, allowInhibit: true))
                continue;
            switch (k.Keyword)
            {
                case "weight": rs.Weight = _read.Int(k, 0, 0, int.MaxValue, "weight") ?? rs.Weight; break;
                case "smtp_alert": rs.SmtpAlert = _read.Flag(k); break;
                // keepalived knows only lvs_method here (lb_kind is ignored as unknown), so LvsHa does the same.
                case "lvs_method": rs.Method = Method(k) ?? rs.Method; break;
                case "notify_up":
                    if (!Repeated(k, rs.NotifyUp?.Location))
                        rs.NotifyUp = _read.Script(k);
                    break;
                case "notify_down":
                    if (!Repeated(k, rs.NotifyDown?.Location))
                        rs.NotifyDown = _read.Script(k);
                    break;
                case "uthreshold": rs.UpperThreshold = _read.Int(k, 0, 0, int.MaxValue, "uthreshold") ?? rs.UpperThreshold; break;
                case "lthreshold": rs.LowerThreshold = _read.Int(k, 0, 0, int.MaxValue, "lthreshold") ?? rs.LowerThreshold; break;
                case "virtualhost": rs.Virtualhost = _read.Arg(k, 0, "a host name")?.Text; break;
                case "ssh_host":
                    if (_read.Arg(k, 0, "a host name or address") is { } host)
                        rs.SshHost = host.Text;
                    break;
                case "TCP_CHECK" or "HTTP_GET" or "SSL_GET" or "MISC_CHECK" or "DNS_CHECK" or "UDP_CHECK" or "SMTP_CHECK" or "PING_CHECK":
                    if (Checker(k) is { } checker)
                        rs.Checkers.AddRange(Checkers(checker));
                    break;
                case "FILE_CHECK":
                    if (FileCheck(k) is { } fileCheck)
                        rs.Checkers.Add(fileCheck);
                    break;
                default:
                    _read.NotSupported(k, "real_server");
                    break;
            }
        }
    }

    private void VirtualServerGroupBlock(SyntaxStatement s)
    {
        var name = _read.Arg(s, 0, "a group name");
        if (!RequireBlock(s) || name is null)
            return;
        var entries = new List<VirtualServerGroupEntry>();
        foreach (var e in s.Block!)
        {
            NoBlock(e);
            if (e.Keyword == "fwmark")
            {
                var mark = _read.Integer(e, 0, 1, uint.MaxValue, "fwmark");
                if (e.ArgumentCount > 1 && e.Argument(1).Text is not ("inet" or "inet6"))
                    _diagnostics.Error(e.Argument(1).Location, $"unexpected '{e.Argument(1).Text}' after fwmark (expected inet or inet6)");
                if (mark is not null)
                    entries.Add(new VirtualServerGroupEntry(null, null, 0, (uint)mark.Value, e.Location));
                continue;
            }
            var range = AddressRange(e.Words[0]);
            int port = 0;
            if (e.Words.Count > 1)
                port = (int?)_read.Integer(e.Words[1], 0, 65535, "port") ?? -1;
            if (e.Words.Count > 2)
                _diagnostics.Warning(e.Words[2].Location, $"extra argument '{e.Words[2].Text}' in virtual_server_group entry ignored");
            if (range is { } r && port >= 0)
                entries.Add(new VirtualServerGroupEntry(r.First, r.Last, port, 0, e.Location));
        }
        if (_groups.Find(g => g.Name == name.Text) is { } existing)
            _diagnostics.Error(s.Location, $"duplicate virtual_server_group '{name.Text}' (first defined at {existing.Location})");
        else
            _groups.Add(new VirtualServerGroup(name.Text, entries, s.Location));
    }

    /// <summary>An address, `a.b.c.d-e`, `a.b.c.d-a.b.c.e` or CIDR `a.b.c.d/n` (IPv6 alike, last group for the short range).</summary>
    private (IPAddress First, IPAddress Last)? AddressRange(SyntaxWord w)
    {
        string text = w.Text;
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        int dash = text.IndexOf('-', StringComparison.Ordinal);
        if (slash >= 0)
        {
            var a = ValueReader.TryParseAddress(text[..slash]);
            int bits = a is null ? 0 : ValueReader.FamilyOf(a) == IpFamily.IPv6 ? 128 : 32;
            if (a is null || !int.TryParse(text[(slash + 1)..], out int len) || len < 0 || len > bits)
            {
                _diagnostics.Error(w.Location, $"invalid address range '{text}' in virtual_server_group");
                return null;
            }
            var first = AddressMath.Network(a, len);
            return (first, AddressMath.Broadcast(first, len));
        }
        if (dash >= 0)
        {
            var a = ValueReader.TryParseAddress(text[..dash]);
            string end = text[(dash + 1)..];
            IPAddress? last = a is null ? null : end.Contains('.', StringComparison.Ordinal) || end.Contains(':', StringComparison.Ordinal)
                ? ValueReader.TryParseAddress(end)
                : AddressMath.WithLastPart(a, end);
            if (a is null || last is null || ValueReader.FamilyOf(a) != ValueReader.FamilyOf(last) || AddressMath.Compare(a, last) > 0)
            {
                _diagnostics.Error(w.Location, $"invalid address range '{text}' in virtual_server_group (expected e.g. 10.0.0.1-10)");
                return null;
            }
            return (a, last);
        }
        var single = _read.Address(w, "virtual_server_group address");
        return single is null ? null : (single, single);
    }
}
