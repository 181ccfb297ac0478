using System.Net;

namespace LvsHa.Health.State;

/// <summary>Something keepalived reports (mails) that does not change the kernel table, so it is not a
/// <see cref="HealthDecision"/>: taken with <see cref="VirtualServiceHealth.TakeNotices"/>.</summary>
/// <param name="VirtualService">The virtual service's name.</param>
public abstract record HealthNotice(string VirtualService);

/// <summary>A checker's verdict that changed the checker's state, or its first verdict (keepalived's checkers decide
/// their mail on these: check_*.c, checker_was_up and has_run).</summary>
/// <param name="VirtualService">The virtual service.</param>
/// <param name="RealServer">The real server.</param>
/// <param name="Checker">Index of the checker in the real server's checkers.</param>
/// <param name="Up">The verdict.</param>
/// <param name="Changed">Whether the verdict changed the checker's state (false only for a first verdict).</param>
/// <param name="RealServerUp">Whether the real server is alive after the verdict.</param>
/// <param name="RealServerChanged">Whether the verdict changed whether the real server is alive.</param>
/// <param name="TimedOut">A down verdict from a round that ran out of time.</param>
public sealed record CheckerVerdict(string VirtualService, IPEndPoint RealServer, int Checker, bool Up, bool Changed, bool RealServerUp, bool RealServerChanged, bool TimedOut = false)
    : HealthNotice(VirtualService);

/// <summary>The quorum state the virtual service starts with, when keepalived reports it (ipwrapper.c
/// update_quorum_state with init: quorum up, or quorum down with a sorry server to put in). keepalived then also runs
/// the state's script (do_vs_notifies): <paramref name="Script"/>, which the owner runs only when the state is news
/// (not for a service whose checks a reload restarted in the state it already had, as keepalived keeps it).</summary>
/// <param name="VirtualService">The virtual service.</param>
/// <param name="Up">Whether the quorum is up.</param>
/// <param name="Quorum">The quorum in force.</param>
/// <param name="Hysteresis">The hysteresis.</param>
/// <param name="Threshold">quorum + hysteresis, what the start was judged against.</param>
/// <param name="LiveWeight">The live real servers' weight sum.</param>
/// <param name="Script">quorum_up or quorum_down to run, if configured.</param>
public sealed record StartingQuorum(string VirtualService, bool Up, long Quorum, long Hysteresis, long Threshold, long LiveWeight, RunScript? Script = null)
    : HealthNotice(VirtualService);

/// <summary>The daemon stops a virtual service with omega (keepalived's clear_services: its live real servers and the
/// virtual server go down "Shutting down").</summary>
/// <param name="VirtualService">The virtual service.</param>
/// <param name="LiveRealServers">The real servers alive and in the pool at the stop.</param>
public sealed record ShuttingDown(string VirtualService, IReadOnlyList<IPEndPoint> LiveRealServers) : HealthNotice(VirtualService);

/// <summary>A reload took real servers away that were alive and in the pool (keepalived's clear_service_rs on reload:
/// their "=> Removing <=" mails), and the quorum this cost the virtual service, if it did (then its "Lost quorum"
/// mail, after theirs).</summary>
/// <param name="VirtualService">The virtual service.</param>
/// <param name="RealServers">The real servers removed while alive and in the pool.</param>
/// <param name="QuorumLost">The quorum loss, if the removal cost it.</param>
public sealed record RealServersRemoved(string VirtualService, IReadOnlyList<IPEndPoint> RealServers, QuorumChanged? QuorumLost)
    : HealthNotice(VirtualService);
