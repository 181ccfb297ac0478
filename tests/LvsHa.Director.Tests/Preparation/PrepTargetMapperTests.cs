using System.Net;
using LvsHa.Director.Preparation;
using LvsHa.Director.Tests.Lvs;
using LvsHa.RealServers.Model;

namespace LvsHa.Director.Tests.Preparation;

public class PrepTargetMapperTests
{
    private static string Config(string method) => $$"""
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            virtual_ipaddress {
                10.70.0.50/24
                10.70.0.254/24
            }
        }
        virtual_server 10.70.0.50 80 {
            protocol TCP
            lb_kind {{method}}
            real_server 10.70.0.11 80 {
            }
        }
        """;

    [Fact]
    public void Map_DrVipOnTheRealServersSubnet_DirectorIsAnotherVipNotTheServiceVip()
    {
        var target = Assert.Single(PrepTargetMapper.Map(TestConfigs.Load(Config("DR"))));

        Assert.Equal(ForwardingMethodKind.DirectRouting, target.Method);
        Assert.Equal([IPAddress.Parse("10.70.0.50")], target.Vips);
        // 10.70.0.50 goes on the real server's lo: a route to it would name lo, not the interface facing the directors.
        Assert.Equal(IPAddress.Parse("10.70.0.254"), target.DirectorAddress);
    }

    [Fact]
    public void Map_NatRealServer_DirectorIsTheFirstVipOnItsSubnet()
    {
        var target = Assert.Single(PrepTargetMapper.Map(TestConfigs.Load(Config("NAT"))));

        Assert.Equal(IPAddress.Parse("10.70.0.50"), target.DirectorAddress);
    }
}
