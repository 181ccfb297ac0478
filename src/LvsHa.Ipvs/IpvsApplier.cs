using System.Collections.Immutable;
using LvsHa.Netlink.Ipvs;

namespace LvsHa.Ipvs;

/// <summary>What one apply did: every operation with its outcome, and what still differs afterwards.</summary>
/// <param name="Results">Each operation sent, in order, with the kernel's answer.</param>
/// <param name="Remaining">Operations that would still be needed after the apply (empty when it converged).</param>
public sealed record ApplyReport(ImmutableArray<IpvsOperationResult> Results, ImmutableArray<IpvsOperation> Remaining)
{
    public int Succeeded => Results.Count(r => r.Succeeded);
    public int Failed => Results.Count(r => !r.Succeeded);
    public bool Converged => Remaining.IsEmpty;
}

/// <summary>
/// Makes the kernel table equal to a wanted table: one dump, the minimal plan, one pipelined batch. When the kernel
/// refuses something, every other operation is still attempted (a refused service only takes its own destinations
/// with it), and the table is read again so the report says exactly what is left undone.
/// </summary>
public sealed class IpvsApplier(IIpvs ipvs)
{
    public async Task<ImmutableArray<IpvsOperation>> PlanAsync(IpvsTable wanted, ReconcileScope scope,
        IReadOnlySet<IpvsServiceKey>? formerlyManaged = null, CancellationToken cancellationToken = default)
    {
        var actual = await IpvsTable.ReadAsync(ipvs, cancellationToken).ConfigureAwait(false);
        return IpvsReconciler.Plan(wanted, actual, scope, formerlyManaged);
    }

    public async Task<ApplyReport> ApplyAsync(IpvsTable wanted, ReconcileScope scope,
        IReadOnlySet<IpvsServiceKey>? formerlyManaged = null, CancellationToken cancellationToken = default)
    {
        var plan = await PlanAsync(wanted, scope, formerlyManaged, cancellationToken).ConfigureAwait(false);
        if (plan.IsEmpty)
            return new ApplyReport(ImmutableArray<IpvsOperationResult>.Empty, ImmutableArray<IpvsOperation>.Empty);

        var results = await ipvs.ExecuteAsync(plan, cancellationToken).ConfigureAwait(false);
        if (results.All(r => r.Succeeded))
            return new ApplyReport(results.ToImmutableArray(), ImmutableArray<IpvsOperation>.Empty);

        var remaining = await PlanAsync(wanted, scope, formerlyManaged, cancellationToken).ConfigureAwait(false);
        return new ApplyReport(results.ToImmutableArray(), remaining);
    }
}
