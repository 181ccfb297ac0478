using System.Net;
using LvsHa.RealServers.Planning;
using LvsHa.RealServers.Running;

namespace LvsHa.RealServers.Tests.Planning;

public sealed class StateParsersTests
{
    [Fact]
    public void RouteDevice_IpRouteGetOutput_Device() =>
        Assert.Equal("ens3", StateParsers.RouteDevice("10.1.0.1 dev ens3 src 10.1.0.2 uid 0 \\    cache \n"));

    [Fact]
    public void DefaultRoute_ViaAndDev_Parsed()
    {
        RouteInfo? route = StateParsers.DefaultRoute("default via 10.1.0.1 dev eth0 proto static metric 100 \n");
        Assert.Equal(IPAddress.Parse("10.1.0.1"), route?.Gateway);
        Assert.Equal("eth0", route?.Device);
        Assert.Null(StateParsers.DefaultRoute(string.Empty));
        Assert.Null(StateParsers.DefaultRoute("default dev wg0 scope link\n")?.Gateway);
    }

    [Fact]
    public void LinkIsUp_FlagsInAngleBrackets()
    {
        Assert.True(StateParsers.LinkIsUp("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN"));
        Assert.False(StateParsers.LinkIsUp("1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN"));
        Assert.False(StateParsers.LinkIsUp("garbage"));
    }

    [Fact]
    public void Addresses_InetAndInet6Lines_Parsed()
    {
        const string output = "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n" +
            "1: lo    inet 192.168.77.10/32 scope global lo\\       valid_lft forever preferred_lft forever\n" +
            "1: lo    inet6 fd00:77::10/128 scope global nodad \\       valid_lft forever preferred_lft forever\n";
        Assert.Equal(
            [new InterfaceAddress(IPAddress.Parse("127.0.0.1"), 8), new InterfaceAddress(IPAddress.Parse("192.168.77.10"), 32), new InterfaceAddress(IPAddress.Parse("fd00:77::10"), 128)],
            StateParsers.Addresses(output));
    }

    [Fact]
    public void FouPorts_IpFouShow_Ports() =>
        Assert.Equal([5555, 6080], StateParsers.FouPorts("port 5555 gue\nport 6080 gue\n").Order());

    [Fact]
    public void PreviousValues_OnlyValidMarkedLines()
    {
        const string file = "# Written by lvsha\n# previous net.ipv4.conf.all.arp_ignore=0\n# previous net/ipv4/conf/eth0.100/rp_filter=2\n" +
            "# previous kernel.core_pattern=1\n# previous net.ipv4.conf.lo.arp_announce=x\nnet.ipv4.conf.all.arp_ignore = 1\n";
        IReadOnlyDictionary<SysctlKey, int> values = StateParsers.PreviousValues(file);
        Assert.Equal(2, values.Count);
        Assert.Equal(0, values[new SysctlKey("all", SysctlName.ArpIgnore)]);
        Assert.Equal(2, values[new SysctlKey("eth0.100", SysctlName.RpFilter)]);
    }

    [Fact]
    public void SplitBatch_MarkersWithExitCodes_OneResultEach()
    {
        string output = "0\n\n@@lvsha-exit 0\nsudo: a password is required\n\n@@lvsha-exit 1\n\n@@lvsha-exit 0\nno newline\n@@lvsha-exit 0\n";
        IReadOnlyList<CommandResult> results = StateProbe.SplitBatch(output, 5);
        Assert.Equal([0, 1, 0, 0, -1], results.Select(r => r.ExitCode));
        Assert.Equal("no newline", results[3].Stdout);
        Assert.Equal("0\n", results[0].Stdout);
        Assert.Equal("sudo: a password is required\n", results[1].Stdout);
        Assert.Equal(string.Empty, results[2].Stdout);
    }

    [Fact]
    public void SplitBatch_MarkerInsideALine_NotTakenAsMarker()
    {
        IReadOnlyList<CommandResult> results = StateProbe.SplitBatch("x @@lvsha-exit 0\n", 1);
        Assert.Equal(-1, results[0].ExitCode);
    }
}
