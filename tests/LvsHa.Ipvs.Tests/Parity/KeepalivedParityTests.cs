using LvsHa.Cli;
using LvsHa.Config;
using LvsHa.Ipvs.Tests.Lab;
using LvsHa.Netlink.Ipvs;

namespace LvsHa.Ipvs.Tests.Parity;

/// <summary>
/// The proof that `lvsha apply` programs the table keepalived 2.2.7 programs: for every config of the corpus,
/// keepalived (checker only) programs the kernel, `ipvsadm -Sn | sort` is kept, the table is cleared, LvsHa applies
/// the same file, and the two sorted saves must be identical. Runs on a real ip_vs kernel (the VM).
/// </summary>
[Trait("Category", "Kernel")]
[Collection(KernelTableCollection.Name)]
public class KeepalivedParityTests
{
    private static readonly string ConfigFolder = Path.Combine(AppContext.BaseDirectory, "Parity", "configs");

    public static TheoryData<string> Configs()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(ConfigFolder, "*.conf").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public async Task Apply_SameConfig_TableIdenticalToKeepalivedsAndSecondApplyWritesNothing(string configName)
    {
        KernelLab.RequireIpvs();
        var path = Path.Combine(ConfigFolder, configName);
        Ipvsadm.Clear();
        try
        {
            var keepalivedTable = Keepalived.ProgramTableFromFile(path);
            Ipvsadm.Clear();

            var config = ConfigLoader.LoadOrThrow(path);
            var wanted = WantedTable.Build(config, StartupHealth.Instance);
            using var client = IpvsClient.Open();
            var applier = new IpvsApplier(client);
            var report = await applier.ApplyAsync(wanted, ReconcileScope.ManagedOnly);
            Assert.True(report.Converged, string.Join("\n", report.Results.Where(r => !r.Succeeded).Select(r => r.Error!.Message)));

            Assert.Equal(keepalivedTable, Ipvsadm.SaveSorted());

            var second = await applier.ApplyAsync(wanted, ReconcileScope.ManagedOnly);
            Assert.Empty(second.Results);
        }
        finally
        {
            Ipvsadm.Clear();
        }
    }

    [Fact]
    public void PlanAndApplyCommands_OnEmptyTable_PlanListsOperationsApplyConvergesThenNoChanges()
    {
        KernelLab.RequireIpvs();
        var path = Path.Combine(ConfigFolder, "methods.conf");
        Ipvsadm.Clear();
        try
        {
            var (planCode, plan, _) = Run("plan", "-f", path);
            Assert.Equal(0, planCode);
            Assert.Contains("-A -u 10.11.0.1:80 -s wlc", plan, StringComparison.Ordinal);
            Assert.Empty(Ipvsadm.SaveSorted());

            var (applyCode, _, applyError) = Run("apply", "-f", path);
            Assert.True(applyCode == 0, applyError);
            Assert.Equal(6, Ipvsadm.SaveSorted().Count);

            var (againCode, again, _) = Run("plan", "-f", path);
            Assert.Equal(0, againCode);
            Assert.Equal("No changes.", again.Trim());
        }
        finally
        {
            Ipvsadm.Clear();
        }
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = LvsHaCli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
