using LvsHa.Cli;
using LvsHa.Cli.Commands;
using LvsHa.Cli.Doctor;

namespace LvsHa.Ipvs.Tests.Lab;

/// <summary>`lvsha doctor` on a real ip_vs kernel: it reads what the kernel has (the module, its schedulers, the
/// connection table size, the net.ipv4.vs sysctls) and follows a sysctl changed under it.</summary>
[Trait("Category", "Kernel")]
[Collection(KernelTableCollection.Name)]
public sealed class DoctorKernelTests : IDisposable
{
    private const string Key = "net.ipv4.vs.expire_nodest_conn";
    private readonly string _config = Path.Combine(Path.GetTempPath(), $"doctor-kernel-{Guid.NewGuid():N}.conf");
    private readonly string? _before;

    public DoctorKernelTests()
    {
        KernelLab.RequireIpvs();
        _before = new Machine().Read(Key);
        File.WriteAllText(_config, """
            virtual_server 10.1.1.1 80 {
                protocol TCP
                lb_algo wlc
                lb_kind DR
                real_server 10.2.2.2 80 {
                    weight 1
                }
            }
            """);
    }

    public void Dispose()
    {
        File.Delete(_config);
        if (_before is not null)
            LabProcess.Run("sysctl", ["-qw", $"{Key}={_before}"]);
    }

    private string Doctor()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = DoctorCommand.Run(_config, new Machine(), output, error);
        Assert.True(code is ExitCodes.Ok or ExitCodes.Failed, $"exit {code}: {error}");
        return output.ToString().ReplaceLineEndings("\n");
    }

    [Fact]
    public void Doctor_RealKernel_ReportsModuleSchedulerTableSizeAndFollowsASysctl()
    {
        Assert.Equal(0, LabProcess.Run("sysctl", ["-qw", $"{Key}=0"]).ExitCode);
        var text = Doctor();

        Assert.Contains("ok    ip_vs: loaded\n", text, StringComparison.Ordinal);
        Assert.Contains("ok    lb_algo wlc: kernel module ip_vs_wlc available\n", text, StringComparison.Ordinal);
        var bits = File.ReadAllText("/sys/module/ip_vs/parameters/conn_tab_bits").Trim();
        Assert.Contains($"ip_vs conn_tab_bits: {bits}", text, StringComparison.Ordinal);
        Assert.Contains($"WARN  {Key}: 0, LvsHa recommends 1: ", text, StringComparison.Ordinal);

        Assert.Equal(0, LabProcess.Run("sysctl", ["-qw", $"{Key}=1"]).ExitCode);
        Assert.Contains($"ok    {Key}: 1\n", Doctor(), StringComparison.Ordinal);
    }
}
