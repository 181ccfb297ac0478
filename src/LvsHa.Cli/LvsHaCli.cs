using System.CommandLine;
using LvsHa.Cli.Commands;

namespace LvsHa.Cli;

/// <summary>The `lvsha` command line: one root command, one file per sub-command under Commands/.</summary>
public static class LvsHaCli
{
    /// <summary>Builds the root command with every sub-command.</summary>
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand(
            "LvsHa runs LVS/IPVS directors from a keepalived-style configuration.\n" + ExitCodes.Help);
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(PlanCommand.Create());
        root.Subcommands.Add(ApplyCommand.Create());
        root.Subcommands.Add(PrepareCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(SecretCommand.Create());
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(OperatorCommands.CreateReload());
        root.Subcommands.Add(OperatorCommands.CreateDrain());
        root.Subcommands.Add(OperatorCommands.CreateFailover());
        return root;
    }

    /// <summary>Parses and runs; usage errors exit 2 with the problem on stderr.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var root = CreateRootCommand();
        var parse = root.Parse(args);
        // Our own handler below prints one line instead of System.CommandLine's stack trace.
        var invocation = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
                error.WriteLine($"lvsha: {e.Message}");
            error.WriteLine("Run 'lvsha --help' for usage.");
            return ExitCodes.Usage;
        }
        try
        {
            return parse.Invoke(invocation);
        }
#pragma warning disable CA1031 // The last line of defence: an operator gets one line, never a stack trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            error.WriteLine($"lvsha: internal error: {e.GetType().Name}: {e.Message}");
            // For a bug report: LVSHA_TRACE=1 adds where it happened.
            if (Environment.GetEnvironmentVariable("LVSHA_TRACE") == "1")
                error.WriteLine(e);
            return ExitCodes.Failed;
        }
    }
}
