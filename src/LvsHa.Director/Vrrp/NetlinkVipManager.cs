using System.Globalization;
using System.Net.Sockets;
using LvsHa.Config;
using LvsHa.Director.Instances;
using LvsHa.Netlink;
using LvsHa.Netlink.Route;

namespace LvsHa.Director.Vrrp;

/// <summary>
/// Adds and removes the VIPs of each vrrp_instance through rtnetlink (`ip addr add VIP/PREFIX dev IF label L scope S`).
/// It remembers what each holding (master) instance put up, so that holding again after a reload takes back what the
/// block no longer names, and never removes an address another holding instance names (a VIP moved from one instance
/// to another stays up). Calls run one at a time.
/// </summary>
public sealed class NetlinkVipManager : IVipManager, IDisposable
{
    private const int EExist = 17;
    private const int EAddrNotAvail = 99;
    private const int ENoDev = 19;

    private readonly IAddressManager _addresses;
    private readonly RunningInstances _instances;
    private readonly SemaphoreSlim _one = new(1, 1);
    private readonly Dictionary<string, List<InterfaceAddress>> _held = new(StringComparer.Ordinal);

    /// <summary>Creates the manager for the running instances.</summary>
    public NetlinkVipManager(IAddressManager addresses, RunningInstances instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        _addresses = addresses;
        _instances = instances;
    }

    /// <summary>The VIPs an instance holds while master: virtual_ipaddress and virtual_ipaddress_excluded.</summary>
    public static IEnumerable<Vip> VipsOf(VrrpInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return instance.VirtualIpAddresses.Concat(instance.VirtualIpAddressesExcluded);
    }

    /// <inheritdoc />
    /// <remarks>Puts up the VIPs the instance's running block names and takes back those it put up before and no
    /// longer names (after a reload); idempotent.</remarks>
    public async Task AddVipsAsync(string instance, CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var wanted = await AddressesOfAsync(_instances[instance], cancellationToken).ConfigureAwait(false);
            foreach (var address in wanted)
            {
                try
                {
                    await _addresses.AddAddressAsync(address, cancellationToken).ConfigureAwait(false);
                }
                catch (NetlinkException e) when (e.Errno == EExist)
                {
                    // Already there (a second master entry, or left by an earlier run): adding is idempotent.
                }
            }

            var before = _held.GetValueOrDefault(instance) ?? [];
            _held[instance] = wanted;
            await RemoveUnheldAsync(before, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _one.Release();
        }
    }

    /// <inheritdoc />
    public async Task RemoveVipsAsync(string instance, CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var named = await AddressesOfAsync(_instances[instance], cancellationToken).ConfigureAwait(false);
            var putUp = _held.Remove(instance, out var held) ? held : [];
            await RemoveUnheldAsync(named.Concat(putUp), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _one.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _one.Dispose();

    /// <summary>
    /// At start, before any instance can be master: removes every VIP of this configuration that is present, so a
    /// director that crashed as master does not keep answering for a VIP another director now holds. Instances with
    /// priority 255 are skipped (their VIPs are the interface's own addresses). Returns the VIPs removed.
    /// </summary>
    public async Task<IReadOnlyList<InterfaceAddress>> RemoveLeftoversAsync(CancellationToken cancellationToken)
    {
        var present = await _addresses.GetAddressesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var removed = new List<InterfaceAddress>();
        foreach (var config in _instances.All.Where(i => i.Priority < 255))
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

    // Removes each of the addresses no holding instance has put up or names in its running block: during a reload
    // that moves a VIP, the instance that lost it may be told before the one that gained it.
    private async Task RemoveUnheldAsync(IEnumerable<InterfaceAddress> candidates, CancellationToken cancellationToken)
    {
        var kept = _held.Values.SelectMany(held => held.Select(h => h.Address))
            .Concat(_held.Keys.SelectMany(name => VipsOf(_instances[name]).Select(v => v.Address)))
            .ToHashSet();
        foreach (var address in candidates.DistinctBy(a => (a.InterfaceIndex, a.Address)))
        {
            if (!kept.Contains(address.Address))
                await RemoveAsync(address, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<List<InterfaceAddress>> AddressesOfAsync(VrrpInstance config, CancellationToken cancellationToken)
    {
        var addresses = new List<InterfaceAddress>();
        foreach (var vip in VipsOf(config))
            addresses.Add(await ToAddressAsync(config, vip, cancellationToken).ConfigureAwait(false));
        return addresses;
    }

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
