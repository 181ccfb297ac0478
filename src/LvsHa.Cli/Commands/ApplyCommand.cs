using System.CommandLine;
using LvsHa.Ipvs;

namespace LvsHa.Cli.Commands;

/// <summary>
/// `lvsha apply [-f FILE] [--prune] [--config-id ID]`: makes the kernel's IPVS table equal to the configuration's start-up table with
/// the minimal operations, sent pipelined; reports each refusal with its object and what is left undone.
/// </summary>
public static class ApplyCommand
{
    public static Command Create()
    {
        var file = ConfigFile.CreateOption();
        var prune = PlanCommand.PruneOption();
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only failures and the summary." };
        var configId = ConfigFile.CreateConfigIdOption();
        var command = new Command("apply",
            "Make the kernel IPVS table equal to the configuration's start-up table (keepalived's table before any " +
            "check has finished). Existing matching entries are kept (weights and settings are edited in place).\n" +
            "Exit codes: 0 the table now matches, 1 invalid configuration or an operation the kernel refused, 2 usage error.")
        {
            file,
            prune,
            quiet,
            configId,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(ConfigFile.PathOf(parse, file, parse.InvocationConfiguration.Error),
            parse.GetValue(prune), parse.GetValue(quiet), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error,
            cancellationToken, parse.GetValue(configId)));
        return command;
    }

    public static Task<int> RunAsync(string path, bool prune, bool quiet, TextWriter output, TextWriter error,
        CancellationToken cancellationToken, string? configId = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        return PlanCommand.WithKernelAsync(path, configId, error, async (applier, wanted) =>
        {
            var report = await applier.ApplyAsync(wanted, PlanCommand.Scope(prune), cancellationToken: cancellationToken);
            foreach (var result in report.Results)
            {
                if (!result.Succeeded)
                    error.WriteLine($"lvsha: {IpvsCommandText.Format(result.Operation)}: {result.Error!.Message}");
                else if (!quiet)
                    output.WriteLine(IpvsCommandText.Format(result.Operation));
            }
            foreach (var remaining in report.Remaining)
                error.WriteLine($"lvsha: not done: {IpvsCommandText.Format(remaining)}");
            output.WriteLine(report.Results.IsEmpty
                ? "No changes."
                : $"{report.Succeeded} operation(s) applied, {report.Failed} refused" +
                  (report.Converged ? "." : $"; {report.Remaining.Length} still needed."));
            return report.Converged ? ExitCodes.Ok : ExitCodes.Failed;
        });
    }
}
