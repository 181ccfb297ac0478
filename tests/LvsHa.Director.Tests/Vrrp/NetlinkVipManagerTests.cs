using System.Net;
using LvsHa.Config;
using LvsHa.Director.Vrrp;
using LvsHa.Netlink.Route;

namespace LvsHa.Director.Tests.Vrrp;

/// <summary>The VIP manager's bookkeeping across reloads, on a recording rtnetlink double.</summary>
public sealed class NetlinkVipManagerTests
{
    private const string Config = """
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            priority 100
            virtual_ipaddress {
                10.0.0.1/24
                10.0.0.5/24
            }
        }
        vrrp_instance VI_2 {
            interface eth0
            virtual_router_id 52
            priority 100
            virtual_ipaddress {
                10.0.0.2/24
            }
        }
        """;

    private sealed class RecordingAddresses : IAddressManager
    {
        public HashSet<IPAddress> Present { get; } = [];

        public List<string> Calls { get; } = [];

        public Task<IReadOnlyList<InterfaceAddress>> GetAddressesAsync(int? interfaceIndex = null, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<InterfaceAddress>>([.. Present.Select(a => new InterfaceAddress(2, a, 24))]);

        public Task AddAddressAsync(InterfaceAddress address, CancellationToken cancellationToken = default)
        {
            Calls.Add($"add {address.Address}");
            return Present.Add(address.Address) ? Task.CompletedTask : Task.FromException(new LvsHa.Netlink.NetlinkException(17, "add"));
        }

        public Task DeleteAddressAsync(InterfaceAddress address, CancellationToken cancellationToken = default)
        {
            Calls.Add($"del {address.Address}");
            return Present.Remove(address.Address) ? Task.CompletedTask : Task.FromException(new LvsHa.Netlink.NetlinkException(99, "del"));
        }

        public Task<IReadOnlyList<NetworkLink>> GetLinksAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<NetworkLink>>([Eth0]);

        public Task<NetworkLink?> GetLinkAsync(string name, CancellationToken cancellationToken = default) =>
            Task.FromResult<NetworkLink?>(name == "eth0" ? Eth0 : null);

        private static readonly NetworkLink Eth0 = new(2, "eth0", true, true, null, LinkOperationalState.Up, 1500, 0x41);
    }

    private static IReadOnlyList<VrrpInstance> Instances(string text) => Lvs.TestConfigs.Load(text).VrrpInstances;

    private static string[] Ips(params string[] addresses) => [.. addresses.Order(StringComparer.Ordinal)];

    private static string[] Present(RecordingAddresses addresses) => [.. addresses.Present.Select(a => a.ToString()).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Reload_VipMovedBetweenHoldingInstances_NeverRemovedAndDroppedOnesGo()
    {
        var addresses = new RecordingAddresses();
        var running = new RunningInstances(Instances(Config));
        using var vips = new NetlinkVipManager(addresses, running);
        await vips.AddVipsAsync("VI_1", CancellationToken.None);
        await vips.AddVipsAsync("VI_2", CancellationToken.None);
        Assert.Equal(Ips("10.0.0.1", "10.0.0.5", "10.0.0.2"), Present(addresses));

        // 10.0.0.5 moves from VI_1 to VI_2 and 10.0.0.1 is dropped; the reloader tells VI_1 first, then VI_2.
        running.Replace(Instances(Config
            .Replace("10.0.0.1/24\n        10.0.0.5/24", "10.0.0.3/24", StringComparison.Ordinal)
            .Replace("10.0.0.2/24", "10.0.0.2/24\n        10.0.0.5/24", StringComparison.Ordinal)));
        addresses.Calls.Clear();
        await vips.AddVipsAsync("VI_1", CancellationToken.None);
        await vips.AddVipsAsync("VI_2", CancellationToken.None);

        Assert.Equal(Ips("10.0.0.2", "10.0.0.3", "10.0.0.5"), Present(addresses));
        Assert.DoesNotContain("del 10.0.0.5", addresses.Calls);
        Assert.Contains("del 10.0.0.1", addresses.Calls);

        // VI_1 leaves master: its own VIP goes, the one VI_2 holds stays.
        await vips.RemoveVipsAsync("VI_1", CancellationToken.None);
        Assert.Equal(Ips("10.0.0.2", "10.0.0.5"), Present(addresses));
    }

    [Fact]
    public async Task Remove_VipNamedByAnotherHoldingInstance_StaysUp()
    {
        var addresses = new RecordingAddresses();
        var running = new RunningInstances(Instances(Config.Replace("10.0.0.2/24", "10.0.0.5/24", StringComparison.Ordinal)));
        using var vips = new NetlinkVipManager(addresses, running);
        await vips.AddVipsAsync("VI_1", CancellationToken.None);
        await vips.AddVipsAsync("VI_2", CancellationToken.None);

        await vips.RemoveVipsAsync("VI_2", CancellationToken.None);

        Assert.Equal(Ips("10.0.0.1", "10.0.0.5"), Present(addresses));
        await vips.RemoveVipsAsync("VI_1", CancellationToken.None);
        Assert.Empty(addresses.Present);
    }
}
