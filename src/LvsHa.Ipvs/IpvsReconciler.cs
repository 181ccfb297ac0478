using System.Collections.Immutable;
using System.Net;
using LvsHa.Netlink.Ipvs;

namespace LvsHa.Ipvs;

/// <summary>Which services of the kernel table the reconciler may change.</summary>
public enum ReconcileScope
{
    /// <summary>Only services the wanted table names; services LvsHa does not manage are left alone.</summary>
    ManagedOnly,
    /// <summary>Also delete every kernel service the wanted table does not name (<c>--prune</c>).</summary>
    Prune,
}

/// <summary>
/// Computes the smallest list of kernel operations that turns the actual IPVS table into the wanted one.
/// Pure: no I/O. Settings changes use SET (edit) so established connections survive a weight, scheduler,
/// persistence or forwarding change; only identity changes (address, port, protocol, family, fwmark) need a
/// delete and an add.
/// </summary>
public static class IpvsReconciler
{
    public static ImmutableArray<IpvsOperation> Plan(IpvsTable wanted, IpvsTable actual, ReconcileScope scope = ReconcileScope.ManagedOnly,
        IReadOnlySet<IpvsServiceKey>? formerlyManaged = null)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(actual);

        var actualByKey = new Dictionary<IpvsServiceKey, IpvsTableEntry>();
        foreach (var entry in actual.Entries)
            actualByKey[IpvsKeys.Normalize(entry.Service.Key)] = entry;

        var ops = ImmutableArray.CreateBuilder<IpvsOperation>();
        var wantedKeys = new HashSet<IpvsServiceKey>();
        foreach (var entry in wanted.Entries)
        {
            var key = IpvsKeys.Normalize(entry.Service.Key);
            if (!wantedKeys.Add(key))
                throw new ArgumentException($"the wanted table names service {key} twice", nameof(wanted));

            if (!actualByKey.TryGetValue(key, out var current))
            {
                ops.Add(new IpvsOperation.AddService(entry.Service));
                foreach (var destination in entry.Destinations)
                    ops.Add(new IpvsOperation.AddDestination(destination));
                continue;
            }

            if (!SameServiceSettings(entry.Service, current.Service))
                ops.Add(new IpvsOperation.UpdateService(entry.Service));
            PlanDestinations(entry, current, ops);
        }

        // Services that are no longer wanted: those LvsHa managed before (a reload dropped them) always go; any
        // other kernel service only with --prune, because another tool may own it.
        foreach (var entry in actual.Entries)
        {
            var key = IpvsKeys.Normalize(entry.Service.Key);
            if (wantedKeys.Contains(key))
                continue;
            if (scope == ReconcileScope.Prune || (formerlyManaged?.Contains(key) ?? false))
                ops.Add(new IpvsOperation.DeleteService(entry.Service.Key));
        }
        return ops.ToImmutable();
    }

    private static void PlanDestinations(IpvsTableEntry wanted, IpvsTableEntry actual, ImmutableArray<IpvsOperation>.Builder ops)
    {
        var current = new Dictionary<(IPAddress, ushort), IpvsDestination>();
        foreach (var destination in actual.Destinations)
            current[IpvsKeys.Of(destination)] = destination;

        var wantedIds = new HashSet<(IPAddress, ushort)>();
        // Additions and edits before deletions: the service never passes through an empty pool on the way.
        foreach (var destination in wanted.Destinations)
        {
            var id = IpvsKeys.Of(destination);
            wantedIds.Add(id);
            var onService = destination with { Service = actual.Service.Key };
            if (!current.TryGetValue(id, out var existing))
                ops.Add(new IpvsOperation.AddDestination(destination));
            else if (!SameDestinationSettings(onService, existing))
                ops.Add(new IpvsOperation.UpdateDestination(destination));
        }
        foreach (var destination in actual.Destinations)
        {
            if (!wantedIds.Contains(IpvsKeys.Of(destination)))
                ops.Add(new IpvsOperation.DeleteDestination(wanted.Service.Key, destination.Address, destination.Port));
        }
    }

    /// <summary>Compares what IPVS_CMD_SET_SERVICE can change; the kernel-owned HASHED flag is ignored.</summary>
    internal static bool SameServiceSettings(IpvsService a, IpvsService b)
    {
        const IpvsServiceFlags kernelOwned = IpvsServiceFlags.Hashed;
        var persistent = (a.Flags & IpvsServiceFlags.Persistent) != 0;
        return a.Scheduler == b.Scheduler
            && (a.Flags & ~kernelOwned) == (b.Flags & ~kernelOwned)
            && (!persistent || a.TimeoutSeconds == b.TimeoutSeconds)
            && a.EffectiveNetmaskPrefixLength == b.EffectiveNetmaskPrefixLength
            && (a.PersistenceEngine ?? "") == (b.PersistenceEngine ?? "");
    }

    internal static bool SameDestinationSettings(IpvsDestination a, IpvsDestination b) =>
        a.Forwarding == b.Forwarding
        && a.Weight == b.Weight
        && a.UpperThreshold == b.UpperThreshold
        && a.LowerThreshold == b.LowerThreshold
        && SameTunnel(a, b);

    private static bool SameTunnel(IpvsDestination a, IpvsDestination b)
    {
        // Tunnel settings only mean something for TUN; the kernel reports ipip/0/none for every other method.
        if (a.Forwarding != IpvsForwarding.Tunnel)
            return true;
        var ta = a.Tunnel ?? new IpvsTunnel(IpvsTunnelType.IpIp);
        var tb = b.Tunnel ?? new IpvsTunnel(IpvsTunnelType.IpIp);
        return ta == tb;
    }
}
