using System.Collections.Immutable;
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

    /// <summary>Instance actors by vrrp_instance name (those running now: a reload may add and remove some).</summary>
    public IReadOnlyDictionary<string, IActorRef> Instances => Started.Running.ToImmutableDictionary(r => r.Key, r => r.Value.Actor, StringComparer.Ordinal);

    /// <summary>The options each running instance runs with, by vrrp_instance name.</summary>
    public IReadOnlyDictionary<string, VrrpInstanceOptions> InstanceOptions => Started.Running.ToImmutableDictionary(r => r.Key, r => r.Value.Options, StringComparer.Ordinal);

    /// <summary>The health and IPVS actors, or null when the configuration has no virtual_server.</summary>
    public LvsActors? Lvs => Started.Lvs;

    /// <summary>
    /// Process exit code after the host stopped: 0 only for a requested stop (SIGTERM, the host's own stop),
    /// <see cref="DirectorHost.ActorSystemLostExitCode"/> for every other end (downed by the cluster, a stuck join, the
    /// ActorSystem terminated), so that systemd's Restart=on-failure restarts the director. A peer's failed TLS
    /// handshake stops nothing (<see cref="PeerFailureGate"/>).
    /// </summary>
    public int ExitCode => ExitCodeFor(StopReason);

    /// <summary>Why the ActorSystem stopped (null while it runs, or when it never started).</summary>
    public CoordinatedShutdown.Reason? StopReason => _state?.Gate.EffectiveReason;

    /// <summary>The exit code for a CoordinatedShutdown reason (null: the ActorSystem never stopped).</summary>
    public static int ExitCodeFor(CoordinatedShutdown.Reason? reason) => reason switch
    {
        null or CoordinatedShutdown.ClrExitReason => 0,
        _ => DirectorHost.ActorSystemLostExitCode,
    };

    /// <summary>Whether the ActorSystem and actors are up.</summary>
    public bool IsStarted => _state is not null;

    private State Started => _state ?? throw new InvalidOperationException("the director's ActorSystem has not started yet");

    /// <summary>Starts <paramref name="instance"/> as the director starts its configured ones (a reload added it).</summary>
    /// <exception cref="InvalidActorNameException">An instance with its virtual_router_id is still running.</exception>
    public void StartInstance(VrrpInstanceOptions instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var state = Started;
        var actor = state.Launcher.Start(instance);
        _state = state with { Running = state.Running.SetItem(instance.Name, new RunningInstance(actor, instance)) };
    }

    /// <summary>Gives the running instance <paramref name="instance"/>'s reloaded options (what it may change in place).</summary>
    public void ReloadInstance(VrrpInstanceOptions instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var state = Started;
        var running = state.Running[instance.Name] with { Options = instance };
        _state = state with { Running = state.Running.SetItem(instance.Name, running) };
        running.Actor.Tell(new LvsHa.Director.Instances.ReloadInstance(instance));
    }

    /// <summary>
    /// Stops instance <paramref name="name"/> as at the director's stop (a reload removed it); from the start of the
    /// stop it is no longer among <see cref="Instances"/> (status, trackers and the watchdog no longer ask it).
    /// </summary>
    public Task StopInstanceAsync(string name)
    {
        var state = Started;
        var (actor, options) = state.Running[name];
        _state = state with { Running = state.Running.Remove(name) };
        return state.Launcher.StopAsync(options, actor);
    }

    // Starts the configured instances with the launcher a reload uses for the ones it adds.
    internal void Attach(ActorSystem system, IActorRef majorityTracker, InstanceLauncher launcher, LvsActors? lvs)
    {
        var running = Options.Instances.ToImmutableDictionary(i => i.Name, i => new RunningInstance(launcher.Start(i), i), StringComparer.Ordinal);
        _state = new State(system, PeerFailureGate.Get(system), majorityTracker, launcher, running, lvs);
    }

    // An instance's actor and the options it runs with: one entry, so a start, reload or stop changes both or neither.
    private sealed record RunningInstance(IActorRef Actor, VrrpInstanceOptions Options);

    // Replaced whole when a reload starts, reloads or stops an instance (reloads run one at a time), never changed in
    // place: status and the trackers read it from other threads.
    private sealed record State(
        ActorSystem System, PeerFailureGate Gate, IActorRef MajorityTracker, InstanceLauncher Launcher,
        ImmutableDictionary<string, RunningInstance> Running, LvsActors? Lvs);
}
