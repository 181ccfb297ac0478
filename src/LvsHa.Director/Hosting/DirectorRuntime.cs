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
    /// Process exit code after the host stopped: 0 for a requested stop, <see cref="DirectorHost.ActorSystemLostExitCode"/>
    /// when the cluster downed this director, <see cref="DirectorHost.TlsFailureExitCode"/> when Akka stopped it for a
    /// failed TLS handshake (another secret).
    /// </summary>
    public int ExitCode => _state?.Shutdown.ShutdownReason switch
    {
        null or CoordinatedShutdown.ClrExitReason => 0,
        var reason when reason.GetType().Name == "TlsHandshakeFailureReason" => DirectorHost.TlsFailureExitCode,
        _ => DirectorHost.ActorSystemLostExitCode,
    };

    /// <summary>Whether the ActorSystem and actors are up.</summary>
    public bool IsStarted => _state is not null;

    private State Started => _state ?? throw new InvalidOperationException("the director's ActorSystem has not started yet");

    internal void Attach(ActorSystem system, IActorRef majorityTracker, IReadOnlyDictionary<string, IActorRef> instances, LvsActors? lvs) =>
        _state = new State(system, CoordinatedShutdown.Get(system), majorityTracker, instances, lvs);

    private sealed record State(
        ActorSystem System, CoordinatedShutdown Shutdown, IActorRef MajorityTracker, IReadOnlyDictionary<string, IActorRef> Instances, LvsActors? Lvs);
}
