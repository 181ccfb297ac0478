using System.Net;
using LvsHa.RealServers.Planning;

namespace LvsHa.RealServers.Tests.Planning;

public sealed class CommandSafetyTests
{
    [Theory]
    [InlineData("eth0;reboot")]
    [InlineData("$(reboot)")]
    [InlineData("`id`")]
    [InlineData("eth0 lo")]
    [InlineData("eth0'")]
    [InlineData("a-name-that-is-too-long")]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("eth0\nreboot")]
    [InlineData("eth0|sh")]
    public void InterfaceName_InjectionAttempt_Refused(string name)
    {
        Assert.False(SafeValues.IsInterfaceName(name));
        Assert.Throws<ArgumentException>(() => RemoteCommand.LinkUp(name));
        Assert.Throws<ArgumentException>(() => new SysctlKey(name, SysctlName.ArpIgnore));
        Assert.Throws<ArgumentException>(() => RemoteCommand.AddressAdd(IPAddress.Loopback, name));
    }

    [Theory]
    [InlineData("eth0")]
    [InlineData("eth0.100")]
    [InlineData("br-lan_1")]
    [InlineData("enp0s31f6")]
    public void InterfaceName_Ordinary_Accepted(string name) => Assert.True(SafeValues.IsInterfaceName(name));

    [Fact]
    public void Modprobe_ModuleOutsideFixedList_Refused() =>
        Assert.Throws<ArgumentException>(() => RemoteCommand.Modprobe("evil;reboot"));

    [Fact]
    public void FileCommands_PathOutsidePrepareOwnFiles_Refused()
    {
        Assert.Throws<ArgumentException>(() => RemoteCommand.WriteFile("/etc/passwd", ["x"]));
        Assert.Throws<ArgumentException>(() => RemoteCommand.RemoveFile("/etc/sysctl.d/../passwd"));
    }

    [Theory]
    [InlineData("x' ; reboot ; '")]
    [InlineData("$(reboot)")]
    [InlineData("a\\b")]
    [InlineData("`id`")]
    public void WriteFile_LineThatCouldLeaveItsQuotes_Refused(string line) =>
        Assert.Throws<ArgumentException>(() => RemoteCommand.WriteFile(RemoteCommand.SysctlFilePath, [line]));

    [Fact]
    public void Render_NonRoot_SudoOnlyOnChangingCommandAndAfterThePipe()
    {
        RemoteCommand write = RemoteCommand.WriteFile(RemoteCommand.SysctlFilePath, ["a = 1"]);
        Assert.Equal("printf '%s\\n' 'a = 1' | sudo -n tee /etc/sysctl.d/90-lvsha.conf >/dev/null", write.Render(useSudo: true));
        Assert.Equal("sudo -n ip addr add 10.0.0.1/32 dev lo", RemoteCommand.AddressAdd(IPAddress.Parse("10.0.0.1"), "lo").Render(useSudo: true));
        Assert.Equal("cat /proc/sys/net/ipv4/conf/lo/arp_ignore", RemoteCommand.ReadSysctl(new SysctlKey("lo", SysctlName.ArpIgnore)).Render(useSudo: true));
    }

    [Fact]
    public void RenderBatch_ChangingCommand_Refused() =>
        Assert.Throws<ArgumentException>(() => RemoteCommand.RenderBatch([RemoteCommand.UserId(), RemoteCommand.LinkUp("lo")]));

    [Fact]
    public void FouAdd_PortOutOfRange_Refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RemoteCommand.FouAdd(System.Net.Sockets.AddressFamily.InterNetwork, 70000));

    [Theory]
    [InlineData("net.ipv4.conf.eth0.arp_ignore", "eth0", SysctlName.ArpIgnore)]
    [InlineData("net/ipv4/conf/eth0.100/rp_filter", "eth0.100", SysctlName.RpFilter)]
    public void SysctlKey_TryParse_FileForms(string text, string iface, SysctlName name)
    {
        SysctlKey? key = SysctlKey.TryParse(text);
        Assert.NotNull(key);
        Assert.Equal(iface, key.Interface);
        Assert.Equal(name, key.Name);
    }

    [Theory]
    [InlineData("net.ipv4.ip_forward")]
    [InlineData("net.ipv4.conf.eth0.forwarding")]
    [InlineData("kernel.core_pattern")]
    [InlineData("net/ipv4/conf/$(x)/arp_ignore")]
    public void SysctlKey_TryParse_KeyOutsideFixedList_Null(string text) => Assert.Null(SysctlKey.TryParse(text));

    [Fact]
    public void StateParsers_RouteDeviceWithInjectedName_Null() =>
        Assert.Null(StateParsers.RouteDevice("10.1.0.1 dev eth0;reboot src 10.1.0.2 uid 0"));
}
