using System.Net;
using System.Text.RegularExpressions;
using LvsHa.Netlink.Route;

namespace LvsHa.Netlink.Tests.Route;

// Real kernel, this host: each test gets its own namespace; `ip -n` checks what the client did.
public class RouteNetlinkLabTests
{
    [Fact]
    public async Task GetLinksAsync_Namespace_MatchesIpLink()
    {
        using var lab = new LabNamespace();
        using var client = RouteNetlinkClient.Open(lab.Path);
        var links = await client.GetLinksAsync();

        var expected = Regex.Matches(lab.In("-o link show"), @"^(\d+): ([^:@]+)[@:].*?link/\S+ ([0-9a-f:]+)", RegexOptions.Multiline)
            .Select(m => (Index: int.Parse(m.Groups[1].Value), Name: m.Groups[2].Value, Mac: m.Groups[3].Value.Replace(":", "").ToUpperInvariant()))
            .ToList();
        Assert.Equal(3, expected.Count);
        Assert.Equal(expected, links.Select(l => (l.Index, l.Name, l.MacAddress?.ToString() ?? "")).ToList());
        Assert.False(links.Single(l => l.Name == "lo").IsUp);
        Assert.True(links.Single(l => l.Name == "lvsha-a").IsUp);
    }

    [Fact]
    public async Task GetLinkAsync_ExistingName_ReturnsIndexStateAndCarrier()
    {
        using var lab = new LabNamespace();
        using var client = RouteNetlinkClient.Open(lab.Path);
        var index = int.Parse(Regex.Match(lab.In("-o link show lvsha-b"), @"^(\d+):").Groups[1].Value);

        var link = await client.GetLinkAsync("lvsha-b");

        Assert.NotNull(link);
        Assert.Equal(index, link.Index);
        Assert.True(link.IsUp);
        Assert.True(link.HasCarrier);
        Assert.Equal(1500, link.Mtu);
        lab.In("link set lvsha-a down");
        var afterPeerDown = await client.GetLinkAsync("lvsha-b");
        Assert.False(afterPeerDown!.HasCarrier);
        Assert.True(afterPeerDown.IsUp);
    }

    [Fact]
    public async Task GetLinkAsync_MissingName_ReturnsNull()
    {
        using var lab = new LabNamespace();
        using var client = RouteNetlinkClient.Open(lab.Path);
        Assert.Null(await client.GetLinkAsync("lvsha-none"));
    }

    [Fact]
    public async Task AddAddressAsync_Ipv4WithLabelAndBroadcast_IpShowsIt()
    {
        using var lab = new LabNamespace();
        using var client = RouteNetlinkClient.Open(lab.Path);
        var link = (await client.GetLinkAsync("lvsha-a"))!;

        await client.AddAddressAsync(new InterfaceAddress(link.Index, IPAddress.Parse("192.168.77.1"), 24, "lvsha-a:vip", Broadcast: IPAddress.Parse("192.168.77.255")));

        Assert.Contains("inet 192.168.77.1/24 brd 192.168.77.255 scope global lvsha-a:vip", lab.In("-o addr show dev lvsha-a"));
    }

    [Fact]
    public async Task AddAddressAsync_Ipv4HostScope_IpShowsScopeHost()
    {
        using var lab = new LabNamespace();
        using var client = RouteNetlinkClient.Open(lab.Path);
        var link = (await client.GetLinkAsync("lvsha-a"))!;

        await client.AddAddressAsync(new InterfaceAddress(link.Index, IPAddress.Parse("10.9.8.7"), 32, Scope: AddressScope.Host));

        Assert.Contains("inet 10.9.8.7/32 scope host lvsha-a", lab.In("-o addr show dev lvsha-a"));
    }

    [Fact]
    public async Task AddAddressAsync_Ipv6NoDadNoPrefixRoute_IpShowsFlagsAndNoRoute()
    {
        using var lab = new LabNamespace();
        using var client = RouteNetlinkClient.Open(lab.Path);
        var link = (await client.GetLinkAsync("lvsha-a"))!;

        await client.AddAddressAsync(new InterfaceAddress(link.Index, IPAddress.Parse("fd00:77::1"), 64,
            Flags: InterfaceAddressFlags.NoDad | InterfaceAddressFlags.NoPrefixRoute));

        var shown = lab.In("-o addr show dev lvsha-a");
        Assert.Matches(@"inet6 fd00:77::1/64 scope global nodad noprefixroute", shown);
        Assert.DoesNotContain("fd00:77::/64", lab.In("-6 route show"));
    }

    [Fact]
    public async Task AddAddressAsync_Twice_ThrowsEexistNamingTheAddress()
    {
        using var lab = new LabNamespace();
        using var client = RouteNetlinkClient.Open(lab.Path);
        var link = (await client.GetLinkAsync("lvsha-a"))!;
        var address = new InterfaceAddress(link.Index, IPAddress.Parse("192.168.77.2"), 24);
        await client.AddAddressAsync(address);

        var error = await Assert.ThrowsAsync<NetlinkException>(() => client.AddAddressAsync(address));

        Assert.Equal(Errno.EEXIST, error.Errno);
        Assert.StartsWith($"adding address 192.168.77.2/24 dev #{link.Index}: File exists (EEXIST)", error.Message);
    }

    [Fact]
    public async Task DeleteAddressAsync_AddedByIp_IpNoLongerShowsIt()
    {
        using var lab = new LabNamespace();
        using var client = RouteNetlinkClient.Open(lab.Path);
        lab.In("addr add 192.168.78.1/24 dev lvsha-b");
        lab.In("addr add fd00:78::1/64 dev lvsha-b nodad");
        var link = (await client.GetLinkAsync("lvsha-b"))!;

        await client.DeleteAddressAsync(new InterfaceAddress(link.Index, IPAddress.Parse("192.168.78.1"), 24));
        await client.DeleteAddressAsync(new InterfaceAddress(link.Index, IPAddress.Parse("fd00:78::1"), 64));

        var shown = lab.In("-o addr show dev lvsha-b");
        Assert.DoesNotContain("192.168.78.1", shown);
        Assert.DoesNotContain("fd00:78::1", shown);
    }

    [Fact]
    public async Task DeleteAddressAsync_Missing_ThrowsEaddrnotavail()
    {
        using var lab = new LabNamespace();
        using var client = RouteNetlinkClient.Open(lab.Path);
        var link = (await client.GetLinkAsync("lvsha-b"))!;

        var error = await Assert.ThrowsAsync<NetlinkException>(() =>
            client.DeleteAddressAsync(new InterfaceAddress(link.Index, IPAddress.Parse("192.168.79.1"), 24)));

        Assert.Equal(Errno.EADDRNOTAVAIL, error.Errno);
        Assert.Contains("deleting address 192.168.79.1/24", error.Message);
    }

    [Fact]
    public async Task GetAddressesAsync_AddedByIp_ListsThemPerInterface()
    {
        using var lab = new LabNamespace();
        using var client = RouteNetlinkClient.Open(lab.Path);
        lab.In("addr add 192.168.80.1/24 brd + dev lvsha-a label lvsha-a:x");
        lab.In("addr add 192.168.81.1/25 dev lvsha-b");
        lab.In("addr add fd00:80::1/64 dev lvsha-a nodad");
        var a = (await client.GetLinkAsync("lvsha-a"))!;

        var all = await client.GetAddressesAsync();
        var onA = await client.GetAddressesAsync(a.Index);

        Assert.Contains(new InterfaceAddress(a.Index, IPAddress.Parse("192.168.80.1"), 24, "lvsha-a:x", AddressScope.Universe,
            IPAddress.Parse("192.168.80.255"), InterfaceAddressFlags.Permanent), onA);
        Assert.Contains(onA, x => x.Address.Equals(IPAddress.Parse("fd00:80::1")) && x.PrefixLength == 64
            && x.Flags.HasFlag(InterfaceAddressFlags.NoDad) && x.Flags.HasFlag(InterfaceAddressFlags.Permanent));
        Assert.DoesNotContain(onA, x => x.Address.Equals(IPAddress.Parse("192.168.81.1")));
        Assert.Contains(all, x => x.Address.Equals(IPAddress.Parse("192.168.81.1")) && x.PrefixLength == 25);
    }

    [Fact]
    public async Task WatchAsync_AddressAndLinkChangesByIp_AreDelivered()
    {
        using var lab = new LabNamespace();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var monitor = new LinkMonitor(lab.Path);
        var changes = monitor.WatchAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);
        try
        {
            lab.In("addr add 192.168.82.1/24 dev lvsha-a");
            var added = await NextAsync<AddressChange>(changes, c => c.Address.Address.Equals(IPAddress.Parse("192.168.82.1")));
            Assert.False(added.Removed);
            Assert.Equal(24, added.Address.PrefixLength);

            lab.In("link set lvsha-b down");
            var down = await NextAsync<LinkChange>(changes, c => c.Link.Name == "lvsha-b" && !c.Link.IsUp);
            Assert.False(down.Removed);

            lab.In("addr del 192.168.82.1/24 dev lvsha-a");
            var removed = await NextAsync<AddressChange>(changes, c => c.Removed && c.Address.Address.Equals(IPAddress.Parse("192.168.82.1")));
            Assert.Equal(24, removed.Address.PrefixLength);

            lab.In("link del lvsha-a");
            var gone = await NextAsync<LinkChange>(changes, c => c.Removed);
            Assert.Contains(gone.Link.Name, new[] { "lvsha-a", "lvsha-b" });
        }
        finally
        {
            await changes.DisposeAsync();
        }
    }

    [Fact]
    public async Task WatchAsync_BurstBeyondTheQueue_ReportsChangesLostThenKeepsDelivering()
    {
        using var lab = new LabNamespace();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var monitor = new LinkMonitor(lab.Path) { ReceiveBufferBytes = 4096 };
        var changes = monitor.WatchAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);
        try
        {
            var batch = string.Join('\n', Enumerable.Range(1, 200).Select(i => $"addr add 192.168.90.{i}/32 dev lvsha-a"));
            var file = Path.GetTempFileName();
            try
            {
                File.WriteAllText(file, batch + "\n");
                lab.In($"-batch {file}");
            }
            finally
            {
                File.Delete(file);
            }

            await NextAsync<ChangesLost>(changes, _ => true);
            // The kernel drops every event until the reader has emptied the queue: read until it stays quiet.
            var next = changes.MoveNextAsync().AsTask();
            while (await Task.WhenAny(next, Task.Delay(500)) == next)
            {
                Assert.True(await next);
                next = changes.MoveNextAsync().AsTask();
            }
            lab.In("addr add 192.168.91.1/24 dev lvsha-b");
            var delivered = false;
            while (!delivered && await next)
            {
                delivered = changes.Current is AddressChange c && c.Address.Address.Equals(IPAddress.Parse("192.168.91.1"));
                if (!delivered)
                    next = changes.MoveNextAsync().AsTask();
            }
            Assert.True(delivered, "the address added after the overflow was not delivered");
        }
        finally
        {
            await changes.DisposeAsync();
        }
    }

    [Fact]
    public async Task WatchAsync_Cancelled_EndsTheSequence()
    {
        using var lab = new LabNamespace();
        using var cancel = new CancellationTokenSource();
        var monitor = new LinkMonitor(lab.Path);
        var reading = Task.Run(async () =>
        {
            var count = 0;
            await foreach (var change in monitor.WatchAsync(cancel.Token))
                count++;
            return count;
        });
        await Task.Delay(200);
        cancel.Cancel();
        var finished = await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.Same(reading, finished);
        Assert.Equal(0, await reading);
    }

    private static async Task<T> NextAsync<T>(IAsyncEnumerator<NetworkChange> changes, Func<T, bool> match) where T : NetworkChange
    {
        while (await changes.MoveNextAsync())
        {
            if (changes.Current is T wanted && match(wanted))
                return wanted;
        }
        throw new InvalidOperationException($"the change stream ended before a matching {typeof(T).Name}");
    }
}
