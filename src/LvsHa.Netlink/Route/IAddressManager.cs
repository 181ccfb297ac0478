namespace LvsHa.Netlink.Route;

/// <summary>Addresses and links of one network namespace: what VIP failover and real-server preparation use.</summary>
public interface IAddressManager
{
    /// <summary>Every address, or those of one interface.</summary>
    Task<IReadOnlyList<InterfaceAddress>> GetAddressesAsync(int? interfaceIndex = null, CancellationToken cancellationToken = default);

    /// <summary>Adds the address (`ip addr add`); an existing one is a <see cref="NetlinkException"/> with EEXIST.</summary>
    Task AddAddressAsync(InterfaceAddress address, CancellationToken cancellationToken = default);

    /// <summary>Deletes the address (`ip addr del`); a missing one is a <see cref="NetlinkException"/> with EADDRNOTAVAIL.</summary>
    Task DeleteAddressAsync(InterfaceAddress address, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<NetworkLink>> GetLinksAsync(CancellationToken cancellationToken = default);

    /// <summary>The link called <paramref name="name"/>, or null when there is none.</summary>
    Task<NetworkLink?> GetLinkAsync(string name, CancellationToken cancellationToken = default);
}

/// <summary>Link and address change events (RTMGRP_LINK, RTMGRP_IPV4_IFADDR, RTMGRP_IPV6_IFADDR).</summary>
public interface ILinkMonitor
{
    /// <summary>
    /// Subscribes before returning its first element and then yields every change until cancelled. Subscribe first,
    /// then read the current state, so no change between the two is missed.
    /// </summary>
    IAsyncEnumerable<NetworkChange> WatchAsync(CancellationToken cancellationToken = default);
}
