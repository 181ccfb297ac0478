using System.Collections.Immutable;
using System.Net;
using LvsHa.Director.Bgp;
using LvsHa.Director.Tests.Lvs;
using LvsHa.Ipvs;
using LvsHa.Netlink.Ipvs;

namespace LvsHa.Director.Tests.Bgp;

public sealed class BgpAnnouncementsTests
{
    internal const string Config = """
        bgp {
            local_as 65010
            neighbor 10.99.0.254 remote_as 65000
        }
        virtual_server 10.98.100.1 7000 {
            announce bgp
            lb_algo mh
            lb_kind DR
            protocol TCP
            real_server 10.99.0.11 7000 {
            }
        }
        virtual_server 10.98.100.1 7001 {
            announce bgp
            lb_kind DR
            protocol TCP
            real_server 10.99.0.11 7001 {
            }
        }
        virtual_server 10.98.100.2 80 {
            announce bgp
            lb_kind DR
            protocol TCP
            real_server 10.99.0.11 80 {
            }
        }
        virtual_server 10.98.100.3 80 {
            lb_kind DR
            protocol TCP
            real_server 10.99.0.11 80 {
            }
        }
        """;

    private static readonly IPAddress Vip1 = IPAddress.Parse("10.98.100.1");
    private static readonly IPAddress Vip2 = IPAddress.Parse("10.98.100.2");

    private static IpvsTableEntry Entry(string vip, int port, params int[] weights)
    {
        var key = IpvsServiceKey.ForAddress(IpvsProtocol.Tcp, IPAddress.Parse(vip), (ushort)port);
        return new IpvsTableEntry(new IpvsService(key, "wlc"),
            [.. weights.Select((w, i) => new IpvsDestination(key, IPAddress.Parse($"10.99.0.{11 + i}"), (ushort)port, IpvsForwarding.DirectRoute, w))]);
    }

    [Fact]
    public void Announceable_OnlyTheAnnouncedAddresses_OncePerAddress() =>
        Assert.Equal([Vip1, Vip2], BgpAnnouncements.Announceable(TestConfigs.Load(Config)).OrderBy(a => a.ToString()));

    [Fact]
    public void Forwardable_ADestinationWithWeight_AnyServiceOfTheAddressCounts()
    {
        var config = TestConfigs.Load(Config);
        var table = new IpvsTable([Entry("10.98.100.1", 7000, 0), Entry("10.98.100.1", 7001, 0, 3), Entry("10.98.100.2", 80, 0), Entry("10.98.100.3", 80, 1)]);
        Assert.Equal([Vip1], BgpAnnouncements.Forwardable(config, table));
    }

    [Fact]
    public void Forwardable_ServiceNotInTheKernel_NotForwardable() =>
        Assert.Empty(BgpAnnouncements.Forwardable(TestConfigs.Load(Config), new IpvsTable([Entry("10.98.100.3", 80, 1)])));

    [Theory]
    [InlineData(false, false, 1)]
    [InlineData(true, false, 0)]
    [InlineData(false, true, 0)]
    public void Announced_DrainedOrMinority_Nothing(bool drained, bool minority, int count) =>
        Assert.Equal(count, BgpAnnouncements.Announced(ImmutableHashSet.Create(Vip1), drained, minority).Count);
}
