using System.Net;
using LvsHa.Config.Syntax;

namespace LvsHa.Config.Building;

internal sealed partial class ModelBuilder
{
    private void VrrpInstanceBlock(SyntaxStatement block)
    {
        var name = _read.Arg(block, 0, "an instance name");
        if (!RequireBlock(block) || name is null)
            return;
        var state = VrrpState.Backup;
        string? iface = null;
        int? vrid = null;
        int? priority = null;
        var advert = TimeSpan.FromSeconds(1);
        var global = _global ?? GlobalDefs.Empty;
        int version = global.VrrpVersion;
        IPAddress? mcastSrc = null;
        bool dontTrackPrimary = false;
        bool promoteSecondaries = false;
        bool skipCheck = global.VrrpSkipCheckAdvertAddresses;
        int lowerPrioRepeat = global.VrrpGarp.LowerPriorityRepeat;
        bool nopreempt = false;
        var preemptDelay = TimeSpan.Zero;
        IPAddress? unicastSrc = null;
        var peers = new List<IPAddress>();
        var vips = new List<Vip>();
        var excluded = new List<Vip>();
        var tracking = new TrackingDraft();
        bool? smtpAlert = null;
        var notify = new NotifyDraft();
        var garpDelay = global.VrrpGarp.MasterDelay;
        int garpRepeat = global.VrrpGarp.MasterRepeat;
        var garpRefresh = global.VrrpGarp.MasterRefresh;
        int garpRefreshRepeat = global.VrrpGarp.MasterRefreshRepeat;
        VrrpAuthentication? auth = null;

        foreach (var s in block.Block!)
        {
            switch (s.Keyword)
            {
                case "state":
                    if (_read.Arg(s, 0, "MASTER or BACKUP") is { } st)
                    {
                        switch (st.Text.ToUpperInvariant())
                        {
                            case "MASTER": state = VrrpState.Master; break;
                            // keepalived: a BACKUP after a MASTER is ignored, and reported as an error.
                            case "BACKUP" when state == VrrpState.Master:
                                _diagnostics.Error(s.Location, "'state BACKUP' after 'state MASTER': keepalived keeps MASTER and reports the repeat as an error");
                                break;
                            case "BACKUP": state = VrrpState.Backup; break;
                            default: _diagnostics.Error(st.Location, $"invalid state '{st.Text}': expected MASTER or BACKUP"); break;
                        }
                    }
                    break;
                case "interface":
                    iface = _read.Arg(s, 0, "an interface name")?.Text ?? iface;
                    break;
                case "virtual_router_id":
                    vrid = _read.Int(s, 0, 1, 255, "virtual_router_id") ?? vrid;
                    break;
                case "priority":
                    priority = _read.Int(s, 0, 1, 255, "priority") ?? priority;
                    break;
                case "advert_int":
                    advert = _read.Seconds(s, 0, 0.01, 255, "advert_int") ?? advert;
                    break;
                case "version":
                    version = _read.Int(s, 0, 2, 3, "VRRP version") ?? version;
                    break;
                case "nopreempt":
                    nopreempt = true;
                    break;
                case "preempt_delay":
                    preemptDelay = _read.Seconds(s, 0, 0, 1000, "preempt_delay") ?? preemptDelay;
                    break;
                case "unicast_src_ip":
                    unicastSrc = _read.Address(s, 0, "unicast_src_ip") ?? unicastSrc;
                    break;
                case "mcast_src_ip":
                    mcastSrc = _read.Address(s, 0, "mcast_src_ip") ?? mcastSrc;
                    break;
                case "promote_secondaries":
                    promoteSecondaries = true;
                    break;
                case "dont_track_primary":
                    dontTrackPrimary = true;
                    break;
                case "skip_check_adv_addr":
                    skipCheck = _read.Flag(s);
                    break;
                case "garp_lower_prio_repeat": lowerPrioRepeat = _read.Int(s, 0, 0, 10000, "garp_lower_prio_repeat") ?? lowerPrioRepeat; break;
                case "unicast_peer":
                    if (RequireBlock(s))
                    {
                        foreach (var p in s.Block!)
                        {
                            if (_read.Address(p.Words[0], "unicast_peer address") is { } peer)
                                peers.Add(peer);
                            if (p.ArgumentCount > 0)
                                _diagnostics.Warning(p.Argument(0).Location, $"unicast_peer option '{p.Argument(0).Text}' is not supported by LvsHa; ignored");
                        }
                    }
                    break;
                case "virtual_ipaddress":
                    VipList(s, vips);
                    break;
                case "virtual_ipaddress_excluded":
                    VipList(s, excluded);
                    break;
                case "track_interface" or "track_script" or "track_file":
                    Tracking(s, tracking);
                    break;
                case "smtp_alert":
                    smtpAlert = _read.Flag(s);
                    break;
                case "garp_master_delay": garpDelay = _read.Seconds(s, 0, 0, 86400, "garp_master_delay") ?? garpDelay; break;
                case "garp_master_repeat": garpRepeat = _read.Int(s, 0, 1, 10000, "garp_master_repeat") ?? garpRepeat; break;
                case "garp_master_refresh": garpRefresh = _read.Seconds(s, 0, 0, 86400, "garp_master_refresh") ?? garpRefresh; break;
                case "garp_master_refresh_repeat": garpRefreshRepeat = _read.Int(s, 0, 1, 10000, "garp_master_refresh_repeat") ?? garpRefreshRepeat; break;
                case "authentication":
                    auth = Authentication(s) ?? auth;
                    break;
                default:
                    if (!Notify(notify, s))
                        _read.NotSupported(s, "vrrp_instance");
                    break;
            }
        }

        if (iface is null && !block.Block!.Any(k => k.Keyword == "interface"))
            _diagnostics.Error(block.Location, $"vrrp_instance {name.Text} needs 'interface'");
        if (vrid is null && !block.Block!.Any(k => k.Keyword == "virtual_router_id"))
            _diagnostics.Error(block.Location, $"vrrp_instance {name.Text} needs 'virtual_router_id' (1..255)");
        if (vips.Count == 0)
            _diagnostics.Warning(block.Location, $"vrrp_instance {name.Text} has no virtual_ipaddress");
        if (nopreempt && state == VrrpState.Master)
        {
            _diagnostics.Warning(block.Location, $"vrrp_instance {name.Text}: nopreempt does not work with state MASTER; nopreempt cleared (as keepalived does)");
            nopreempt = false;
        }
        if (preemptDelay > TimeSpan.Zero && state == VrrpState.Master)
        {
            _diagnostics.Warning(block.Location, $"vrrp_instance {name.Text}: preempt_delay does not work with state MASTER; cleared (as keepalived does)");
            preemptDelay = TimeSpan.Zero;
        }
        if (vips.Count > 0 && vips[0].Family == IpFamily.IPv6 && version == 2)
        {
            // VRRPv2 is IPv4 only; keepalived runs IPv6 instances as VRRPv3.
            if (block.Block!.Any(k => k.Keyword == "version"))
                _diagnostics.Warning(block.Location, $"vrrp_instance {name.Text}: IPv6 needs VRRP version 3; version set to 3");
            version = 3;
        }
        if (version == 2 && advert.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            var rounded = TimeSpan.FromSeconds(Math.Max(1, Math.Round(advert.TotalSeconds)));
            _diagnostics.Warning(block.Location, $"vrrp_instance {name.Text}: VRRPv2 advert_int must be whole seconds; {advert.TotalSeconds} rounded to {rounded.TotalSeconds}");
            advert = rounded;
        }
        if (version == 3 && advert > TimeSpan.FromSeconds(40.95))
            _diagnostics.Error(block.Location, $"vrrp_instance {name.Text}: VRRPv3 advert_int must be at most 40.95 s");
        var families = vips.Select(v => v.Family).Distinct().ToList();
        if (families.Count > 1)
            _diagnostics.Error(vips.First(v => v.Family != vips[0].Family).Location,
                $"mixed address families in virtual_ipaddress of vrrp_instance {name.Text}: use one instance per family");
        if (unicastSrc is not null && families.Count == 1 && ValueReader.FamilyOf(unicastSrc) != families[0])
            _diagnostics.Error(block.Location, $"vrrp_instance {name.Text}: unicast_src_ip {unicastSrc} is not of the VIPs' family");
        foreach (var peer in peers)
        {
            if (families.Count == 1 && ValueReader.FamilyOf(peer) != families[0])
                _diagnostics.Error(block.Location, $"vrrp_instance {name.Text}: unicast_peer {peer} is not of the VIPs' family");
        }
        if (auth is not null && version == 3)
            _diagnostics.Warning(auth.Location, $"vrrp_instance {name.Text}: VRRPv3 has no authentication; ignored");
        if (auth is { Type: VrrpAuthType.Ah } && version == 2)
            _diagnostics.Error(auth.Location, $"vrrp_instance {name.Text}: auth_type AH (IPsec) is not implemented by LvsHa; use auth_type PASS or VRRPv3 without authentication");
        if (mcastSrc is not null && families.Count == 1 && ValueReader.FamilyOf(mcastSrc) != families[0])
            _diagnostics.Error(block.Location, $"vrrp_instance {name.Text}: mcast_src_ip {mcastSrc} is not of the VIPs' family");
        if (global.VrrpStrict && peers.Count > 0)
            _diagnostics.Error(block.Location, $"vrrp_instance {name.Text}: vrrp_strict does not allow unicast_peer (as keepalived)");
        if (global.VrrpStrict && auth is not null && version == 2)
            _diagnostics.Error(auth.Location, $"vrrp_instance {name.Text}: vrrp_strict does not allow authentication (as keepalived)");
        else if (auth is { Password: "" } && version == 2)
            // keepalived reports it and then sends adverts without authentication: refused rather than guessed.
            _diagnostics.Error(auth.Location, $"vrrp_instance {name.Text}: authentication without auth_pass (keepalived reports it and runs the instance without authentication); write auth_pass on its own line");

        if (iface is null || vrid is null)
            return;
        _vrrpInstances.Add(new VrrpInstance
        {
            Name = name.Text,
            State = state,
            Interface = iface,
            VirtualRouterId = vrid.Value,
            // keepalived 2.2 (vrrp_complete_instance): state MASTER without a priority is the address owner (255).
            Priority = priority ?? (state == VrrpState.Master ? 255 : 100),
            AdvertInterval = advert,
            Version = version,
            NoPreempt = nopreempt,
            PreemptDelay = preemptDelay,
            UnicastSourceIp = unicastSrc,
            MulticastSourceIp = mcastSrc,
            DontTrackPrimary = dontTrackPrimary,
            PromoteSecondaries = promoteSecondaries,
            SkipCheckAdvertAddresses = skipCheck,
            GarpInterval = global.VrrpGarp.Interval,
            GnaInterval = global.VrrpGarp.NaInterval,
            GarpLowerPriorityRepeat = lowerPrioRepeat,
            UnicastPeers = peers,
            VirtualIpAddresses = vips,
            VirtualIpAddressesExcluded = excluded,
            TrackInterfaces = tracking.Interfaces,
            TrackScripts = tracking.Scripts,
            TrackFiles = tracking.Files,
            SmtpAlert = VrrpSmtpAlert(smtpAlert),
            Notify = notify.Notify,
            NotifyMaster = notify.Master,
            NotifyBackup = notify.Backup,
            NotifyFault = notify.Fault,
            NotifyStop = notify.Stop,
            GarpMasterDelay = garpDelay,
            GarpMasterRepeat = garpRepeat,
            GarpMasterRefresh = garpRefresh,
            GarpMasterRefreshRepeat = garpRefreshRepeat,
            Authentication = version == 3 ? null : auth,
            Location = block.Location,
        });
    }

    /// <summary>notify, notify_master/backup/fault/stop of instances and sync groups (the first of each counts, as in keepalived); true when handled.</summary>
    private bool Notify(NotifyDraft n, SyntaxStatement s)
    {
        switch (s.Keyword)
        {
            case "notify": n.Notify = First(n.Notify, s); return true;
            case "notify_master": n.Master = First(n.Master, s); return true;
            case "notify_backup": n.Backup = First(n.Backup, s); return true;
            case "notify_fault": n.Fault = First(n.Fault, s); return true;
            case "notify_stop": n.Stop = First(n.Stop, s); return true;
            default: return false;
        }
    }

    private NotifyScript? First(NotifyScript? earlier, SyntaxStatement s) => Repeated(s, earlier?.Location) ? earlier : _read.Script(s);

    /// <summary>The trackers of a vrrp_instance or vrrp_sync_group, as written.</summary>
    private sealed class TrackingDraft
    {
        public List<TrackedInterface> Interfaces { get; } = [];
        public List<TrackedScript> Scripts { get; } = [];
        public List<TrackedFile> Files { get; } = [];
    }

    /// <summary>`track_interface`, `track_script` or `track_file { NAME [weight N [reverse|noreverse]] ... }`.</summary>
    private void Tracking(SyntaxStatement s, TrackingDraft into)
    {
        if (!RequireBlock(s))
            return;
        foreach (var t in s.Block!)
        {
            var weight = TrackWeight(t, out var reverse);
            switch (s.Keyword)
            {
                case "track_interface": into.Interfaces.Add(new TrackedInterface(t.Keyword, weight ?? 0, t.Location) { Reverse = reverse }); break;
                case "track_script": into.Scripts.Add(new TrackedScript(t.Keyword, weight, t.Location) { Reverse = reverse }); break;
                default: into.Files.Add(new TrackedFile(t.Keyword, weight, t.Location) { Reverse = reverse }); break;
            }
        }
    }

    private int? TrackWeight(SyntaxStatement t, out bool? reverse)
    {
        reverse = null;
        if (t.ArgumentCount == 0)
            return null;
        if (t.Argument(0).Text != "weight" || t.ArgumentCount < 2)
        {
            _diagnostics.Error(t.Argument(0).Location, $"expected 'weight N' after '{t.Keyword}'");
            return null;
        }
        var w = (int?)_read.Integer(t.Argument(1), -254, 254, "weight");
        if (t.ArgumentCount > 2)
        {
            if (t.Argument(2).Text == "reverse")
                reverse = true;
            else if (t.Argument(2).Text == "noreverse")
                reverse = false;
            else
                _diagnostics.Error(t.Argument(2).Location, $"expected 'reverse' or 'noreverse' after the weight of '{t.Keyword}'");
        }
        return w;
    }

    /// <summary>`ADDR[/LEN] [brd ADDR] [dev IF] [scope SCOPE] [label LABEL]` lines.</summary>
    private void VipList(SyntaxStatement s, List<Vip> into)
    {
        if (!RequireBlock(s))
            return;
        foreach (var line in s.Block!)
        {
            NoBlock(line);
            var first = line.Words[0];
            string addressText = first.Text;
            int? prefix = null;
            int slash = addressText.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                if (!int.TryParse(addressText.AsSpan(slash + 1), out int len))
                {
                    _diagnostics.Error(first.Location, $"invalid virtual_ipaddress '{first.Text}': bad prefix length");
                    continue;
                }
                prefix = len;
                addressText = addressText[..slash];
            }
            var address = ValueReader.TryParseAddress(addressText);
            if (address is null)
            {
                _diagnostics.Error(first.Location, $"invalid virtual_ipaddress '{first.Text}': expected an IPv4 or IPv6 address");
                continue;
            }
            int max = ValueReader.FamilyOf(address) == IpFamily.IPv6 ? 128 : 32;
            if (prefix is < 0 || prefix > max)
            {
                _diagnostics.Error(first.Location, $"invalid virtual_ipaddress '{first.Text}': prefix length must be 0..{max}");
                continue;
            }
            string? dev = null, label = null, scope = null;
            IPAddress? brd = null;
            for (int i = 1; i < line.Words.Count; i++)
            {
                var option = line.Words[i];
                bool hasValue = i + 1 < line.Words.Count;
                switch (option.Text)
                {
                    case "dev" when hasValue: dev = line.Words[++i].Text; break;
                    case "label" when hasValue: label = line.Words[++i].Text; break;
                    case "scope" when hasValue:
                        var sc = line.Words[++i];
                        if (sc.Text is "global" or "site" or "link" or "host" or "nowhere" || byte.TryParse(sc.Text, out _))
                            scope = sc.Text;
                        else
                            _diagnostics.Error(sc.Location, $"invalid scope '{sc.Text}': expected global, site, link, host, nowhere or 0..255");
                        break;
                    case "brd" or "broadcast" when hasValue: brd = _read.StrictAddress(line.Words[++i], "broadcast address"); break;
                    case "dev" or "label" or "scope" or "brd" or "broadcast":
                        _diagnostics.Error(option.Location, $"'{option.Text}' needs a value");
                        break;
                    default:
                        _diagnostics.Warning(option.Location, $"virtual_ipaddress option '{option.Text}' is not supported by LvsHa; ignored");
                        // Options like 'peer ADDR' or 'preferred_lft N' take a value; skip it so it is not read as an option.
                        if (hasValue && option.Text is "peer" or "preferred_lft" or "track_group" or "metric" or "table" or "proto")
                            i++;
                        break;
                }
            }
            into.Add(new Vip(address, prefix ?? max, dev, label, scope, brd, first.Location));
        }
    }

    private VrrpAuthentication? Authentication(SyntaxStatement s)
    {
        if (!RequireBlock(s))
            return null;
        VrrpAuthType? type = null;
        string? pass = null;
        foreach (var k in s.Block!)
        {
            switch (k.Keyword)
            {
                case "auth_type":
                    // keepalived reads one keyword per line: `auth_type PASS auth_pass x` sets no password.
                    _read.NoMoreThan(k, 1);
                    if (_read.Arg(k, 0, "PASS or AH") is { } t)
                    {
                        if (t.Text.Equals("PASS", StringComparison.OrdinalIgnoreCase))
                            type = VrrpAuthType.Pass;
                        else if (t.Text.Equals("AH", StringComparison.OrdinalIgnoreCase))
                            type = VrrpAuthType.Ah;
                        else
                            _diagnostics.Error(t.Location, $"invalid auth_type '{t.Text}': expected PASS or AH");
                    }
                    break;
                case "auth_pass":
                    if (_read.Arg(k, 0, "a password") is { } p)
                    {
                        pass = p.Text;
                        if (pass.Length > 8)
                        {
                            _diagnostics.Warning(p.Location, "auth_pass longer than 8 characters: truncated to 8 (as keepalived)");
                            pass = pass[..8];
                        }
                    }
                    break;
                default:
                    _read.NotSupported(k, "authentication");
                    break;
            }
        }
        if (type is null)
        {
            _diagnostics.Error(s.Location, "authentication needs 'auth_type PASS|AH'");
            return null;
        }
        return new VrrpAuthentication(type.Value, pass ?? "", s.Location);
    }

    private void VrrpScriptBlock(SyntaxStatement block)
    {
        var name = _read.Arg(block, 0, "a script name");
        if (!RequireBlock(block) || name is null)
            return;
        string? script = null;
        var interval = TimeSpan.FromSeconds(1);
        TimeSpan? timeout = null;
        int weight = 0, rise = 1, fall = 1;
        var weightReverse = false;
        var initFail = false;
        string? user = null;
        foreach (var s in block.Block!)
        {
            switch (s.Keyword)
            {
                case "script": script = _read.Rest(s, "a command") ?? script; break;
                case "interval": interval = _read.Seconds(s, 0, 0.001, 86400, "interval") ?? interval; break;
                case "timeout": timeout = _read.Seconds(s, 0, 0.001, 86400, "timeout") ?? timeout; break;
                case "weight":
                    weight = _read.Int(s, 0, -253, 253, "weight") ?? weight;
                    if (s.ArgumentCount > 1 && s.Argument(1).Text == "reverse")
                        weightReverse = true;
                    else if (s.ArgumentCount > 1)
                        _diagnostics.Error(s.Argument(1).Location, "expected 'reverse' after the weight");
                    break;
                case "init_fail": initFail = true; break;
                case "rise": rise = _read.Int(s, 0, 1, 1000, "rise") ?? rise; break;
                case "fall": fall = _read.Int(s, 0, 1, 1000, "fall") ?? fall; break;
                case "user":
                    user = _read.User(s);
                    break;
                default:
                    _read.NotSupported(s, "vrrp_script");
                    break;
            }
        }
        if (script is null)
        {
            _diagnostics.Error(block.Location, $"vrrp_script {name.Text} needs 'script'");
            return;
        }
        _vrrpScripts.Add(new VrrpScript
        {
            Name = name.Text,
            Script = script,
            Interval = interval,
            Timeout = timeout ?? interval,
            Weight = weight,
            WeightReverse = weightReverse,
            InitFail = initFail,
            Rise = rise,
            Fall = fall,
            User = user,
            Location = block.Location,
        });
    }

    private void VrrpSyncGroupBlock(SyntaxStatement block)
    {
        var name = _read.Arg(block, 0, "a group name");
        if (!RequireBlock(block) || name is null)
            return;
        var instances = new List<string>();
        var notify = new NotifyDraft();
        SourceLocation? groupList = null;
        bool? smtpAlert = null;
        var tracking = new TrackingDraft();
        foreach (var s in block.Block!)
        {
            switch (s.Keyword)
            {
                case "smtp_alert":
                    smtpAlert = _read.Flag(s);
                    break;
                case "track_interface" or "track_script" or "track_file":
                    Tracking(s, tracking);
                    break;
                case "group":
                    if (RequireBlock(s) && !Repeated(s, groupList))
                    {
                        groupList = s.Location;
                        instances.AddRange(s.Block!.SelectMany(l => l.Words).Select(w => w.Text));
                    }
                    break;
                default:
                    if (!Notify(notify, s))
                        _read.NotSupported(s, "vrrp_sync_group");
                    break;
            }
        }
        if (instances.Distinct(StringComparer.Ordinal).Count() == 1)
            _diagnostics.Warning(groupList!.Value, $"vrrp_sync_group {name.Text} has one member: it runs as {instances[0]} alone would, with the group's tracking and notify scripts (keepalived reports it as an error: \"this probably isn't what you want\")");
        _syncGroups.Add(new VrrpSyncGroup
        {
            Name = name.Text,
            Instances = instances,
            TrackInterfaces = tracking.Interfaces,
            TrackScripts = tracking.Scripts,
            TrackFiles = tracking.Files,
            Notify = notify.Notify,
            NotifyMaster = notify.Master,
            NotifyBackup = notify.Backup,
            NotifyFault = notify.Fault,
            NotifyStop = notify.Stop,
            SmtpAlert = VrrpSmtpAlert(smtpAlert),
            Location = block.Location,
        });
    }
}
