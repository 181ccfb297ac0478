namespace LvsHa.Ipvs.Tests.Lab;

/// <summary>The lab kernel itself: ip_vs, its schedulers, and the reference tools the comparison tests rely on.</summary>
[Trait("Category", "Kernel")]
[Collection(KernelTableCollection.Name)]
public sealed class KernelSmokeTests : IDisposable
{
    public KernelSmokeTests()
    {
        KernelLab.RequireIpvs();
        Ipvsadm.Clear();
    }

    public void Dispose()
    {
        if (KernelLab.HasIpvs)
        {
            Ipvsadm.Clear();
        }
    }

    public static TheoryData<string> Schedulers => [.. KernelLab.Schedulers];

    [Fact]
    public void IpvsProcFile_LabKernel_ReportsIpVirtualServer()
    {
        var text = File.ReadAllText(KernelLab.IpvsProcFile);

        Assert.StartsWith("IP Virtual Server version", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.1.1.1:80", "10.2.2.2:80")]
    [InlineData("[fd00::1]:80", "[fd00::2]:80")]
    public void IpvsadmAdd_TcpServiceWithDrDestination_TableHoldsBoth(string service, string destination)
    {
        Ipvsadm.Run("-A", "-t", service, "-s", "rr");
        Ipvsadm.Run("-a", "-t", service, "-r", destination, "-g", "-w", "2");

        Assert.Equal([$"-A -t {service} -s rr", $"-a -t {service} -r {destination} -g -w 2"], Ipvsadm.SaveSorted());
    }

    [Fact]
    public void IpvsadmAdd_MulticastDrDestination_KernelRefusesIt()
    {
        // The kernel's own check (a DR/TUN destination must be unicast): the error path of a real ip_vs.
        Ipvsadm.Run("-A", "-t", "10.1.1.1:80", "-s", "rr");

        var result = LabProcess.Run("ipvsadm", ["-a", "-t", "10.1.1.1:80", "-r", "224.1.1.1:80", "-g"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("not unicast", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(["-A -t 10.1.1.1:80 -s rr"], Ipvsadm.SaveSorted());
    }

    [Theory]
    [MemberData(nameof(Schedulers))]
    public void IpvsadmAdd_ServiceWithScheduler_KernelLoadsSchedulerModule(string scheduler)
    {
        Ipvsadm.Run("-A", "-t", "10.1.1.1:80", "-s", scheduler);

        Assert.Equal([$"-A -t 10.1.1.1:80 -s {scheduler}"], Ipvsadm.SaveSorted());
        Assert.Contains(File.ReadLines("/proc/modules"), line => line.StartsWith($"ip_vs_{scheduler} ", StringComparison.Ordinal));
    }

    [Fact]
    public void ProgramTable_SmallDrAndNatConfig_ReturnsKeepalivedsTableAndLeavesItEmpty()
    {
        const string Config = """
            global_defs {
                router_id lvsha_lab
            }
            virtual_server 10.1.1.1 80 {
                lb_algo wlc
                lb_kind DR
                protocol TCP
                real_server 10.2.2.2 80 {
                    weight 3
                }
                real_server 10.2.2.3 8080 {
                    weight 1
                }
            }
            virtual_server 192.168.1.1 443 {
                lb_algo sh
                lb_kind NAT
                persistence_timeout
                protocol TCP
                real_server 192.168.2.2 8443 {
                    weight 2
                }
            }
            """;

        var table = Keepalived.ProgramTable(Config);

        // keepalived resets a DR real server's port to the virtual port and reads a bare persistence_timeout as 360.
        Assert.Equal(
            [
                "-A -t 10.1.1.1:80 -s wlc",
                "-A -t 192.168.1.1:443 -s sh -p 360",
                "-a -t 10.1.1.1:80 -r 10.2.2.2:80 -g -w 3",
                "-a -t 10.1.1.1:80 -r 10.2.2.3:80 -g -w 1",
                "-a -t 192.168.1.1:443 -r 192.168.2.2:8443 -m -w 2",
            ],
            table);
        Assert.Empty(Ipvsadm.SaveSorted());
    }
}
