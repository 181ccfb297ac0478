using System.Collections.Immutable;
using System.Net;
using LvsHa.Ipvs;
using LvsHa.Netlink.Ipvs;

namespace LvsHa.Director.Lvs;

/// <summary>Pure helpers over tables: the effect of acknowledged operations, and the part of a table some services make.</summary>
public static class IpvsTableChanges
{
    /// <summary>The table after the kernel acknowledged these operations (refused ones change nothing).</summary>
    public static IpvsTable Apply(IpvsTable table, IEnumerable<IpvsOperationResult> results)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(results);
        var services = new List<(IpvsService Service, List<IpvsDestination> Destinations)>(
            table.Entries.Select(e => (e.Service, e.Destinations.ToList())));
        int Find(IpvsServiceKey key) => services.FindIndex(s => IpvsKeys.Normalize(s.Service.Key) == IpvsKeys.Normalize(key));
        static bool Same(IpvsDestination d, IPAddress address, ushort port) => d.Address.Equals(address) && d.Port == port;

        foreach (var result in results.Where(r => r.Succeeded))
        {
            switch (result.Operation)
            {
                case IpvsOperation.AddService add when Find(add.Service.Key) < 0:
                    services.Add((add.Service, []));
                    break;
                case IpvsOperation.UpdateService update when Find(update.Service.Key) is var i and >= 0:
                    services[i] = (update.Service, services[i].Destinations);
                    break;
                case IpvsOperation.DeleteService delete when Find(delete.Key) is var i and >= 0:
                    services.RemoveAt(i);
                    break;
                case IpvsOperation.AddDestination add when Find(add.Destination.Service) is var i and >= 0:
                    services[i].Destinations.RemoveAll(d => Same(d, add.Destination.Address, add.Destination.Port));
                    services[i].Destinations.Add(add.Destination with { Service = services[i].Service.Key });
                    break;
                case IpvsOperation.UpdateDestination update when Find(update.Destination.Service) is var i and >= 0:
                    var index = services[i].Destinations.FindIndex(d => Same(d, update.Destination.Address, update.Destination.Port));
                    if (index >= 0)
                        services[i].Destinations[index] = update.Destination with { Service = services[i].Service.Key };
                    break;
                case IpvsOperation.DeleteDestination delete when Find(delete.Service) is var i and >= 0:
                    services[i].Destinations.RemoveAll(d => Same(d, delete.Address, delete.Port));
                    break;
            }
        }
        return new IpvsTable(services.Select(s => new IpvsTableEntry(s.Service, s.Destinations.ToImmutableArray())).ToImmutableArray());
    }

    /// <summary>The entries of <paramref name="table"/> whose services <paramref name="keys"/> names.</summary>
    public static IpvsTable Only(IpvsTable table, IReadOnlySet<IpvsServiceKey> keys)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(keys);
        return new IpvsTable(table.Entries.Where(e => keys.Contains(IpvsKeys.Normalize(e.Service.Key))).ToImmutableArray());
    }

    /// <summary>
    /// What the kernel holds after a read that ran while batches changed <paramref name="touched"/> services: the read
    /// for every other service, <paramref name="acknowledged"/> (the table as the kernel's answers left it) for those.
    /// </summary>
    public static IpvsTable Merge(IpvsTable read, IpvsTable acknowledged, IReadOnlySet<IpvsServiceKey> touched)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(acknowledged);
        ArgumentNullException.ThrowIfNull(touched);
        if (touched.Count == 0)
            return read;
        bool Touched(IpvsTableEntry e) => touched.Contains(IpvsKeys.Normalize(e.Service.Key));
        return new IpvsTable([.. read.Entries.Where(e => !Touched(e)), .. acknowledged.Entries.Where(Touched)]);
    }

    /// <summary>The normalised key of the service an operation changes.</summary>
    public static IpvsServiceKey ServiceOf(IpvsOperation operation) => IpvsKeys.Normalize(operation switch
    {
        IpvsOperation.AddService s => s.Service.Key,
        IpvsOperation.UpdateService s => s.Service.Key,
        IpvsOperation.DeleteService s => s.Key,
        IpvsOperation.AddDestination d => d.Destination.Service,
        IpvsOperation.UpdateDestination d => d.Destination.Service,
        IpvsOperation.DeleteDestination d => d.Service,
        _ => throw new ArgumentOutOfRangeException(nameof(operation)),
    });

    /// <summary>The normalised keys of a table's services.</summary>
    public static IReadOnlySet<IpvsServiceKey> Keys(IpvsTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return table.Entries.Select(e => IpvsKeys.Normalize(e.Service.Key)).ToHashSet();
    }
}
