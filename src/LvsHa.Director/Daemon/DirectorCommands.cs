using System.Net;
using Akka.Actor;
using LvsHa.Director.Control;
using LvsHa.Director.Hosting;
using LvsHa.Director.Instances;
using LvsHa.Director.Lvs;

namespace LvsHa.Director.Daemon;

/// <summary>The control socket's operator actions on the running director: reload, drain, failover.</summary>
public sealed class DirectorCommands(DirectorRuntime runtime, DirectorReloader reloader) : IDirectorCommands
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public async Task<(bool Applied, IReadOnlyList<string> Messages)> ReloadAsync(CancellationToken cancellationToken)
    {
        var result = await reloader.ReloadAsync(cancellationToken).ConfigureAwait(false);
        return (result.Applied, result.Messages);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> DrainAsync(string? virtualService, IPAddress address, int? port, bool drain, CancellationToken cancellationToken)
    {
        var lvs = Started().Lvs ?? throw new ArgumentException("this director runs no virtual_server");
        var applied = await lvs.Reconciler.Ask<DrainApplied>(
            new DrainRealServer(virtualService, address, port, drain), AskTimeout, cancellationToken).ConfigureAwait(false);
        return [.. applied.Matched.Select(m => $"{m.VirtualService} {m.RealServer}")];
    }

    /// <inheritdoc />
    public async Task<string> DrainDirectorAsync(bool drain, CancellationToken cancellationToken)
    {
        var announcer = Started().Lvs?.Announcer
            ?? throw new ArgumentException("this director announces nothing by BGP (no bgp block); `lvsha failover INSTANCE` hands a vrrp_instance's VIPs to another director");
        var status = await announcer.Ask<Bgp.BgpStatus>(new Bgp.DrainDirector(drain), AskTimeout, cancellationToken).ConfigureAwait(false);
        var announced = status.Announced.IsEmpty ? "nothing" : string.Join(' ', status.Announced);
        return drain
            ? "director drained: every BGP route withdrawn; established connections move to the other directors. It stays drained until `lvsha drain --director --undo` or a restart"
            : $"director undrained: announcing {announced}";
    }

    /// <inheritdoc />
    public async Task<string> FailoverAsync(string instance, bool release, CancellationToken cancellationToken)
    {
        if (!Started().Instances.TryGetValue(instance, out var actor))
            throw new ArgumentException($"no vrrp_instance {instance} on this director");
        var before = await actor.Ask<InstanceStatus>(GetInstanceStatus.Instance, AskTimeout, cancellationToken).ConfigureAwait(false);
        var after = await actor.Ask<InstanceStatus>(release ? new LvsHa.Vrrp.ReleaseFailover() : (LvsHa.Vrrp.VrrpInput)new LvsHa.Vrrp.ForceFailover(), AskTimeout, cancellationToken).ConfigureAwait(false);
        if (release)
            return $"vrrp_instance {instance}: hold released ({after.State}); it preempts again as configured";
        return before.State == "MASTER"
            ? $"vrrp_instance {instance}: MASTER -> {after.State}, priority-0 advert sent; the next director takes the VIPs. " +
              $"This director does not preempt back until `lvsha failover --release {instance}` or a restart"
            : $"vrrp_instance {instance} is {before.State}, not master: nothing to hand over";
    }

    private DirectorRuntime Started() =>
        runtime.IsStarted ? runtime : throw new ArgumentException("the director is starting (its ActorSystem is not up yet)");
}
