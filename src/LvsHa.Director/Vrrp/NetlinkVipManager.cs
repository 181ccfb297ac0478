using System.Globalization;
using System.Net.Sockets;
using LvsHa.Config;
using LvsHa.Director.Instances;
using LvsHa.Netlink;
using LvsHa.Netlink.Route;

namespace LvsHa.Director.Vrrp;

/// <summary>Adds and removes the VIPs of each vrrp_instance through rtnetlink (`ip addr add VIP/PREFIX dev IF label L scope S`).</summary>
public sealed class NetlinkVipManager : IVipManager
{
    private const int EExist = 17;
    private const int EAddrNotAvail = 99;
    private const int ENoDev = 19;

    private readonly IAddressManager _addresses;
    private readonly Dictionary<string, VrrpInstance> _instances;

    /// <summary>Creates the manager for the instances of one configuration.</summary>
    public NetlinkVipManager(IAddressManager addresses, IEnumerable<VrrpInstance> instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        _addresses = addresses;
        _instances = instances.ToDictionary(i => i.Name, StringComparer.Ordinal);
    }

    /// <summary>The VIPs an instance holds while master: virtual_ipaddress and virtual_ipaddress_excluded.</summary>
    public static IEnumerable<Vip> VipsOf(VrrpInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return instance.VirtualIpAddresses.Concat(instance.VirtualIpAddressesExcluded);
    }

    /// <inheritdoc />
    public async Task AddVipsAsync(string instance, CancellationToken cancellationToken)
    {
        var config = _instances[instance];
        foreach (var vip in VipsOf(config))
        {
            var address = await ToAddressAsync(config, vip, cancellationToken).ConfigureAwait(false);
            try
            {
                await _addresses.AddAddressAsync(address, cancellationToken).ConfigureAwait(false);
            }
            catch (NetlinkException e) when (e.Errno == EExist)
            {
                // Already there (a second master entry, or left by an earlier run): adding is idempotent.
            }
        }
    }

    /// <inheritdoc />
    public async Task RemoveVipsAsync(string instance, CancellationToken cancellationToken)
    {
        var config = _instances[instance];
        foreach (var vip in VipsOf(config))
        {
            await RemoveAsync(await ToAddressAsync(config, vip, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// At start, before any instance can be master: removes every VIP of this configuration that is present, so a
    /// director that crashed as master does not keep answering for a VIP another director now holds. Instances with
    /// priority 255 are skipped (their VIPs are the interface's own addresses). Returns the VIPs removed.
    /// </summary>
    public async Task<IReadOnlyList<InterfaceAddress>> RemoveLeftoversAsync(CancellationToken cancellationToken)
    {
        var present = await _addresses.GetAddressesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var removed = new List<InterfaceAddress>();
        foreach (var config in _instances.Values.Where(i => i.Priority < 255))
        {
            foreach (var vip in VipsOf(config))
            {
                InterfaceAddress wanted;
                try
                {
                    wanted = await ToAddressAsync(config, vip, cancellationToken).ConfigureAwait(false);
                }
                catch (DirectorConfigException)
                {
                    continue;
                }

                if (present.Any(a => a.InterfaceIndex == wanted.InterfaceIndex && a.Address.Equals(wanted.Address) && a.PrefixLength == wanted.PrefixLength))
                {
                    await RemoveAsync(wanted, cancellationToken).ConfigureAwait(false);
                    removed.Add(wanted);
                }
            }
        }

        return removed;
    }

    /// <summary>rtnetlink scope of a `scope` word (global, site, link, host, nowhere or a number).</summary>
    public static AddressScope ParseScope(string? scope) => scope?.ToLowerInvariant() switch
    {
        null or "global" or "universe" => AddressScope.Universe,
        "site" => AddressScope.Site,
        "link" => AddressScope.Link,
        "host" => AddressScope.Host,
        "nowhere" => AddressScope.Nowhere,
        var number when byte.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value) => (AddressScope)value,
        _ => throw new DirectorConfigException($"unknown address scope '{scope}'"),
    };

    private async Task RemoveAsync(InterfaceAddress address, CancellationToken cancellationToken)
    {
        try
        {
            await _addresses.DeleteAddressAsync(address, cancellationToken).ConfigureAwait(false);
        }
        catch (NetlinkException e) when (e.Errno is EAddrNotAvail or ENoDev)
        {
            // Already gone (or its interface is): removing is idempotent.
        }
    }

    private async Task<InterfaceAddress> ToAddressAsync(VrrpInstance config, Vip vip, CancellationToken cancellationToken)
    {
        var device = vip.Device ?? config.Interface;
        var link = await _addresses.GetLinkAsync(device, cancellationToken).ConfigureAwait(false)
            ?? throw new DirectorConfigException($"vrrp_instance {config.Name}: VIP {vip}: no interface {device}");
        var v6 = vip.Address.AddressFamily == AddressFamily.InterNetworkV6;
        // IPv6 VIPs skip duplicate address detection: a tentative address would not answer for a second or more.
        return new InterfaceAddress(
            link.Index, vip.Address, vip.PrefixLength, v6 ? null : vip.Label, ParseScope(vip.Scope), v6 ? null : vip.Broadcast,
            v6 ? InterfaceAddressFlags.NoDad : InterfaceAddressFlags.None);
    }
}
