using System.Globalization;
using System.Net;
using LvsHa.Config.Syntax;

namespace LvsHa.Config.Building;

/// <summary>Turns the syntax tree into the model: keyword by keyword, block by block, then keepalived's semantics.</summary>
internal sealed partial class ModelBuilder
{
    private readonly DiagnosticBag _diagnostics;
    private readonly ValueReader _read;
    private readonly List<VirtualServerDraft> _virtualServers = [];
    private readonly List<VirtualServerGroup> _groups = [];
    private readonly List<VrrpInstance> _vrrpInstances = [];
    private readonly List<VrrpScript> _vrrpScripts = [];
    private readonly List<VrrpSyncGroup> _syncGroups = [];
    private GlobalDefs? _global;
    private ClusterSettings? _cluster;
    private RealServerPrepSettings? _prep;
    private BgpSettings? _bgp;
    private bool _syncIdWritten;
    private SourceLocation? _syncDaemonLocation;

    public ModelBuilder(DiagnosticBag diagnostics)
    {
        _diagnostics = diagnostics;
        _read = new ValueReader(diagnostics);
    }

    public LvsHaConfig Build(IReadOnlyList<SyntaxStatement> statements, string sourceFile)
    {
        // global_defs first: its vrrp_* defaults (vrrp_version, vrrp_garp_*) shape every instance, wherever it is written.
        foreach (var s in statements.Where(s => s.Keyword == "global_defs"))
            Top(s);
        foreach (var s in statements.Where(s => s.Keyword != "global_defs"))
            Top(s);

        var groups = _groups.ToDictionary(g => g.Name, StringComparer.Ordinal);
        var virtualServers = new List<VirtualServer>(_virtualServers.Count);
        foreach (var draft in _virtualServers)
        {
            var vs = Resolve(draft, groups);
            if (vs is not null)
                virtualServers.Add(vs);
        }

        if (_bgp is null && _virtualServers.Find(d => d.AnnounceBgp is not null) is { AnnounceBgp: { } unannounced } first)
            _diagnostics.Error(unannounced, $"virtual server {first.Name}: 'announce bgp' needs a bgp block (local_as and a neighbor)");

        // keepalived: a sync daemon without 'id' takes the virtual_router_id of its instance.
        if (_global?.LvsSyncDaemon is { VrrpInstance: { } syncInstance } sync && !_syncIdWritten
            && _vrrpInstances.Find(v => v.Name == syncInstance) is { } followed)
            _global = _global with { LvsSyncDaemon = sync with { SyncId = followed.VirtualRouterId } };

        return new LvsHaConfig
        {
            SourceFile = sourceFile,
            Global = _global ?? GlobalDefs.Empty,
            VirtualServers = virtualServers,
            VirtualServerGroups = _groups,
            VrrpInstances = [.. _vrrpInstances.Select(SyncGroupTracking)],
            VrrpScripts = _vrrpScripts,
            TrackFiles = _trackFiles,
            VrrpSyncGroups = _syncGroups,
            Cluster = _cluster,
            Bgp = _bgp,
            RealServerPrep = _prep ?? RealServerPrepSettings.Default,
        };
    }

    /// <summary>Whether a vrrp instance or sync group mails: its own `smtp_alert`, else smtp_alert_vrrp, else
    /// smtp_alert, else no (keepalived's vrrp.c). Read after global_defs, wherever that is written.</summary>
    private bool VrrpSmtpAlert(bool? own) => own ?? _global?.SmtpAlertVrrp ?? _global?.SmtpAlert ?? false;

    /// <summary>
    /// keepalived 2.2.7's tracking rules for sync groups and address owners (vrrp_complete_instance,
    /// sync_group_tracking_init, add_vrrp_to_interface):
    /// - a weighted tracker written in a sync-group member or in an address owner (priority 255) is an error there,
    ///   after which keepalived drops it or makes it unweighted (it runs other than written): refused;
    /// - a tracker written in the vrrp_sync_group is added to every member with its weight; if a member is an address
    ///   owner keepalived clears the weight, with an error: refused;
    /// - an interface tracked twice (in the group and the member, or the member's own interface, which it tracks
    ///   unless dont_track_primary) is an error: refused; a script or file in both is logged and the member keeps its
    ///   own entry (unweighted, by the first rule): a warning, and the same.
    /// </summary>
    private VrrpInstance SyncGroupTracking(VrrpInstance vi)
    {
        var group = _syncGroups.Find(g => g.Instances.Contains(vi.Name));
        var owner = vi.Priority == 255;
        if (!vi.DontTrackPrimary && vi.TrackInterfaces.FirstOrDefault(t => t.Name == vi.Interface) is { } primary)
            _diagnostics.Error(primary.Location, $"vrrp_instance {vi.Name} tracks its own interface {vi.Interface} already (unless dont_track_primary); keepalived reports this track_interface as an error: remove it");
        if (group is null && !owner)
            return vi;
        var where = group is not null ? $"is in vrrp_sync_group {group.Name}" : "is the address owner (priority 255)";
        var fix = group is not null
            ? "write 'weight 0' (a failure faults the group) or move the entry into the vrrp_sync_group, where its weight counts for every member"
            : "write 'weight 0' (a failure faults the instance)";
        foreach (var (kind, name, location) in Weighted(vi.TrackInterfaces, vi.TrackScripts, vi.TrackFiles))
            _diagnostics.Error(location, $"vrrp_instance {vi.Name} {where}: keepalived reports its weighted {kind} '{name}' as an error, then drops it or ignores the weight; {fix}");
        if (group is null)
            return vi;
        if (owner)
        {
            foreach (var (kind, name, location) in Weighted(group.TrackInterfaces, group.TrackScripts, group.TrackFiles))
                _diagnostics.Error(location, $"vrrp_sync_group {group.Name}: member vrrp_instance {vi.Name} is the address owner (priority 255), so keepalived reports the weighted {kind} '{name}' as an error and clears its weight; write 'weight 0'");
        }
        foreach (var t in group.TrackInterfaces.Where(t => vi.TrackInterfaces.Any(m => m.Name == t.Name) || (t.Name == vi.Interface && !vi.DontTrackPrimary)))
            _diagnostics.Error(t.Location, $"vrrp_sync_group {group.Name}: track_interface {t.Name} is tracked by member vrrp_instance {vi.Name} already (keepalived reports an error): remove one");
        bool Own(string kind, string name, SourceLocation location, bool tracked)
        {
            if (tracked)
                _diagnostics.Warning(location, $"vrrp_sync_group {group.Name}: {kind} '{name}' is also tracked by member vrrp_instance {vi.Name}, which keeps its own entry (as keepalived): remove one");
            return tracked;
        }
        return vi with
        {
            TrackInterfaces = [.. vi.TrackInterfaces, .. group.TrackInterfaces],
            TrackScripts = [.. vi.TrackScripts, .. group.TrackScripts.Where(t => !Own("track_script", t.Name, t.Location, vi.TrackScripts.Any(m => m.Name == t.Name)))],
            TrackFiles = [.. vi.TrackFiles, .. group.TrackFiles.Where(t => !Own("track_file", t.Name, t.Location, vi.TrackFiles.Any(m => m.Name == t.Name)))],
        };
    }

    /// <summary>The trackers with a weight, as keepalived resolves it: an entry's own, else its vrrp_script's or
    /// track_file's.</summary>
    private IEnumerable<(string Kind, string Name, SourceLocation Location)> Weighted(
        IEnumerable<TrackedInterface> interfaces, IEnumerable<TrackedScript> scripts, IEnumerable<TrackedFile> files) =>
        interfaces.Where(t => t.Weight != 0).Select(t => ("track_interface", t.Name, t.Location))
            .Concat(scripts.Where(t => (t.Weight ?? _vrrpScripts.Find(s => s.Name == t.Name)?.Weight ?? 0) != 0).Select(t => ("track_script", t.Name, t.Location)))
            .Concat(files.Where(t => (t.Weight ?? _trackFiles.Find(f => f.Name == t.Name)?.Weight ?? 0) != 0).Select(t => ("track_file", t.Name, t.Location)));

    private void Top(SyntaxStatement s)
    {
        switch (s.Keyword)
        {
            case "global_defs":
                if (RequireBlock(s))
                    GlobalDefsBlock(s);
                break;
            case "virtual_server":
                VirtualServerBlock(s);
                break;
            case "virtual_server_group":
                VirtualServerGroupBlock(s);
                break;
            case "vrrp_instance":
                VrrpInstanceBlock(s);
                break;
            case "vrrp_script":
                VrrpScriptBlock(s);
                break;
            case "track_file":
            case "vrrp_track_file":
                TrackFileBlock(s);
                break;
            case "vrrp_sync_group":
                VrrpSyncGroupBlock(s);
                break;
            case "cluster":
                if (RequireBlock(s))
                    ClusterBlock(s);
                break;
            case "real_server_prep":
                if (RequireBlock(s))
                    RealServerPrepBlock(s);
                break;
            case "bgp":
                if (RequireBlock(s))
                    BgpBlock(s);
                break;
            default:
                _read.NotSupported(s, "the top level");
                break;
        }
    }

    private bool RequireBlock(SyntaxStatement s)
    {
        if (s.Block is not null)
            return true;
        _diagnostics.Error(s.Location, $"'{s.Keyword}' needs a {{ }} block");
        return false;
    }

    /// <summary>
    /// vrrp_garp_interval / vrrp_gna_interval: keepalived reads 0.000001..4294.967295 s (global_parser.c). A 0, common
    /// in configs copied from distribution samples, it reports as invalid and keeps its default, which is no delay:
    /// the same effect, so a warning here.
    /// </summary>
    private TimeSpan? GarpInterval(SyntaxStatement s)
    {
        if (FirstArgumentIsZero(s))
        {
            _diagnostics.Warning(s.Argument(0).Location, $"{s.Keyword} 0: no delay, the default (keepalived reports 0 as invalid, its range starts at 0.000001, and keeps the default)");
            return TimeSpan.Zero;
        }
        return _read.Seconds(s, 0, 0.000001, 4294.967295, s.Keyword);
    }

    // A 0 where keepalived's range starts above it: keepalived reports the line and ignores it, and for the keys that
    // ask this (persistence_timeout, the garp intervals) what is left is what 0 would mean, so those warn.
    private static bool FirstArgumentIsZero(SyntaxStatement s) =>
        s.ArgumentCount > 0 && decimal.TryParse(s.Argument(0).Text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) && v == 0;

    private void NoBlock(SyntaxStatement s)
    {
        if (s.Block is not null)
            _diagnostics.Warning(s.Location, $"'{s.Keyword}' takes no {{ }} block; block ignored");
    }

    /// <summary>`lvs_timeouts [tcp N] [tcpfin N] [udp N]` (keepalived's global_parser.c: at least one, each 0..31 days;
    /// a later line adds to an earlier one). Where keepalived reports a bad option and goes on, this refuses.</summary>
    private LvsTimeouts? Timeouts(SyntaxStatement s, LvsTimeouts? earlier)
    {
        if (s.ArgumentCount < 2)
        {
            _diagnostics.Error(s.Location, "lvs_timeouts needs at least one of tcp N, tcpfin N, udp N");
            return null;
        }
        var (tcp, tcpFin, udp) = (earlier?.Tcp, earlier?.TcpFin, earlier?.Udp);
        for (int i = 0; i < s.ArgumentCount; i++)
        {
            var option = s.Argument(i);
            if (option.Text is not ("tcp" or "tcpfin" or "udp"))
            {
                _diagnostics.Error(option.Location, $"unknown lvs_timeouts option '{option.Text}' (expected tcp, tcpfin or udp)");
                return null;
            }
            if (i + 1 >= s.ArgumentCount)
            {
                _diagnostics.Error(option.Location, $"lvs_timeouts {option.Text} needs a number of seconds");
                return null;
            }
            if (_read.Integer(s, ++i, 0, LvsTimeouts.MaxSeconds, $"lvs_timeouts {option.Text}") is not { } seconds)
                return null;
            // 0 is what keepalived sends for "unchanged".
            int? value = seconds == 0 ? null : (int)seconds;
            switch (option.Text)
            {
                case "tcp": tcp = value; break;
                case "tcpfin": tcpFin = value; break;
                default: udp = value; break;
            }
        }
        return new LvsTimeouts(tcp, tcpFin, udp, s.Location);
    }

    private void GlobalDefsBlock(SyntaxStatement block)
    {
        if (_global is not null)
            _diagnostics.Warning(block.Location, "second global_defs block: its settings override the first");
        var g = _global ?? new GlobalDefs { Location = block.Location };
        foreach (var s in block.Block!)
        {
            switch (s.Keyword)
            {
                case "router_id":
                    if (_read.Arg(s, 0, "a name") is { } id)
                        g = g with { RouterId = id.Text };
                    break;
                case "script_user":
                    if (_read.User(s) is { } user)
                        g = g with { ScriptUser = user, ScriptUserLocation = s.Location };
                    break;
                case "enable_script_security":
                    g = g with { EnableScriptSecurity = _read.Flag(s) };
                    break;
                case "metrics_listen":
                    if (Endpoint(s) is { } metrics)
                        g = g with { MetricsListen = metrics };
                    break;
                case "lvs_sync_daemon":
                    if (SyncDaemon(s) is { } daemon)
                        g = g with { LvsSyncDaemon = daemon };
                    break;
                case "notification_email":
                    if (!RequireBlock(s))
                        break;
                    if (s.Block!.Count == 0)
                        _diagnostics.Warning(s.Location, "empty notification_email block: no recipients (keepalived reports it as an error and goes on)");
                    g = g with { Mail = g.Mail with { Recipients = [.. g.Mail.Recipients, .. s.Block!.Select(r => r.Keyword)] } };
                    break;
                case "notification_email_from":
                    if (_read.Arg(s, 0, "an address") is { } from)
                        g = g with { Mail = g.Mail with { From = from.Text } };
                    break;
                case "smtp_server":
                    if (_read.Arg(s, 0, "a host") is { } host)
                    {
                        var port = s.ArgumentCount > 1 ? _read.Port(s.Argument(1), "smtp_server port") : 25;
                        g = g with { Mail = g.Mail with { SmtpServer = host.Text, SmtpPort = port ?? 25 } };
                    }
                    break;
                case "smtp_helo_name":
                    if (_read.Arg(s, 0, "a name") is { } helo)
                        g = g with { Mail = g.Mail with { HeloName = helo.Text } };
                    break;
                case "smtp_connect_timeout":
                    if (_read.Seconds(s, 0, 1, 3600, "smtp_connect_timeout") is { } timeout)
                        g = g with { Mail = g.Mail with { ConnectTimeout = timeout } };
                    break;
                case "no_email_faults":
                    g = g with { Mail = g.Mail with { NoEmailFaults = true } };
                    break;
                case "no_checker_emails":
                    g = g with { Mail = g.Mail with { NoCheckerEmails = _read.Flag(s) } };
                    break;
                case "smtp_alert":
                    g = g with { SmtpAlert = _read.Flag(s) };
                    break;
                case "smtp_alert_vrrp":
                    g = g with { SmtpAlertVrrp = _read.Flag(s) };
                    break;
                case "smtp_alert_checker":
                    g = g with { SmtpAlertChecker = _read.Flag(s) };
                    break;
                case "lvs_timeouts":
                    if (Timeouts(s, g.LvsTimeouts) is { } timeouts)
                        g = g with { LvsTimeouts = timeouts };
                    break;
                case "vrrp_version":
                    g = g with { VrrpVersion = _read.Int(s, 0, 2, 3, "vrrp_version") ?? g.VrrpVersion };
                    break;
                case "vrrp_mcast_group4":
                    if (_read.Address(s, 0, "vrrp_mcast_group4") is { } group4)
                    {
                        if ((group4.GetAddressBytes()[0] & 0xF0) != 0xE0)
                            _diagnostics.Error(s.Argument(0).Location, $"vrrp_mcast_group4 {group4} is not an IPv4 multicast address");
                        g = g with { VrrpMulticastGroup4 = group4 };
                    }
                    break;
                case "vrrp_mcast_group6":
                    if (_read.Address(s, 0, "vrrp_mcast_group6") is { } group6)
                    {
                        if (!group6.IsIPv6Multicast)
                            _diagnostics.Error(s.Argument(0).Location, $"vrrp_mcast_group6 {group6} is not an IPv6 multicast address");
                        g = g with { VrrpMulticastGroup6 = group6 };
                    }
                    break;
                case "vrrp_skip_check_adv_addr":
                    g = g with { VrrpSkipCheckAdvertAddresses = _read.Flag(s) };
                    break;
                case "vrrp_strict":
                    g = g with { VrrpStrict = _read.Flag(s) };
                    break;
                case "vrrp_garp_master_delay":
                    g = g with { VrrpGarp = g.VrrpGarp with { MasterDelay = _read.Seconds(s, 0, 0, 86400, s.Keyword) ?? g.VrrpGarp.MasterDelay } };
                    break;
                case "vrrp_garp_master_repeat":
                    g = g with { VrrpGarp = g.VrrpGarp with { MasterRepeat = _read.Int(s, 0, 1, 10000, s.Keyword) ?? g.VrrpGarp.MasterRepeat } };
                    break;
                case "vrrp_garp_master_refresh":
                    g = g with { VrrpGarp = g.VrrpGarp with { MasterRefresh = _read.Seconds(s, 0, 0, 86400, s.Keyword) ?? g.VrrpGarp.MasterRefresh } };
                    break;
                case "vrrp_garp_master_refresh_repeat":
                    g = g with { VrrpGarp = g.VrrpGarp with { MasterRefreshRepeat = _read.Int(s, 0, 1, 10000, s.Keyword) ?? g.VrrpGarp.MasterRefreshRepeat } };
                    break;
                case "vrrp_garp_interval":
                    g = g with { VrrpGarp = g.VrrpGarp with { Interval = GarpInterval(s) ?? g.VrrpGarp.Interval } };
                    break;
                case "vrrp_gna_interval":
                    g = g with { VrrpGarp = g.VrrpGarp with { NaInterval = GarpInterval(s) ?? g.VrrpGarp.NaInterval } };
                    break;
                case "vrrp_garp_lower_prio_repeat":
                    g = g with { VrrpGarp = g.VrrpGarp with { LowerPriorityRepeat = _read.Int(s, 0, 0, 10000, s.Keyword) ?? g.VrrpGarp.LowerPriorityRepeat } };
                    break;
                default:
                    _read.NotSupported(s, "global_defs");
                    break;
            }
        }
        _global = g;
    }

    /// <summary>
    /// keepalived 2.2.7's reading: the interface, then options (`inst NAME`, `id`, `maxlen`, `port`, `ttl`, `group`);
    /// for backward compatibility a bare second word is the instance and a bare third the sync id.
    /// </summary>
    private LvsSyncDaemon? SyncDaemon(SyntaxStatement s)
    {
        if (Repeated(s, _syncDaemonLocation))
            return null;
        _syncDaemonLocation = s.Location;
        var iface = _read.Arg(s, 0, "an interface");
        if (iface is null)
            return null;
        string? instance = null;
        int? id = null;
        int maxLen = 0, port = 0, ttl = 0;
        IPAddress? group = null;
        for (int i = 1; i < s.ArgumentCount; i++)
        {
            var option = s.Argument(i);
            bool isOption = option.Text is "inst" or "id" or "maxlen" or "port" or "ttl" or "group";
            if (!isOption && i == 1)
            {
                instance = option.Text;
                continue;
            }
            if (!isOption && i == 2 && instance is not null && s.Argument(1).Text is not "inst")
            {
                id = (int?)_read.Integer(option, 0, 255, "lvs_sync_daemon sync id") ?? id;
                _diagnostics.Warning(option.Location, "lvs_sync_daemon: write the sync id as 'id N' (a bare number here is the old syntax)");
                continue;
            }
            if (!isOption)
            {
                _diagnostics.Error(option.Location,
                    $"unknown lvs_sync_daemon option '{option.Text}' (expected inst, id, maxlen, port, ttl or group)");
                continue;
            }
            if (i + 1 >= s.ArgumentCount)
            {
                _diagnostics.Error(option.Location, $"lvs_sync_daemon option '{option.Text}' needs a value");
                break;
            }
            var value = s.Argument(++i);
            switch (option.Text)
            {
                case "inst":
                    if (instance is not null)
                        _diagnostics.Error(option.Location, $"lvs_sync_daemon names a vrrp_instance twice ('{instance}' and '{value.Text}')");
                    instance = value.Text;
                    break;
                case "id": id = (int?)_read.Integer(value, 0, 255, "lvs_sync_daemon id") ?? id; break;
                case "maxlen": maxLen = (int?)_read.Integer(value, 1, 65535 - 20 - 8, "lvs_sync_daemon maxlen") ?? 0; break;
                case "port": port = _read.Port(value, "lvs_sync_daemon port") ?? 0; break;
                case "ttl": ttl = (int?)_read.Integer(value, 1, 255, "lvs_sync_daemon ttl") ?? 0; break;
                case "group":
                    group = _read.Address(value, "lvs_sync_daemon group");
                    if (group is not null && !group.IsIPv6Multicast && !(ValueReader.FamilyOf(group) == IpFamily.IPv4 && (group.GetAddressBytes()[0] & 0xF0) == 0xE0))
                        _diagnostics.Error(value.Location, $"lvs_sync_daemon group {group} is not a multicast address");
                    break;
            }
        }
        _syncIdWritten = id is not null;
        return new LvsSyncDaemon(iface.Text, instance, id ?? 0, maxLen, port, ttl, group, s.Location);
    }

    /// <summary>`KEYWORD HOST PORT` (listen, seed, metrics_listen).</summary>
    private NetworkEndpoint? Endpoint(SyntaxStatement s)
    {
        var host = _read.Arg(s, 0, "an address and a port");
        var portWord = _read.Arg(s, 1, "a port after the address");
        if (host is null || portWord is null)
            return null;
        _read.NoMoreThan(s, 2);
        if (host.Text.Length == 0 || host.Text.AsSpan().IndexOfAny(" /{}") >= 0)
        {
            _diagnostics.Error(host.Location, $"invalid address '{host.Text}' for '{s.Keyword}'");
            return null;
        }
        var port = _read.Port(portWord, $"{s.Keyword} port");
        return port is null ? null : new NetworkEndpoint(host.Text, port.Value, s.Location);
    }

    private void ClusterBlock(SyntaxStatement block)
    {
        if (_cluster is not null)
            _diagnostics.Error(block.Location, $"duplicate cluster block (first at {_cluster.Location})");
        string? nodeName = null;
        NetworkEndpoint? listen = null;
        var seeds = new List<NetworkEndpoint>();
        var guard = SplitBrainGuard.Majority;
        SyntaxStatement? secretFile = null;
        TimeSpan? heartbeatPause = null, connectTimeout = null;
        foreach (var s in block.Block!)
        {
            switch (s.Keyword)
            {
                case "node_name":
                    nodeName = _read.Arg(s, 0, "a node name")?.Text;
                    _read.NoMoreThan(s, 1);
                    break;
                case "listen":
                    listen = Endpoint(s) ?? listen;
                    break;
                case "seed":
                    if (Endpoint(s) is { } seed)
                        seeds.Add(seed);
                    break;
                case "split_brain_guard":
                    if (_read.Arg(s, 0, "majority or off") is { } g)
                    {
                        switch (g.Text)
                        {
                            case "majority": guard = SplitBrainGuard.Majority; break;
                            case "off": guard = SplitBrainGuard.Off; break;
                            default:
                                _diagnostics.Error(g.Location, $"invalid split_brain_guard '{g.Text}': expected majority or off");
                                break;
                        }
                    }
                    break;
                case "secret_file":
                    secretFile = s;
                    _read.Arg(s, 0, "a file path");
                    break;
                case "heartbeat_pause":
                    heartbeatPause = _read.Seconds(s, 0, 0.2, 60, "heartbeat_pause") ?? heartbeatPause;
                    _read.NoMoreThan(s, 1);
                    break;
                case "connect_timeout":
                    connectTimeout = _read.Seconds(s, 0, 1, 300, "connect_timeout") ?? connectTimeout;
                    _read.NoMoreThan(s, 1);
                    break;
                default:
                    _read.NotSupported(s, "cluster");
                    break;
            }
        }
        if (nodeName is null)
            _diagnostics.Error(block.Location, "cluster block needs 'node_name'");
        if (listen is null)
            _diagnostics.Error(block.Location, "cluster block needs 'listen ADDRESS PORT'");
        // Every director authenticates cluster traffic with it: without one there is nothing to run (run refuses too).
        if (secretFile is null)
            _diagnostics.Error(block.Location, "cluster block needs 'secret_file PATH' (the directors authenticate each other with the secret in that file; `lvsha secret generate FILE` makes one)");
        if (nodeName is null || listen is null || secretFile is not { ArgumentCount: > 0 })
            return;
        var directors = seeds.Append(listen).Select(e => (e.Host, e.Port)).Distinct().Count();
        // Only where majority is written: a two-director cluster that leaves the default behaves as keepalived, which
        // is what its operator expects; one who asked for the guard must hear that two directors cannot have it.
        if (guard == SplitBrainGuard.Majority && directors < 3 && block.Block!.FirstOrDefault(k => k.Keyword == "split_brain_guard") is { } written)
        {
            _diagnostics.Warning(written.Location,
                $"split_brain_guard majority with {directors} director(s) cannot tell a dead peer from a cut-off one, so it holds nothing back: "
                + "VRRP alone decides, as with keepalived (a dead master's VIP is taken over; a total partition of the two leaves two masters). "
                + "Add a VIP-less witness as a third seed for the majority guarantee");
        }

        _cluster = new ClusterSettings
        {
            NodeName = nodeName,
            Listen = listen,
            Seeds = seeds,
            SplitBrainGuard = guard,
            SecretFile = secretFile.Argument(0).Text,
            SecretFileLocation = secretFile.Location,
            HeartbeatPause = heartbeatPause,
            ConnectTimeout = connectTimeout,
            Location = block.Location,
        };
    }

    private void RealServerPrepBlock(SyntaxStatement block)
    {
        if (_prep is not null)
            _diagnostics.Error(block.Location, $"duplicate real_server_prep block (first at {_prep.Location})");
        var prep = new RealServerPrepSettings { Location = block.Location };
        foreach (var s in block.Block!)
        {
            switch (s.Keyword)
            {
                case "user":
                    if (_read.Arg(s, 0, "a user name") is { } user)
                        prep = prep with { User = user.Text };
                    break;
                case "port":
                    if (_read.Int(s, 0, 1, 65535, "SSH port") is { } port)
                        prep = prep with { Port = port };
                    break;
                case "identity_file":
                    if (_read.Arg(s, 0, "a file path") is { } id)
                        prep = prep with { IdentityFile = id.Text };
                    break;
                case "known_hosts_file":
                    if (_read.Arg(s, 0, "a file path") is { } kh)
                        prep = prep with { KnownHostsFile = kh.Text };
                    break;
                case "persist":
                    if (_read.OnOff(s) is { } persist)
                        prep = prep with { Persist = persist };
                    break;
                case "auto_prepare":
                    if (_read.OnOff(s) is { } auto)
                        prep = prep with { AutoPrepare = auto };
                    break;
                default:
                    _read.NotSupported(s, "real_server_prep");
                    break;
            }
        }
        _prep = prep;
    }
}
