using System.Net;
using static LvsHa.Config.Tests.TestSupport;

namespace LvsHa.Config.Tests.Building;

public class VirtualServerTests
{
    private const string Rs = "real_server 10.0.1.1 80 {\n weight 2\n}";

    [Fact]
    public void Load_MinimalVirtualServer_AppliesKeepalivedDefaults()
    {
        var vs = Assert.Single(LoadValid(Vs("10.0.0.1 80", "protocol TCP\n" + "real_server 10.0.1.1 8080 {\n}")).VirtualServers);
        Assert.Equal(Scheduler.Wlc, vs.Scheduler);
        Assert.Equal(ForwardingMethod.Nat, vs.Method);
        Assert.Equal(TimeSpan.FromSeconds(60), vs.DelayLoop);
        Assert.Equal(1, vs.Quorum);
        Assert.Null(vs.PersistenceTimeout);
        Assert.Equal(32, vs.PersistencePrefixLength);
        var rs = Assert.Single(vs.RealServers);
        Assert.Equal(1, rs.Weight);
        Assert.Equal(8080, rs.Port);
        Assert.Equal("10.0.1.1", rs.SshHost);
        Assert.Equal(ForwardingMethod.Nat, rs.Method);
        Assert.Equal(new SourceLocation("test.conf", 3, 1), rs.Location);
        var ep = Assert.Single(vs.Endpoints);
        Assert.Equal((IpFamily.IPv4, ServiceProtocol.Tcp, IPAddress.Parse("10.0.0.1"), 80, 0u), (ep.Family, ep.Protocol, ep.Address, ep.Port, ep.Fwmark));
    }

    [Fact]
    public void Load_NoProtocol_DefaultsToUdpWithWarningAsKeepalived()
    {
        var r = Load(Vs("10.0.0.1 80", Rs));
        Assert.True(r.Success);
        Assert.Equal(ServiceProtocol.Udp, r.Config!.VirtualServers[0].Protocol);
        SingleWarning(r, "no 'protocol'");
    }

    [Theory]
    [InlineData("rr", Scheduler.Rr)]
    [InlineData("wrr", Scheduler.Wrr)]
    [InlineData("lc", Scheduler.Lc)]
    [InlineData("wlc", Scheduler.Wlc)]
    [InlineData("lblc", Scheduler.Lblc)]
    [InlineData("lblcr", Scheduler.Lblcr)]
    [InlineData("dh", Scheduler.Dh)]
    [InlineData("sh", Scheduler.Sh)]
    [InlineData("sed", Scheduler.Sed)]
    [InlineData("nq", Scheduler.Nq)]
    [InlineData("fo", Scheduler.Fo)]
    [InlineData("ovf", Scheduler.Ovf)]
    [InlineData("mh", Scheduler.Mh)]
    [InlineData("twos", Scheduler.Twos)]
    public void Load_EveryScheduler_IsRecognised(string name, Scheduler expected)
    {
        Assert.Equal(expected, LoadValid(Vs("10.0.0.1 80", $"protocol TCP\nlb_algo {name}\n{Rs}")).VirtualServers[0].Scheduler);
        Assert.Equal(expected, LoadValid(Vs("10.0.0.1 80", $"protocol TCP\nlvs_sched {name}\n{Rs}")).VirtualServers[0].Scheduler);
    }

    [Fact]
    public void Load_UnknownScheduler_ErrorAtTheName()
    {
        var d = SingleError(Load(Vs("10.0.0.1 80", $"protocol TCP\n  lb_algo wlcx\n{Rs}")), "unknown scheduler 'wlcx'");
        Assert.Equal(new SourceLocation("test.conf", 3, 11), d.Location);
    }

    [Theory]
    [InlineData("flag-1", SchedulerFlags.Flag1)]
    [InlineData("flag-2", SchedulerFlags.Flag2)]
    [InlineData("flag-3", SchedulerFlags.Flag3)]
    [InlineData("sh-fallback", SchedulerFlags.Flag1)]
    [InlineData("sh-port", SchedulerFlags.Flag2)]
    [InlineData("mh-fallback", SchedulerFlags.Flag1)]
    [InlineData("mh-port", SchedulerFlags.Flag2)]
    public void Load_SchedulerFlags_MapToKernelBits(string keyword, SchedulerFlags expected)
    {
        Assert.Equal(expected, LoadValid(Vs("10.0.0.1 80", $"protocol TCP\nlb_algo sh\n{keyword}\n{Rs}")).VirtualServers[0].SchedulerFlags);
    }

    [Fact]
    public void Load_Ops_OnlyForUdp()
    {
        Assert.True(LoadValid(Vs("10.0.0.1 53", $"protocol UDP\nops\n{Rs}")).VirtualServers[0].OnePacketScheduling);
        var r = Load(Vs("10.0.0.1 80", $"protocol TCP\nops\n{Rs}"));
        Assert.False(r.Config!.VirtualServers[0].OnePacketScheduling);
        SingleWarning(r, "'ops'");
    }

    [Theory]
    [InlineData("DR", LvsMethod.Dr)]
    [InlineData("TUN", LvsMethod.Tun)]
    [InlineData("NAT", LvsMethod.Nat)]
    public void Load_LbKindAndLvsMethod_AreSynonyms(string method, LvsMethod expected)
    {
        Assert.Equal(expected, LoadValid(Vs("10.0.0.1 80", $"protocol TCP\nlb_kind {method}\n{Rs}")).VirtualServers[0].Method.Method);
        Assert.Equal(expected, LoadValid(Vs("10.0.0.1 80", $"protocol TCP\nlvs_method {method}\n{Rs}")).VirtualServers[0].RealServers[0].Method.Method);
        Assert.Equal(expected, LoadValid(Vs("10.0.0.1 80", $"protocol TCP\nreal_server 10.0.1.1 80 {{\nlvs_method {method}\n}}")).VirtualServers[0].RealServers[0].Method.Method);
    }

    [Theory]
    [InlineData("TUN type ipip", TunnelType.Ipip, 0, TunnelChecksum.NoCsum)]
    [InlineData("TUN type gue port 6080", TunnelType.Gue, 6080, TunnelChecksum.NoCsum)]
    [InlineData("TUN type gue port 6080 csum", TunnelType.Gue, 6080, TunnelChecksum.Csum)]
    [InlineData("TUN type gue port 6080 remcsum", TunnelType.Gue, 6080, TunnelChecksum.RemCsum)]
    [InlineData("TUN type gre", TunnelType.Gre, 0, TunnelChecksum.NoCsum)]
    [InlineData("TUN type gre csum", TunnelType.Gre, 0, TunnelChecksum.Csum)]
    public void Load_TunnelOptions_AreParsed(string method, TunnelType tunnel, int port, TunnelChecksum checksum)
    {
        var m = LoadValid(Vs("10.0.0.1 80", $"protocol TCP\nlvs_method {method}\n{Rs}")).VirtualServers[0].Method;
        Assert.Equal(new ForwardingMethod(LvsMethod.Tun, tunnel, port, checksum), m);
    }

    [Theory]
    [InlineData("TUN type gue", "needs 'port N'")]
    [InlineData("TUN type gre remcsum", "remcsum is not supported")]
    [InlineData("TUN csum", "need tunnel type gue or gre")]
    [InlineData("TUN type vxlan", "unknown tunnel type 'vxlan'")]
    [InlineData("MASQ", "unknown forwarding method 'MASQ'")]
    [InlineData("TUN type gre port 5", "only valid with lvs_method TUN type gue")]
    public void Load_BadTunnelOptions_AreErrors(string method, string message)
    {
        SingleError(Load(Vs("10.0.0.1 80", $"protocol TCP\nlvs_method {method}\n{Rs}")), message);
    }

    [Fact]
    public void Load_ProtocolInFwmarkVirtualServer_IsWarnedAboutAsKeepalivedDoes()
    {
        var r = Load(Vs("fwmark 7", "protocol TCP\nlb_kind DR\nreal_server 10.0.1.1 80 {\n}"));
        Assert.True(r.Success);
        Assert.Equal(new SourceLocation("test.conf", 2, 1), SingleWarning(r, "protocol is ignored in a fwmark virtual_server").Location);
    }

    [Fact]
    public void Load_RealServerMethod_OverridesVirtualServerMethod()
    {
        var vs = LoadValid(Vs("10.0.0.1 80", "protocol TCP\nlb_kind DR\nreal_server 10.0.1.1 80 {\n lvs_method TUN type gre\n}\nreal_server 10.0.1.2 80 {\n}"))
            .VirtualServers[0];
        Assert.Equal(TunnelType.Gre, vs.RealServers[0].Method.Tunnel);
        Assert.Equal(LvsMethod.Dr, vs.RealServers[1].Method.Method);
    }

    [Theory]
    [InlineData("DR")]
    [InlineData("TUN")]
    public void Load_DrOrTunRealServerPort_IsForcedToVirtualPortWithWarning(string method)
    {
        var r = Load(Vs("10.0.0.1 80", $"protocol TCP\nlb_kind {method}\nreal_server 10.0.1.1 8080 {{\n}}\nreal_server 10.0.1.2 {{\n}}"));
        Assert.True(r.Success);
        Assert.Equal([80, 80], r.Config!.VirtualServers[0].RealServers.Select(x => x.Port));
        var w = SingleWarning(r, "ports differ");
        Assert.Equal(4, w.Location.Line);
    }

    [Fact]
    public void Load_NatRealServerWithoutPort_TakesVirtualPort()
    {
        Assert.Equal(443, LoadValid(Vs("10.0.0.1 443", "protocol TCP\nreal_server 10.0.1.1 {\n}")).VirtualServers[0].RealServers[0].Port);
    }

    [Fact]
    public void Load_FwmarkVirtualServer_RealServerPortIsZero()
    {
        var r = Load(Vs("fwmark 7", "lb_kind DR\nreal_server 10.0.1.1 80 {\n}\nreal_server 10.0.1.2 {\n}"));
        Assert.True(r.Success, string.Join('\n', r.Diagnostics));
        var vs = r.Config!.VirtualServers[0];
        Assert.Equal([0, 0], vs.RealServers.Select(x => x.Port));
        SingleWarning(r, "port 80 is ignored");
        var ep = Assert.Single(vs.Endpoints);
        Assert.True(ep.IsFwmark);
        Assert.Equal(7u, ep.Fwmark);
        Assert.Null(ep.Address);
        Assert.Equal(0, vs.RealServers[0].PortFor(ep));
    }

    [Fact]
    public void Load_FwmarkWithIpFamily_UsesIt()
    {
        Assert.Equal(IpFamily.IPv6, LoadValid(Vs("fwmark 7", "ip_family inet6\nlb_kind TUN\nreal_server 10.0.1.1 {\n}")).VirtualServers[0].Family);
        Assert.Equal(IpFamily.IPv6, LoadValid(Vs("fwmark 7", "lb_kind DR\nreal_server 2001:db8::1 {\n}")).VirtualServers[0].Family);
    }

    [Fact]
    public void Load_BarePersistenceTimeout_Is360()
    {
        Assert.Equal(360, LoadValid(Vs("10.0.0.1 80", $"protocol TCP\npersistence_timeout\n{Rs}")).VirtualServers[0].PersistenceTimeout);
        Assert.Equal(50, LoadValid(Vs("10.0.0.1 80", $"protocol TCP\npersistence_timeout 50\n{Rs}")).VirtualServers[0].PersistenceTimeout);
    }

    [Fact]
    public void Load_PortZeroWithoutPersistence_SetsPersistenceWithWarning()
    {
        var r = Load(Vs("10.0.0.1 0", $"protocol TCP\nlb_kind DR\n{Rs}"));
        Assert.Equal(360, r.Config!.VirtualServers[0].PersistenceTimeout);
        SingleWarning(r, "port 0 is only valid for persistent services");
    }

    [Theory]
    [InlineData("255.255.255.0", 24)]
    [InlineData("255.255.0.0", 16)]
    [InlineData("24", 24)]
    public void Load_PersistenceGranularity_IsNetmask(string value, int prefix)
    {
        var vs = LoadValid(Vs("10.0.0.1 80", $"protocol TCP\npersistence_timeout 60\npersistence_granularity {value}\n{Rs}")).VirtualServers[0];
        Assert.Equal(prefix, vs.PersistencePrefixLength);
        Assert.Equal(IPAddress.Parse(prefix == 24 ? "255.255.255.0" : "255.255.0.0"), vs.PersistenceGranularity);
    }

    [Fact]
    public void Load_NonContiguousNetmask_IsAnError()
    {
        SingleError(Load(Vs("10.0.0.1 80", $"protocol TCP\npersistence_granularity 255.0.255.0\n{Rs}")), "contiguous");
    }

    [Fact]
    public void Load_Ipv6Granularity_IsPrefixLength()
    {
        var vs = LoadValid(Vs("2001:db8::1 80", "protocol TCP\npersistence_timeout\npersistence_granularity 64\nreal_server 2001:db8::10 80 {\n}")).VirtualServers[0];
        Assert.Equal(64, vs.PersistencePrefixLength);
        Assert.Null(vs.PersistenceGranularity);
        Assert.Equal(IpFamily.IPv6, vs.Family);
        Assert.Equal("[2001:db8::10]:80", vs.RealServers[0].Name);
    }

    [Fact]
    public void Load_QuorumAboveWeightSum_IsLoweredWithWarning()
    {
        var r = Load(Vs("10.0.0.1 80", "protocol TCP\nquorum 10\nreal_server 10.0.1.1 80 {\n weight 3\n}\nreal_server 10.0.1.2 80 {\n weight 4\n}"));
        Assert.Equal(7, r.Config!.VirtualServers[0].Quorum);
        Assert.Equal(3, SingleWarning(r, "lowered to 7").Location.Line);
    }

    [Fact]
    public void Load_HysteresisNotBelowQuorum_IsLowered()
    {
        var r = Load(Vs("10.0.0.1 80", "protocol TCP\nquorum 2\nhysteresis 2\n" + Rs));
        Assert.Equal(1, r.Config!.VirtualServers[0].Hysteresis);
        SingleWarning(r, "hysteresis 2 >= quorum 2");
    }

    [Fact]
    public void Load_VirtualServerSettings_AreInheritedByRealServers()
    {
        var vs = LoadValid(Vs("10.0.0.1 80", """
            protocol TCP
            weight 5
            inhibit_on_failure
            delay_loop 7
            alpha
            real_server 10.0.1.1 80 {
            }
            real_server 10.0.1.2 80 {
                weight 9
                inhibit_on_failure off
                delay_loop 3
            }
            """)).VirtualServers[0];
        Assert.Equal((5, true, TimeSpan.FromSeconds(7)), (vs.RealServers[0].Weight, vs.RealServers[0].InhibitOnFailure, vs.RealServers[0].DelayLoop));
        Assert.Equal((9, false, TimeSpan.FromSeconds(3)), (vs.RealServers[1].Weight, vs.RealServers[1].InhibitOnFailure, vs.RealServers[1].DelayLoop));
        Assert.True(vs.Alpha);
        Assert.All(vs.RealServers, rs => Assert.True(rs.Alpha));
    }

    [Fact]
    public void Load_RealServerOptions_AreRead()
    {
        var rs = LoadValid(Vs("10.0.0.1 80", """
            protocol TCP
            real_server 10.0.1.1 80 {
                uthreshold 100
                lthreshold 10
                notify_up "/bin/echo up" nobody
                notify_down /bin/echo
                ssh_host rs1.mgmt.example
                virtualhost www.example.com
            }
            """)).VirtualServers[0].RealServers[0];
        Assert.Equal((100, 10), (rs.UpperThreshold, rs.LowerThreshold));
        Assert.Equal(("/bin/echo up", "nobody"), (rs.NotifyUp!.Command, rs.NotifyUp.User));
        Assert.Equal("/bin/echo", rs.NotifyDown!.Command);
        Assert.Equal("rs1.mgmt.example", rs.SshHost);
        Assert.Equal("www.example.com", rs.Virtualhost);
    }

    [Fact]
    public void Load_SorryServer_FollowsVirtualServerMethodAndPort()
    {
        var vs = LoadValid(Vs("10.0.0.1 80", $"protocol TCP\nlb_kind DR\nsorry_server 10.0.9.9 8080\nsorry_server_inhibit\n{Rs}")).VirtualServers[0];
        Assert.Equal(new SorryServer(IPAddress.Parse("10.0.9.9"), 80, ForwardingMethod.Dr, true, vs.SorryServer!.Location), vs.SorryServer);
        var nat = LoadValid(Vs("10.0.0.1 80", $"protocol TCP\nlb_kind DR\nsorry_server 10.0.9.9 8080\nsorry_server_lvs_method NAT\n{Rs}")).VirtualServers[0];
        Assert.Equal((8080, LvsMethod.Nat), (nat.SorryServer!.Port, nat.SorryServer.Method.Method));
    }

    [Fact]
    public void Load_OtherVirtualServerKeywords_AreRead()
    {
        var vs = LoadValid(Vs("10.0.0.1 5060", $"""
            protocol SCTP
            persistence_engine sip
            quorum_up "/bin/echo up"
            quorum_down /bin/echo
            omega
            ha_suspend
            virtualhost example.org
            {Rs}
            """)).VirtualServers[0];
        Assert.Equal(ServiceProtocol.Sctp, vs.Protocol);
        Assert.Equal("sip", vs.PersistenceEngine);
        Assert.Equal("/bin/echo up", vs.QuorumUp!.Command);
        Assert.Equal("/bin/echo", vs.QuorumDown!.Command);
        Assert.True(vs.Omega && vs.HaSuspend);
        Assert.Equal("example.org", vs.Virtualhost);
    }

    [Fact]
    public void Load_VirtualServerWithoutRealServers_IsDroppedWithWarning()
    {
        var r = Load(Vs("10.0.0.1 80", "protocol TCP"));
        Assert.True(r.Success);
        Assert.Empty(r.Config!.VirtualServers);
        SingleWarning(r, "has no real servers");
    }

    [Theory]
    [InlineData("real_server 10.0.1.300 80 {\n}", "invalid real server address '10.0.1.300'")]
    [InlineData("real_server 10.0.1 80 {\n}", "invalid real server address '10.0.1'")]
    [InlineData("real_server 10.0.1.1 70000 {\n}", "real server port 70000 is out of range")]
    [InlineData("real_server 10.0.1.1 http {\n}", "invalid real server port 'http'")]
    [InlineData("real_server 10.0.1.1 80 {\n weight -1\n}", "weight -1 is out of range")]
    [InlineData("real_server 10.0.1.1 80 {\n weight heavy\n}", "invalid weight 'heavy'")]
    [InlineData("real_server 10.0.1.1 80 {\n weight\n}", "'weight' needs weight")]
    public void Load_BadRealServerValues_HavePreciseErrors(string rs, string message)
    {
        SingleError(Load(Vs("10.0.0.1 80", "protocol TCP\n" + rs)), message);
    }

    [Theory]
    [InlineData("10.0.0.256 80", "invalid virtual server address")]
    [InlineData("10.0.0.1 65536", "virtual server port 65536 is out of range")]
    [InlineData("fwmark 0", "fwmark 0 is out of range")]
    [InlineData("fwmark", "'virtual_server' needs")]
    public void Load_BadVirtualServerHeader_HasPreciseError(string header, string message)
    {
        SingleError(Load(Vs(header, "protocol TCP\n" + Rs)), message);
    }

    [Fact]
    public void Load_MixedFamiliesInService_IsAnError()
    {
        var d = SingleError(Load(Vs("10.0.0.1 80", "protocol TCP\nreal_server 2001:db8::1 80 {\n}")), "mixed address families");
        Assert.Equal(3, d.Location.Line);
    }

    [Fact]
    public void Load_TunnelledRealServerOfOtherFamily_IsAllowed()
    {
        LoadValid(Vs("10.0.0.1 80", "protocol TCP\nlb_kind TUN\nreal_server 2001:db8::1 80 {\n}"));
    }

    [Fact]
    public void Load_DuplicateRealServer_IsAnErrorNamingFirst()
    {
        var d = SingleError(Load(Vs("10.0.0.1 80", "protocol TCP\nreal_server 10.0.1.1 80 {\n}\nreal_server 10.0.1.1 80 {\n}")), "duplicate real server 10.0.1.1:80");
        Assert.Equal(5, d.Location.Line);
        Assert.Contains("test.conf:3:1", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DuplicateVirtualServer_IsAnError()
    {
        var text = Vs("10.0.0.1 80", "protocol TCP\n" + Rs) + Vs("10.0.0.1 80", "protocol TCP\n" + Rs);
        var d = SingleError(Load(text), "duplicate virtual server TCP 10.0.0.1:80");
        Assert.Equal(7, d.Location.Line);
        // Same address and port on another protocol is another service.
        LoadValid(Vs("10.0.0.1 80", "protocol TCP\n" + Rs) + Vs("10.0.0.1 80", "protocol UDP\n" + Rs));
    }

    [Fact]
    public void Load_UnsupportedKeyword_IsWarningNamingIt()
    {
        var r = Load(Vs("10.0.0.1 80", "protocol TCP\n  snmp_name lb\n" + Rs));
        Assert.True(r.Success);
        var w = SingleWarning(r, "'snmp_name'");
        Assert.Equal(new SourceLocation("test.conf", 3, 3), w.Location);
    }
}
