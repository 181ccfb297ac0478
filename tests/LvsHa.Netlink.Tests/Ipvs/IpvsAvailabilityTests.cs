using LvsHa.Netlink.Ipvs;

namespace LvsHa.Netlink.Tests.Ipvs;

public class IpvsAvailabilityTests
{
    // This runs on every kernel: where ip_vs is missing (the build host) it checks the operator's error, where
    // it is present (the VM, a real director) it checks that the family resolves.
    [Fact]
    public void Open_ThisKernel_ResolvesFamilyOrSaysHowToGetIpvs()
    {
        if (File.Exists("/proc/net/ip_vs"))
        {
            using var client = IpvsClient.Open();
            Assert.NotEqual(0, client.FamilyId);
            Assert.Equal(1u, client.FamilyVersion);
            return;
        }
        var error = Assert.Throws<IpvsException>(() => IpvsClient.Open());
        Assert.Equal(Errno.ENOENT, error.Errno);
        Assert.Contains("IPVS is not available", error.Message);
        Assert.Contains("modprobe ip_vs", error.Message);
        Assert.Contains("CONFIG_IP_VS", error.Message);
    }
}
