using System.Net;

namespace LvsHa.Vrrp.Tests;

public class GarpScheduleTests
{
    private static readonly IPAddress V4a = IPAddress.Parse("192.168.1.100");
    private static readonly IPAddress V4b = IPAddress.Parse("192.168.1.101");
    private static readonly IPAddress V6 = IPAddress.Parse("2001:db8::100");

    [Fact]
    public void Expand_RepeatWithIntervals_PacesArpAndNaSeparately()
    {
        var burst = new SendGratuitousArps(2, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(25));
        var ms = TimeSpan.FromMilliseconds(1);
        Assert.Equal(
            [
                new GarpPacket(V4a, TimeSpan.Zero),
                new GarpPacket(V6, TimeSpan.Zero),
                new GarpPacket(V4b, 10 * ms),
                new GarpPacket(V4a, 20 * ms),
                new GarpPacket(V6, 25 * ms),
                new GarpPacket(V4b, 30 * ms),
            ],
            GarpSchedule.Expand(burst, [V4a, V6, V4b]));
    }

    [Fact]
    public void Expand_DefaultKeepalivedBurst_FivePacketsPerVipBackToBack()
    {
        var defaults = new GarpSettings();
        var packets = GarpSchedule.Expand(new SendGratuitousArps(defaults.MasterRepeat, defaults.ArpInterval, defaults.NaInterval), [V4a]);
        Assert.Equal(5, packets.Count);
        Assert.All(packets, p => Assert.Equal(TimeSpan.Zero, p.Offset));
    }

    [Fact]
    public void Expand_NoVips_IsEmpty() =>
        Assert.Empty(GarpSchedule.Expand(new SendGratuitousArps(5, TimeSpan.Zero, TimeSpan.Zero), []));
}
