using System.CommandLine;
using LvsHa.Config;
using LvsHa.Director.Lvs;
using LvsHa.Ipvs;
using LvsHa.Netlink;
using LvsHa.Netlink.Ipvs;

namespace LvsHa.Cli.Commands;

/// <summary>
/// `lvsha plan [-f FILE] [--prune] [--config-id ID]`: prints, one per line in ipvsadm's spelling, the kernel operations `apply` would
/// make to reach the configuration's start-up table, or "No changes."; changes nothing.
/// </summary>
public static class PlanCommand
{
    public static Command Create()
    {
        var file = ConfigFile.CreateOption();
        var prune = PruneOption();
        var configId = ConfigFile.CreateConfigIdOption();
        var command = new Command("plan",
            "Show the IPVS operations that would make the kernel table equal to the configuration's start-up table " +
            "(as keepalived programs it before any check has finished). Changes nothing.\n" +
            "Exit codes: 0 success, 1 invalid configuration or kernel error, 2 usage error.")
        {
            file,
            prune,
            configId,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(ConfigFile.PathOf(parse, file, parse.InvocationConfiguration.Error),
            parse.GetValue(prune), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken,
            parse.GetValue(configId)));
        return command;
    }

    internal static Option<bool> PruneOption() => new("--prune")
    {
        Description = "Also delete kernel services the configuration does not name (by default they are left alone).",
    };

    public static Task<int> RunAsync(string path, bool prune, TextWriter output, TextWriter error, CancellationToken cancellationToken,
        string? configId = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        return WithKernelAsync(path, configId, error, async (applier, wanted) =>
        {
            var plan = await applier.PlanAsync(wanted, Scope(prune), cancellationToken: cancellationToken);
            if (plan.IsEmpty)
                output.WriteLine("No changes.");
            foreach (var operation in plan)
                output.WriteLine(IpvsCommandText.Format(operation));
            return ExitCodes.Ok;
        });
    }

    /// <summary>
    /// Loads the config, opens the kernel's IPVS table and runs <paramref name="body"/> with the start-up table, the
    /// one `lvsha run` programs first (<see cref="LiveServiceHealth"/>: keepalived's initial state, and a FILE_CHECK's
    /// real server as its file reads now); a kernel without ip_vs or a socket failure is one clear line and exit code 1.
    /// </summary>
    internal static async Task<int> WithKernelAsync(string path, string? configId, TextWriter error, Func<IpvsApplier, IpvsTable, Task<int>> body)
    {
        ArgumentNullException.ThrowIfNull(error);
        var config = ConfigFile.Load(path, error, configId);
        if (config is null)
            return ExitCodes.Failed;
        try
        {
            var startup = new LiveServiceHealth(HealthSettingsMapper.Map(config));
            using var client = IpvsClient.Open();
            return await body(new IpvsApplier(client), WantedTable.Build(config, startup));
        }
        catch (ConfigException e)
        {
            error.WriteLine($"lvsha: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (NetlinkException e)
        {
            error.WriteLine($"lvsha: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    internal static ReconcileScope Scope(bool prune) => prune ? ReconcileScope.Prune : ReconcileScope.ManagedOnly;
}
