using Akka.Actor;
using Akka.Configuration;
using LvsHa.Director.Hosting;

namespace LvsHa.Director.Tests.Unit;

public sealed class PeerFailureGateTests
{
    private static readonly Type TlsReasonType = typeof(Akka.Remote.RemoteSettings).Assembly
        .GetType("Akka.Remote.Transport.DotNetty.TlsHandshakeFailureReason", throwOnError: true)!;

    // What Akka.Remote's TcpHandlers passes to CoordinatedShutdown.Run after a failed outgoing handshake.
    private static CoordinatedShutdown.Reason TlsReason() =>
        (CoordinatedShutdown.Reason)Activator.CreateInstance(TlsReasonType, "TLS handshake failed on outbound connection to [10.0.0.9:2552]")!;

    private static (ActorSystem System, TaskCompletionSource Unbound) StartSystem()
    {
        var config = ConfigurationFactory.ParseString(AkkaConfigBuilder.Build(new DirectorOptions { NodeName = "t" }));
        var system = ActorSystem.Create("gate", config);
        PeerFailureGate.Get(system);
        var unbound = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "probe", () =>
        {
            unbound.TrySetResult();
            return Task.FromResult(Akka.Done.Instance);
        });
        return (system, unbound);
    }

    [Fact]
    public void IsPeerCaused_AkkaRemotesTlsReason_True()
    {
        Assert.True(PeerFailureGate.IsPeerCaused(TlsReason()));
        Assert.False(PeerFailureGate.IsPeerCaused(CoordinatedShutdown.ClusterDowningReason.Instance));
        Assert.False(PeerFailureGate.IsPeerCaused(null));
    }

    [Fact]
    public async Task Run_TlsHandshakeFailure_NothingStopsUntilReleasedWithClrExit_ExitCode0()
    {
        var (system, unbound) = StartSystem();
        var gate = PeerFailureGate.Get(system);

        _ = CoordinatedShutdown.Get(system).Run(TlsReason());
        await Task.Delay(700);
        Assert.False(unbound.Task.IsCompleted, "before-service-unbind ran: the VIPs would be released");
        Assert.False(system.WhenTerminated.IsCompleted);
        Assert.True(gate.IsHolding);
        Assert.Equal(0, DirectorRuntime.ExitCodeFor(null));

        // A second failed handshake changes nothing.
        _ = CoordinatedShutdown.Get(system).Run(TlsReason());

        // SIGTERM: the held run goes on, every phase runs, a requested stop exits 0.
        _ = gate.Stop(CoordinatedShutdown.ClrExitReason.Instance);
        await unbound.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await system.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.IsType<CoordinatedShutdown.ClrExitReason>(gate.EffectiveReason);
        Assert.Equal(0, DirectorRuntime.ExitCodeFor(gate.EffectiveReason));
    }

    [Fact]
    public async Task Release_DowningWhileHeld_StopsWithFailureExitCode()
    {
        var (system, _) = StartSystem();
        var gate = PeerFailureGate.Get(system);
        _ = CoordinatedShutdown.Get(system).Run(TlsReason());
        await Task.Delay(300);

        Assert.True(gate.Release(CoordinatedShutdown.ClusterDowningReason.Instance));
        Assert.False(gate.Release(CoordinatedShutdown.ClrExitReason.Instance));
        await system.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(DirectorHost.ActorSystemLostExitCode, DirectorRuntime.ExitCodeFor(gate.EffectiveReason));
    }

    [Fact]
    public async Task Stop_NotHeld_RunsCoordinatedShutdownAtOnce()
    {
        var (system, unbound) = StartSystem();
        var gate = PeerFailureGate.Get(system);

        Assert.False(gate.Release(CoordinatedShutdown.ClrExitReason.Instance));
        _ = gate.Stop(CoordinatedShutdown.ClusterDowningReason.Instance);
        await unbound.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await system.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(gate.IsHolding);
        Assert.Equal(DirectorHost.ActorSystemLostExitCode, DirectorRuntime.ExitCodeFor(gate.EffectiveReason));
    }

    [Theory]
    [InlineData(typeof(CoordinatedShutdown.ActorSystemTerminateReason))]
    [InlineData(typeof(CoordinatedShutdown.ClusterLeavingReason))]
    [InlineData(typeof(CoordinatedShutdown.UnknownReason))]
    public void ExitCodeFor_EveryEndButARequestedStop_IsNonZero(Type reason)
    {
        var instance = (CoordinatedShutdown.Reason)reason.GetField("Instance")!.GetValue(null)!;
        Assert.NotEqual(0, DirectorRuntime.ExitCodeFor(instance));
    }
}
