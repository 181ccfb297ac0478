using Akka.Actor;
using LvsHa.Director.Hosting;
using LvsHa.Director.Instances;
using LvsHa.Director.Lvs;
using LvsHa.Director.Membership;
using LvsHa.Ipvs;
using LvsHa.Netlink.Ipvs;

namespace LvsHa.Director.Control;

/// <summary>Builds the status report from the running director's actors and cluster view.</summary>
public sealed class DirectorStatusSource : IStatusSource
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);
    private readonly DirectorRuntime _runtime;

    /// <summary>Creates the source for <paramref name="runtime"/>.</summary>
    public DirectorStatusSource(DirectorRuntime runtime) => _runtime = runtime;

    /// <inheritdoc />
    public async Task<StatusReport> GetStatusAsync(CancellationToken cancellationToken)
    {
        if (!_runtime.IsStarted)
        {
            throw new StatusUnavailableException("the director is starting (its ActorSystem is not up yet)");
        }

        var options = _runtime.Options;
        var quorum = await _runtime.MajorityTracker.Ask<QuorumChanged>(GetQuorum.Instance, AskTimeout, cancellationToken).ConfigureAwait(false);
        var instances = await Task.WhenAll(_runtime.Instances.Values.Select(
            i => i.Ask<InstanceStatus>(GetInstanceStatus.Instance, AskTimeout, cancellationToken))).ConfigureAwait(false);

        string? self = null;
        var members = new List<MemberReport>();
        if (options.Cluster is not null)
        {
            var cluster = Akka.Cluster.Cluster.Get(_runtime.System);
            self = cluster.SelfAddress.ToString();
            var state = cluster.State;
            members.AddRange(state.Members.Select(m => new MemberReport(
                m.Address.ToString(), m.Status.ToString(), !state.Unreachable.Contains(m), [.. m.Roles.Order(StringComparer.Ordinal)])));
        }

        var guard = options.Cluster switch
        {
            null => "none (no cluster block)",
            { SplitBrainGuard: SplitBrainGuard.Majority, GuardsMastership: false } => "majority (inactive: fewer than 3 directors)",
            var cluster => cluster.SplitBrainGuard.ToString().ToLowerInvariant(),
        };
        return new StatusReport(
            options.NodeName,
            self,
            new QuorumReport(quorum.HasMajority, quorum.Reachable, quorum.Total, guard),
            members,
            [.. instances.OrderBy(i => i.Name, StringComparer.Ordinal)])
        {
            VirtualServices = _runtime.Lvs is { } lvs ? await VirtualServicesAsync(lvs, cancellationToken).ConfigureAwait(false) : [],
            Bgp = _runtime.Lvs?.Announcer is { } announcer
                ? await announcer.Ask<Bgp.BgpStatus>(LvsHa.Director.Bgp.GetBgpStatus.Instance, AskTimeout, cancellationToken).ConfigureAwait(false)
                : null,
        };
    }

    private static async Task<IReadOnlyList<VirtualServiceSummary>> VirtualServicesAsync(LvsActors lvs, CancellationToken cancellationToken)
    {
        var health = await lvs.Health.Ask<LvsStatus>(GetLvsStatus.Instance, AskTimeout, cancellationToken).ConfigureAwait(false);
        var state = await lvs.Reconciler.Ask<IpvsState>(GetIpvsState.Instance, AskTimeout, cancellationToken).ConfigureAwait(false);
        // Counters come live from the kernel (the reconciler's copy is only as fresh as its last drift read).
        var wanted = health.VirtualServices.Where(v => v.VirtualServer is not null)
            .SelectMany(v => VirtualServiceSummaries.Services(v.VirtualServer!)).ToHashSet();
        var present = (await lvs.Ipvs.GetServicesAsync(cancellationToken).ConfigureAwait(false))
            .Select(s => IpvsKeys.Normalize(s.Service.Key)).Where(wanted.Contains).ToArray();
        var kernel = new Dictionary<IpvsServiceKey, IReadOnlyList<IpvsDestinationEntry>>();
        foreach (var key in present)
            kernel[key] = await lvs.Ipvs.GetDestinationsAsync(key, cancellationToken).ConfigureAwait(false);
        return VirtualServiceSummaries.Build(health, kernel, state.Drained);
    }
}
