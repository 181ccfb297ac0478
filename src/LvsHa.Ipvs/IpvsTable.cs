using System.Collections.Immutable;
using LvsHa.Netlink.Ipvs;

namespace LvsHa.Ipvs;

/// <summary>A virtual service with its destinations, as wanted or as found in the kernel.</summary>
public sealed record IpvsTableEntry(IpvsService Service, ImmutableArray<IpvsDestination> Destinations);

/// <summary>
/// A whole IPVS table: what the configuration and health state call for, or what one dump of the kernel returned.
/// Keys are normalised (<see cref="IpvsKeys"/>) so a dumped table and a built one compare equal.
/// </summary>
public sealed record IpvsTable(ImmutableArray<IpvsTableEntry> Entries)
{
    public static readonly IpvsTable Empty = new(ImmutableArray<IpvsTableEntry>.Empty);

    /// <summary>Reads the kernel's table: one dump of the services and one of each service's destinations.</summary>
    public static async Task<IpvsTable> ReadAsync(IIpvs ipvs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ipvs);
        var services = await ipvs.GetServicesAsync(cancellationToken).ConfigureAwait(false);
        var entries = ImmutableArray.CreateBuilder<IpvsTableEntry>(services.Count);
        foreach (var service in services)
        {
            var destinations = await ipvs.GetDestinationsAsync(service.Service.Key, cancellationToken).ConfigureAwait(false);
            entries.Add(new IpvsTableEntry(service.Service, destinations.Select(d => d.Destination).ToImmutableArray()));
        }
        return new IpvsTable(entries.MoveToImmutable());
    }
}
