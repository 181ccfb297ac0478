using Akka.Actor;

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

    /// <summary>Non-zero when the director stopped because it lost its ActorSystem (see <see cref="DirectorHost"/>).</summary>
    public int FailureExitCode { get; internal set; }

    /// <summary>Whether the ActorSystem and actors are up.</summary>
    public bool IsStarted => _state is not null;

    private State Started => _state ?? throw new InvalidOperationException("the director's ActorSystem has not started yet");

    internal void Attach(ActorSystem system, IActorRef majorityTracker, IReadOnlyDictionary<string, IActorRef> instances) =>
        _state = new State(system, majorityTracker, instances);

    private sealed record State(ActorSystem System, IActorRef MajorityTracker, IReadOnlyDictionary<string, IActorRef> Instances);
}
