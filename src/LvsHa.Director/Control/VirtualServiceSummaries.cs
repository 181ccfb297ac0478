using LvsHa.Config;
using LvsHa.Director.Lvs;
using LvsHa.Ipvs;
using LvsHa.Netlink.Ipvs;

namespace LvsHa.Director.Control;

/// <summary>
/// Joins the health view of the virtual services with what the kernel holds for them (weights, connections, rates)
/// into the lines of <c>lvsha status</c>. Pure: the kernel's destinations are read by the caller.
/// </summary>
public static class VirtualServiceSummaries
{
    /// <summary>The IPVS services (normalised keys) a virtual_server block programs.</summary>
    public static IReadOnlyList<IpvsServiceKey> Services(VirtualServer virtualServer)
    {
        ArgumentNullException.ThrowIfNull(virtualServer);
        return [.. virtualServer.Endpoints.Select(e => IpvsKeys.Normalize(WantedTable.Service(virtualServer, e).Key)).Distinct()];
    }

    /// <summary>One summary per reported virtual service; <paramref name="kernel"/> holds the destinations of every
    /// service found in the kernel (by normalised key; a service missing from it is not in the kernel).</summary>
    public static IReadOnlyList<VirtualServiceSummary> Build(
        LvsStatus health, IReadOnlyDictionary<IpvsServiceKey, IReadOnlyList<IpvsDestinationEntry>> kernel, IReadOnlyCollection<DrainedRealServer> drained)
    {
        ArgumentNullException.ThrowIfNull(health);
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(drained);
        return [.. health.VirtualServices.Select(report => Summarize(report, kernel, drained))];
    }

    private static VirtualServiceSummary Summarize(
        VirtualServiceReport report, IReadOnlyDictionary<IpvsServiceKey, IReadOnlyList<IpvsDestinationEntry>> kernel,
        IReadOnlyCollection<DrainedRealServer> drained)
    {
        var virtualServer = report.VirtualServer;
        var endpoints = virtualServer?.Endpoints ?? [];
        var keys = virtualServer is null ? [] : Services(virtualServer);
        var realServers = report.RealServers.Select(rs =>
        {
            var configured = virtualServer?.RealServers.FirstOrDefault(r => HealthSettingsMapper.Endpoint(r).Equals(rs.RealServer));
            // The same real server under each of the block's services (a group or fwmark block has several).
            var entries = configured is null ? [] : endpoints
                .Select(e => (Key: IpvsKeys.Normalize(WantedTable.Service(virtualServer!, e).Key), Port: configured.PortFor(e)))
                .Select(s => kernel.TryGetValue(s.Key, out var destinations)
                    ? destinations.FirstOrDefault(d => d.Destination.Address.Equals(rs.RealServer.Address) && d.Destination.Port == s.Port)
                    : null)
                .OfType<IpvsDestinationEntry>()
                .ToArray();
            var last = rs.LastCheck;
            return new RealServerSummary(
                rs.RealServer.ToString(),
                HealthWord(rs) + (drained.Contains(new DrainedRealServer(report.Name, rs.RealServer)) ? ", drained" : ""),
                rs.Weight,
                entries.Length > 0 ? entries[0].Destination.Weight : null,
                entries.Sum(e => (long)e.ActiveConnections),
                entries.Sum(e => (long)e.InactiveConnections),
                entries.Sum(e => (long)e.Stats.ConnectionsPerSecond),
                entries.Sum(e => (long)e.Stats.InBytesPerSecond),
                last is null ? null : $"{last.Checker} {(last.Up ? "ok" : "failed")}: {last.Reason} ({last.Latency.TotalMilliseconds:0.#} ms)",
                last?.At,
                rs.History.Count(h => !h.Up),
                rs.History.Count);
        }).ToArray();
        return new VirtualServiceSummary(
            report.Name,
            report.QuorumUp,
            keys.Count > 0 && keys.All(kernel.ContainsKey),
            [.. keys.Select(k => k.ToString())],
            realServers,
            virtualServer is null ? "-" : virtualServer.Scheduler.ToString().ToLowerInvariant(),
            virtualServer is null ? "-" : MethodWord(virtualServer));
    }

    /// <summary>lb_kind as written: the block's method, or each method its real servers use when they differ.</summary>
    private static string MethodWord(VirtualServer virtualServer)
    {
        var methods = virtualServer.RealServers.Select(r => r.Method.Method).DefaultIfEmpty(virtualServer.Method.Method).Distinct();
        return string.Join(", ", methods.Select(m => m.ToString().ToUpperInvariant()));
    }

    private static string HealthWord(RealServerReport realServer) => (realServer.Alive, realServer.InPool) switch
    {
        (true, true) => "up",
        (true, false) => "up, not in pool",
        (false, true) => "down, weight 0",
        (false, false) => "down",
    };
}
