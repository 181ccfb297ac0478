using System.Net;
using LvsHa.Config;
using LvsHa.Health.Files;
using LvsHa.Health.State;
using LvsHa.Ipvs;

namespace LvsHa.Director.Lvs;

/// <summary>
/// The health state the wanted IPVS table is built from, kept current by health decisions. Starts in keepalived's
/// start-up state (<see cref="StartupHealth"/>), except that a virtual service with FILE_CHECKs starts as its files
/// say (keepalived reads them before anything is programmed). Not thread-safe: owned by <see cref="IpvsReconcilerActor"/>.
/// </summary>
public sealed class LiveServiceHealth : IServiceHealth
{
    private readonly Dictionary<string, ServiceState> byName = new(StringComparer.Ordinal);
    private readonly Dictionary<VirtualServer, ServiceState> byVirtualServer = new(ReferenceEqualityComparer.Instance);

    /// <summary>Starts every mapped virtual service in its start-up state.</summary>
    public LiveServiceHealth(IEnumerable<MappedVirtualService> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        foreach (var service in services)
        {
            var state = new ServiceState(service.VirtualServer, StartupHealth.Instance.HasQuorum(service.VirtualServer));
            foreach (var realServer in service.VirtualServer.RealServers)
                state.RealServers[HealthSettingsMapper.Endpoint(realServer)] = StartupHealth.Instance.Of(service.VirtualServer, realServer);
            FollowFiles(service, state);
            byName.TryAdd(service.Name, state);
            byVirtualServer.TryAdd(service.VirtualServer, state);
        }
    }

    /// <summary>
    /// The start-up state of a virtual service with FILE_CHECKs, from its files as the health checks read them (the
    /// same rule, <see cref="VirtualServiceHealth"/>): no real server is programmed and removed a moment later.
    /// </summary>
    private static void FollowFiles(MappedVirtualService service, ServiceState state)
    {
        var files = FileChecks.Of(service.Settings);
        if (files.Count == 0)
            return;
        var health = new VirtualServiceHealth(service.Settings);
        _ = FileChecks.ReadInitial(health);
        state.Quorum = health.QuorumUp;
        foreach (var status in health.RealServerStatuses())
        {
            if (files.Any(f => service.Settings.RealServers[f.RealServer].Endpoint.Equals(status.RealServer)))
                state.RealServers[status.RealServer] = new RealServerHealth(status.Alive, status.Weight);
        }
    }

    /// <summary>
    /// Takes over the state of the named virtual services from <paramref name="previous"/> (a reload keeps the
    /// health of services whose block did not change; their checks keep running).
    /// </summary>
    public void CarryOver(LiveServiceHealth previous, IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(names);
        foreach (var name in names)
        {
            if (!byName.TryGetValue(name, out var state) || !previous.byName.TryGetValue(name, out var old))
                continue;
            state.Quorum = old.Quorum;
            foreach (var (endpoint, health) in old.RealServers)
            {
                if (state.RealServers.ContainsKey(endpoint))
                    state.RealServers[endpoint] = health;
            }
        }

        // An operator's drain outlasts a reload of any block that still has the real server.
        foreach (var (name, old) in previous.byName)
        {
            if (byName.TryGetValue(name, out var state))
                state.Drained.UnionWith(old.Drained.Where(state.RealServers.ContainsKey));
        }
    }

    /// <summary>
    /// Drains (weight 0 while alive: no new connections, established ones continue) or undrains every real server
    /// matching <paramref name="address"/> (and <paramref name="port"/> unless null) in the named virtual service,
    /// or in all when <paramref name="virtualService"/> is null. Returns the pairs it matched, with the virtual
    /// servers whose table entries change.
    /// </summary>
    public IReadOnlyList<(string VirtualService, IPEndPoint RealServer, VirtualServer VirtualServer)> SetDrained(
        string? virtualService, IPAddress address, int? port, bool drained)
    {
        ArgumentNullException.ThrowIfNull(address);
        var matched = new List<(string, IPEndPoint, VirtualServer)>();
        foreach (var (name, state) in byName)
        {
            if (virtualService is not null && !string.Equals(name, virtualService, StringComparison.Ordinal))
                continue;
            foreach (var endpoint in state.RealServers.Keys.Where(e => e.Address.Equals(address) && (port is null || e.Port == port)))
            {
                if (drained)
                    state.Drained.Add(endpoint);
                else
                    state.Drained.Remove(endpoint);
                matched.Add((name, endpoint, state.VirtualServer));
            }
        }
        return matched;
    }

    /// <summary>The drained real servers, by virtual service name.</summary>
    public IEnumerable<(string VirtualService, IPEndPoint RealServer)> Drained =>
        byName.SelectMany(s => s.Value.Drained.Select(e => (s.Key, e)));

    /// <inheritdoc/>
    public RealServerHealth Of(VirtualServer virtualServer, RealServer realServer)
    {
        ArgumentNullException.ThrowIfNull(virtualServer);
        ArgumentNullException.ThrowIfNull(realServer);
        var endpoint = HealthSettingsMapper.Endpoint(realServer);
        if (!byVirtualServer.TryGetValue(virtualServer, out var state) || !state.RealServers.TryGetValue(endpoint, out var health))
            return StartupHealth.Instance.Of(virtualServer, realServer);
        // A drained server that is alive stays in the kernel at weight 0, as ipvsadm -e -w 0 would leave it.
        return health.Alive && state.Drained.Contains(endpoint) ? health with { Weight = 0 } : health;
    }

    /// <inheritdoc/>
    /// <remarks>Follows the sorry server swaps (the only place the table depends on quorum); for a virtual server
    /// without sorry server it stays at its start-up value, which the table does not use.</remarks>
    public bool HasQuorum(VirtualServer virtualServer)
    {
        ArgumentNullException.ThrowIfNull(virtualServer);
        return byVirtualServer.TryGetValue(virtualServer, out var state) ? state.Quorum : StartupHealth.Instance.HasQuorum(virtualServer);
    }

    /// <summary>
    /// Takes one decision into the state and returns the virtual server whose table entries it changes, or null
    /// (a script, or an unknown virtual service: decisions of a configuration replaced by a reload).
    /// </summary>
    public VirtualServer? Apply(HealthDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (decision is RunScript || !byName.TryGetValue(decision.VirtualService, out var state))
            return null;
        switch (decision)
        {
            case RealServerUp up:
                Set(state, up.RealServer, alive: true, up.Weight);
                break;
            case RealServerDown down:
                Set(state, down.RealServer, alive: false, weight: null);
                break;
            case RealServerWeightChanged changed:
                Set(state, changed.RealServer, alive: null, changed.Weight);
                break;
            case SorryServerIn sorryIn:
                // While the sorry server serves, real server changes are not published: the live set is what
                // the swap names. The swaps published at start (quorum unchanged, empty lists) carry no pool.
                if (state.Quorum)
                    SetPool(state, sorryIn.RealServersOut);
                state.Quorum = false;
                break;
            case SorryServerOut sorryOut:
                if (!state.Quorum)
                    SetPool(state, sorryOut.RealServersBack);
                state.Quorum = true;
                break;
            default:
                return null;
        }
        return state.VirtualServer;
    }

    private static void Set(ServiceState state, IPEndPoint realServer, bool? alive, int? weight)
    {
        if (!state.RealServers.TryGetValue(realServer, out var current))
            return;
        state.RealServers[realServer] = new RealServerHealth(alive ?? current.Alive, weight ?? current.Weight);
    }

    private static void SetPool(ServiceState state, IReadOnlyList<PoolMember> alive)
    {
        foreach (var endpoint in state.RealServers.Keys.ToArray())
        {
            var member = alive.FirstOrDefault(m => m.RealServer.Equals(endpoint));
            Set(state, endpoint, member is not null, member?.Weight);
        }
    }

    private sealed class ServiceState(VirtualServer virtualServer, bool quorum)
    {
        public VirtualServer VirtualServer { get; } = virtualServer;

        public bool Quorum { get; set; } = quorum;

        public Dictionary<IPEndPoint, RealServerHealth> RealServers { get; } = [];

        public HashSet<IPEndPoint> Drained { get; } = [];
    }
}
