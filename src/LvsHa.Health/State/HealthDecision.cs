using System.Net;
using LvsHa.Health.Model;

namespace LvsHa.Health.State;

/// <summary>One thing the daemon must do because health changed; each becomes one reconciler operation (or one
/// script run), never a full resync.</summary>
/// <param name="VirtualService">The virtual service's name as given in <see cref="VirtualServiceHealthSettings"/>.</param>
public abstract record HealthDecision(string VirtualService);

/// <summary>A real server in the pool with its weight (add the destination, or raise an inhibited one's weight).</summary>
public sealed record PoolMember(IPEndPoint RealServer, int Weight, bool Inhibit);

/// <summary>The real server is up: add it with <paramref name="Weight"/> (or set that weight if it is inhibited).</summary>
public sealed record RealServerUp(string VirtualService, IPEndPoint RealServer, int Weight) : HealthDecision(VirtualService);

/// <summary>The real server is down: with <paramref name="Inhibit"/> set its weight to 0, otherwise remove it.</summary>
public sealed record RealServerDown(string VirtualService, IPEndPoint RealServer, bool Inhibit) : HealthDecision(VirtualService);

/// <summary>A live real server's weight changed (MISC_CHECK misc_dynamic): edit the destination.</summary>
public sealed record RealServerWeightChanged(string VirtualService, IPEndPoint RealServer, int Weight) : HealthDecision(VirtualService);

/// <summary>Quorum lost: take <paramref name="RealServersOut"/> out (weight 0 if inhibited, else remove) and add the
/// sorry server (or raise it from weight 0 when <paramref name="SorryServerInhibit"/>).</summary>
public sealed record SorryServerIn(
    string VirtualService,
    IPEndPoint SorryServer,
    bool SorryServerInhibit,
    IReadOnlyList<PoolMember> RealServersOut) : HealthDecision(VirtualService);

/// <summary>Quorum regained: remove the sorry server (weight 0 when <paramref name="SorryServerInhibit"/>) and put
/// <paramref name="RealServersBack"/> back with their weights.</summary>
public sealed record SorryServerOut(
    string VirtualService,
    IPEndPoint SorryServer,
    bool SorryServerInhibit,
    IReadOnlyList<PoolMember> RealServersBack) : HealthDecision(VirtualService);

/// <summary>The quorum was gained or lost (keepalived's "Gained quorum 1+0=1 <= 3"): for mail and logs, nothing in
/// the kernel (the swaps are <see cref="SorryServerIn"/> and <see cref="SorryServerOut"/>).</summary>
/// <param name="VirtualService">The virtual service.</param>
/// <param name="Up">Whether the quorum is up now.</param>
/// <param name="Quorum">The quorum in force.</param>
/// <param name="Hysteresis">The hysteresis.</param>
/// <param name="Threshold">The live weight the change was judged against (quorum plus or minus the hysteresis).</param>
/// <param name="LiveWeight">The live real servers' weight sum.</param>
public sealed record QuorumChanged(string VirtualService, bool Up, long Quorum, long Hysteresis, long Threshold, long LiveWeight)
    : HealthDecision(VirtualService);

/// <summary>Why a script runs.</summary>
public enum ScriptReason
{
    /// <summary>notify_up of a real server.</summary>
    NotifyUp,

    /// <summary>notify_down of a real server.</summary>
    NotifyDown,

    /// <summary>quorum_up of the virtual service.</summary>
    QuorumUp,

    /// <summary>quorum_down of the virtual service.</summary>
    QuorumDown,
}

/// <summary>Run a notify or quorum script (fire and forget, as keepalived does).</summary>
public sealed record RunScript(string VirtualService, ScriptCommand Script, ScriptReason Reason, IPEndPoint? RealServer = null)
    : HealthDecision(VirtualService);
