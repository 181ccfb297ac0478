using Akka.Actor;
using LvsHa.Director.Lvs;

namespace LvsHa.Director.Hosting;

/// <summary>The running director's actors, filled in when the ActorSystem starts (for status and the lead's wiring).</summary>
public sealed class DirectorRuntime
{
    private volatile State? _state;

    /// <summary>Creates the runtime of <paramref name="options"/>.</summary>
    public DirectorRuntime(DirectorOptions options) => Options = options;

    /// <summary>The options the director runs with.</summary>
    public DirectorOptions Options { get; }

    /// <summary>The ActorSystem, once started.</summary>
    public ActorSystem System => Started.System;

    /// <summary>The majority tracker (/user/majority).</summary>
    public IActorRef MajorityTracker => Started.MajorityTracker;

    /// <summary>Instance actors by vrrp_instance name.</summary>
    public IReadOnlyDictionary<string, IActorRef> Instances => Started.Instances;

    /// <summary>The health and IPVS actors, or null when the configuration has no virtual_server.</summary>
    public LvsActors? Lvs => Started.Lvs;

    /// <summary>
    /// Process exit code after the host stopped: 0 only for a requested stop (SIGTERM, the host's own stop),
    /// <see cref="DirectorHost.ActorSystemLostExitCode"/> for every other end (downed by the cluster, a stuck join, the
    /// ActorSystem terminated), so that systemd's Restart=on-failure restarts the director. A peer's failed TLS
    /// handshake stops nothing (<see cref="PeerFailureGate"/>).
    /// </summary>
    public int ExitCode => ExitCodeFor(_state?.Gate.EffectiveReason);

    /// <summary>The exit code for a CoordinatedShutdown reason (null: the ActorSystem never stopped).</summary>
    public static int ExitCodeFor(CoordinatedShutdown.Reason? reason) => reason switch
    {
        null or CoordinatedShutdown.ClrExitReason => 0,
        _ => DirectorHost.ActorSystemLostExitCode,
    };

    /// <summary>Whether the ActorSystem and actors are up.</summary>
    public bool IsStarted => _state is not null;

    private State Started => _state ?? throw new InvalidOperationException("the director's ActorSystem has not started yet");

    internal void Attach(ActorSystem system, IActorRef majorityTracker, IReadOnlyDictionary<string, IActorRef> instances, LvsActors? lvs) =>
        _state = new State(system, PeerFailureGate.Get(system), majorityTracker, instances, lvs);

    private sealed record State(
        ActorSystem System, PeerFailureGate Gate, IActorRef MajorityTracker, IReadOnlyDictionary<string, IActorRef> Instances, LvsActors? Lvs);
}
