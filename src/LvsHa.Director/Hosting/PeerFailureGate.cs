using Akka.Actor;
using Akka.Event;

namespace LvsHa.Director.Hosting;

/// <summary>
/// Keeps a healthy director running when Akka.Remote asks to stop it because a peer failed a TLS handshake.
/// Akka.Remote 1.5.74 (<c>TcpHandlers.UserEventTriggered</c>) runs <see cref="CoordinatedShutdown"/> with its internal
/// <c>TlsHandshakeFailureReason</c> (exit code 79) whenever an *outgoing* handshake fails: a stranger listening on a
/// seed address, a director with another secret, a peer killed or stuck mid-handshake. There is no setting to turn
/// that off and the handler is internal, so the director intercepts the shutdown itself: the first phase of
/// CoordinatedShutdown (<see cref="Phase"/>, before before-service-unbind) holds a run started for that reason, and
/// nothing has been stopped yet. The association just fails, Akka gates the address and retries. The held run goes
/// on only when the director really has to stop (<see cref="Stop"/>: SIGTERM, downing, a stuck join), and then with
/// that reason's exit code (<see cref="EffectiveReason"/>).
/// </summary>
public sealed class PeerFailureGate : IExtension
{
    /// <summary>The CoordinatedShutdown phase that holds a peer-caused run; every other phase comes after it.</summary>
    public const string Phase = "lvsha-peer-failure-gate";

    private readonly CoordinatedShutdown _shutdown;
    private readonly TaskCompletionSource<CoordinatedShutdown.Reason> _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile CoordinatedShutdown.Reason? _released;
    private int _holding;

    private PeerFailureGate(ExtendedActorSystem system)
    {
        _shutdown = CoordinatedShutdown.Get(system);
        _shutdown.AddTask(Phase, "hold-peer-caused-shutdown", () =>
        {
            if (!IsPeerCaused(_shutdown.ShutdownReason))
            {
                return Task.FromResult(Akka.Done.Instance);
            }

            Interlocked.Exchange(ref _holding, 1);
            system.Log.Warning(
                "Akka.Remote asked to stop this director after a failed TLS handshake with a peer ({0}); it keeps running and retries the peer",
                _shutdown.ShutdownReason);
            return _release.Task.ContinueWith(_ => Akka.Done.Instance, TaskScheduler.Default);
        });
    }

    /// <summary>HOCON that puts <see cref="Phase"/> before every CoordinatedShutdown phase (no timeout: it holds until released).</summary>
    public static string Hocon => $$"""
        akka.coordinated-shutdown.phases {
          {{Phase}} { timeout = 36500d, recover = off }
          before-service-unbind { depends-on = [{{Phase}}] }
        }
        """;

    /// <summary>Whether a peer-caused run is being held (the director runs on).</summary>
    public bool IsHolding => Volatile.Read(ref _holding) == 1 && _released is null;

    /// <summary>Why the director stops: the reason it was released with, else CoordinatedShutdown's (null while running).</summary>
    public CoordinatedShutdown.Reason? EffectiveReason => _released ?? _shutdown.ShutdownReason;

    /// <summary>The gate of <paramref name="system"/> (created, and its phase task registered, on first use).</summary>
    public static PeerFailureGate Get(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.WithExtension<PeerFailureGate, PeerFailureGateProvider>();
    }

    /// <summary>Whether <paramref name="reason"/> is Akka.Remote's stop for a failed outgoing TLS handshake.</summary>
    public static bool IsPeerCaused(CoordinatedShutdown.Reason? reason) =>
        reason?.GetType().FullName == "Akka.Remote.Transport.DotNetty.TlsHandshakeFailureReason";

    /// <summary>
    /// Stops the director for <paramref name="reason"/>: releases a held run with that reason, or starts
    /// CoordinatedShutdown with it. Directors' own code stops through here, never through CoordinatedShutdown.Run.
    /// </summary>
    public Task Stop(CoordinatedShutdown.Reason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return Release(reason) ? _release.Task : _shutdown.Run(reason);
    }

    /// <summary>Releases a held run with <paramref name="reason"/>; false when none is held (or it was released already).</summary>
    public bool Release(CoordinatedShutdown.Reason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (!IsPeerCaused(_shutdown.ShutdownReason) || _released is not null)
        {
            return false;
        }

        _released = reason;
        _release.TrySetResult(reason);
        return true;
    }

    /// <summary>Creates the gate.</summary>
    private sealed class PeerFailureGateProvider : ExtensionIdProvider<PeerFailureGate>
    {
        public override PeerFailureGate CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
