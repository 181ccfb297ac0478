using System.Net;
using LvsHa.Director.Lvs;
using LvsHa.Health.State;

namespace LvsHa.Director.Tests.Lvs;

public class LiveServiceHealthTests
{
    private const string Config = """
        virtual_server 10.0.0.3 80 {
            protocol TCP
            lb_kind NAT
            quorum 2
            sorry_server 10.0.9.9 80
            sorry_server_inhibit
            real_server 10.0.1.4 80 {
                TCP_CHECK {
                }
            }
            real_server 10.0.1.5 80 {
                weight 3
                TCP_CHECK {
                }
            }
        }
        """;

    private static IPEndPoint Ep(string address) => new(IPAddress.Parse(address), 80);

    [Fact]
    public void Apply_StartupSorryServerOut_DoesNotEmptyThePool()
    {
        var config = TestConfigs.Load(Config);
        var vs = config.VirtualServers[0];
        var health = new LiveServiceHealth(HealthSettingsMapper.Map(config));

        // keepalived's start with sorry_server_inhibit: the sorry server at weight 0, no pool in the message.
        Assert.Same(vs, health.Apply(new SorryServerOut("10.0.0.3:80", Ep("10.0.9.9"), true, [])));

        Assert.True(health.HasQuorum(vs));
        Assert.True(health.Of(vs, vs.RealServers[0]).Alive);
        Assert.Equal(3, health.Of(vs, vs.RealServers[1]).Weight);
    }

    [Fact]
    public void Apply_SorryServerOutAfterLoss_PoolIsWhatTheSwapNames()
    {
        var config = TestConfigs.Load(Config);
        var vs = config.VirtualServers[0];
        var health = new LiveServiceHealth(HealthSettingsMapper.Map(config));

        health.Apply(new RealServerDown("10.0.0.3:80", Ep("10.0.1.5"), false));
        health.Apply(new SorryServerIn("10.0.0.3:80", Ep("10.0.9.9"), true, [new PoolMember(Ep("10.0.1.4"), 1, false)]));
        var lost = health.HasQuorum(vs);
        health.Apply(new SorryServerOut("10.0.0.3:80", Ep("10.0.9.9"), true, [new PoolMember(Ep("10.0.1.5"), 2, false)]));

        Assert.False(lost);
        Assert.True(health.HasQuorum(vs));
        Assert.False(health.Of(vs, vs.RealServers[0]).Alive);
        Assert.Equal(new LvsHa.Ipvs.RealServerHealth(true, 2), health.Of(vs, vs.RealServers[1]));
    }

    [Fact]
    public void Apply_ScriptOrUnknownService_ChangesNothing()
    {
        var config = TestConfigs.Load(Config);
        var health = new LiveServiceHealth(HealthSettingsMapper.Map(config));

        Assert.Null(health.Apply(new RealServerDown("10.9.9.9:80", Ep("10.0.1.4"), false)));
        Assert.Null(health.Apply(new RunScript("10.0.0.3:80", new LvsHa.Health.Model.ScriptCommand("/bin/true", []), ScriptReason.QuorumUp)));
        Assert.True(health.Of(config.VirtualServers[0], config.VirtualServers[0].RealServers[0]).Alive);
    }
}
