namespace LvsHa.Config;

/// <summary>Checks across blocks (duplicates, references between blocks); every problem is reported, not only the first.</summary>
internal static class ConfigValidator
{
    public static void Validate(LvsHaConfig config, DiagnosticBag diagnostics)
    {
        VirtualServers(config, diagnostics);
        Vrrp(config, diagnostics);
    }

    private static void VirtualServers(LvsHaConfig config, DiagnosticBag diagnostics)
    {
        var services = new Dictionary<(IpFamily, ServiceProtocol, System.Net.IPAddress?, int, uint), (VirtualServer Vs, ServiceEndpoint Ep)>();
        foreach (var vs in config.VirtualServers)
        {
            foreach (var ep in vs.Endpoints)
            {
                // IPVS keys a fwmark service by mark and family only; the protocol does not tell two apart.
                var key = ep.IsFwmark
                    ? (ep.Family, ServiceProtocol.Tcp, (System.Net.IPAddress?)null, 0, ep.Fwmark)
                    : (ep.Family, ep.Protocol, ep.Address, ep.Port, 0u);
                if (services.TryGetValue(key, out var first))
                {
                    string where = first.Vs.GroupName is null ? first.Vs.Location.ToString() : $"{first.Ep.Location} (group '{first.Vs.GroupName}')";
                    diagnostics.Error(vs.GroupName is null ? vs.Location : ep.Location,
                        $"duplicate virtual server {ep}: already defined at {where}");
                    continue;
                }
                services.Add(key, (vs, ep));
            }
        }
    }

    private static void Vrrp(LvsHaConfig config, DiagnosticBag diagnostics)
    {
        var instances = new Dictionary<string, VrrpInstance>(StringComparer.Ordinal);
        var routers = new Dictionary<(string, int, IpFamily), VrrpInstance>();
        foreach (var vi in config.VrrpInstances)
        {
            if (!instances.TryAdd(vi.Name, vi))
                diagnostics.Error(vi.Location, $"duplicate vrrp_instance '{vi.Name}' (first defined at {instances[vi.Name].Location})");
            var family = vi.VirtualIpAddresses.Count > 0 ? vi.VirtualIpAddresses[0].Family : IpFamily.IPv4;
            if (!routers.TryAdd((vi.Interface, vi.VirtualRouterId, family), vi))
            {
                var other = routers[(vi.Interface, vi.VirtualRouterId, family)];
                diagnostics.Error(vi.Location,
                    $"vrrp_instance {vi.Name} uses virtual_router_id {vi.VirtualRouterId} on {vi.Interface} like vrrp_instance {other.Name} ({other.Location})");
            }
        }

        var scripts = new Dictionary<string, VrrpScript>(StringComparer.Ordinal);
        foreach (var script in config.VrrpScripts)
        {
            if (!scripts.TryAdd(script.Name, script))
                diagnostics.Error(script.Location, $"duplicate vrrp_script '{script.Name}' (first defined at {scripts[script.Name].Location})");
        }
        foreach (var vi in config.VrrpInstances)
        {
            foreach (var track in vi.TrackScripts)
            {
                if (!scripts.ContainsKey(track.Name))
                    diagnostics.Warning(track.Location, $"vrrp_instance {vi.Name} tracks unknown vrrp_script '{track.Name}': ignored (as keepalived does)");
            }
        }

        var files = new Dictionary<string, TrackFile>(StringComparer.Ordinal);
        foreach (var file in config.TrackFiles)
        {
            if (!files.TryAdd(file.Name, file))
                diagnostics.Error(file.Location, $"duplicate track_file '{file.Name}' (first defined at {files[file.Name].Location})");
        }
        foreach (var vi in config.VrrpInstances)
        {
            // keepalived reports an unknown or repeated track file and runs without it: refused here, as a
            // tracker silently missing changes when the instance gives up its VIPs.
            foreach (var track in vi.TrackFiles.Where(t => !files.ContainsKey(t.Name)))
                diagnostics.Error(track.Location, $"vrrp_instance {vi.Name} tracks unknown track_file '{track.Name}'");
            // keepalived reports a repeated tracker ("duplicate track_script") and keeps the first; the instance's
            // lists include its sync group's trackers, so this also finds one written in both.
            Twice(vi, "track_interface", vi.TrackInterfaces.Select(t => (t.Name, t.Location)), diagnostics);
            Twice(vi, "track_script", vi.TrackScripts.Select(t => (t.Name, t.Location)), diagnostics);
            Twice(vi, "track_file", vi.TrackFiles.Where(t => files.ContainsKey(t.Name)).Select(t => (t.Name, t.Location)), diagnostics);
        }

        var member = new Dictionary<string, VrrpSyncGroup>(StringComparer.Ordinal);
        foreach (var group in config.VrrpSyncGroups)
        {
            if (group.Instances.Count == 0)
                diagnostics.Error(group.Location, $"vrrp_sync_group {group.Name} needs 'group {{ INSTANCE ... }}'");
            foreach (var name in group.Instances)
            {
                if (!instances.ContainsKey(name))
                    diagnostics.Error(group.Location, $"vrrp_sync_group {group.Name} refers to unknown vrrp_instance '{name}'");
                else if (!member.TryAdd(name, group))
                    diagnostics.Error(group.Location, $"vrrp_instance '{name}' is in vrrp_sync_group {member[name].Name} and {group.Name}");
            }
        }

        if (config.Global.LvsSyncDaemon is { VrrpInstance: { } syncInstance } daemon && !instances.ContainsKey(syncInstance))
            diagnostics.Error(daemon.Location, $"lvs_sync_daemon refers to unknown vrrp_instance '{syncInstance}'");
    }

    private static void Twice(VrrpInstance vi, string kind, IEnumerable<(string Name, SourceLocation Location)> tracked, DiagnosticBag diagnostics)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, location) in tracked.Where(t => !seen.Add(t.Name)))
            diagnostics.Error(location, $"vrrp_instance {vi.Name} tracks {kind} '{name}' twice");
    }
}
