using Akka.Actor;
using LvsHa.Director.Hosting;
using LvsHa.Director.Instances;
using LvsHa.Director.Membership;

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

        var guard = options.Cluster?.SplitBrainGuard.ToString() ?? "None";
        return new StatusReport(
            options.NodeName,
            self,
            new QuorumReport(quorum.HasMajority, quorum.Reachable, quorum.Total, guard),
            members,
            [.. instances.OrderBy(i => i.Name, StringComparer.Ordinal)]);
    }
}
