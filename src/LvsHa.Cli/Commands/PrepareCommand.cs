using System.CommandLine;
using LvsHa.Director.Preparation;
using LvsHa.RealServers.Model;
using LvsHa.RealServers.Running;

namespace LvsHa.Cli.Commands;

/// <summary>
/// `lvsha prepare [-f FILE] [--dry-run] [--undo] [--only HOST...] [--config-id ID]`: prepares every real server over SSH (ARP sysctls
/// and VIPs on lo for DR, the tunnel for TUN, a route check for NAT), verified and persisted.
/// </summary>
public static class PrepareCommand
{
    public static Command Create()
    {
        var file = ConfigFile.CreateOption();
        var dryRun = new Option<bool>("--dry-run") { Description = "Read each host's state and print the plan; change nothing." };
        var undo = new Option<bool>("--undo") { Description = "Remove what prepare added (VIPs, persisted files) and restore the sysctls." };
        var only = new Option<string[]>("--only")
        {
            Description = "Prepare only these hosts (ssh_host or address); repeatable.",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "HOST",
        };
        var parallel = new Option<int>("--parallel") { Description = "Hosts prepared at once.", DefaultValueFactory = _ => 4 };
        var verbose = new Option<bool>("--show-commands") { Description = "Also print the commands run on each host." };
        var configId = ConfigFile.CreateConfigIdOption();
        var command = new Command("prepare",
            "Prepare the real servers of every virtual service over SSH (real_server_prep block: user, port, identity_file, " +
            "known_hosts_file, persist). Host keys must match known_hosts_file; a host that does not is left untouched.\n" +
            "Exit codes: 0 every host prepared (or already right), 1 invalid configuration or any host failed, 2 usage error.")
        {
            file, dryRun, undo, only, parallel, verbose, configId,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(ConfigFile.PathOf(parse, file, parse.InvocationConfiguration.Error),
            new PrepareOptions(parse.GetValue(dryRun), parse.GetValue(undo),
                parse.GetValue(only) is { Length: > 0 } hosts ? hosts.ToHashSet(StringComparer.Ordinal) : null,
                Math.Max(1, parse.GetValue(parallel))),
            parse.GetValue(verbose), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken,
            parse.GetValue(configId)));
        return command;
    }

    public static async Task<int> RunAsync(string path, PrepareOptions options, bool showCommands, TextWriter output, TextWriter error,
        CancellationToken cancellationToken, string? configId = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var config = ConfigFile.Load(path, error, configId);
        if (config is null)
            return ExitCodes.Failed;
        var prep = config.RealServerPrep;
        // No silent defaults for key material: the operator names the key and the known hosts he trusts.
        if (prep.IdentityFile is null || prep.KnownHostsFile is null)
        {
            error.WriteLine($"{(prep.Location.File.Length > 0 ? prep.Location.ToString() : path)}: error: real_server_prep needs " +
                "identity_file and known_hosts_file to prepare real servers over SSH");
            return ExitCodes.Failed;
        }
        var targets = PrepTargetMapper.Map(config);
        if (targets.Count == 0)
        {
            output.WriteLine("No real servers to prepare.");
            return ExitCodes.Ok;
        }
        var ssh = new SshSettings(prep.User, prep.Port, prep.IdentityFile, prep.KnownHostsFile, prep.Persist);
        var report = await PrepareRunner.RunAsync(targets, ssh, options, cancellationToken);
        output.Write(ReportFormatter.Format(report, showCommands));
        return report.ExitCode;
    }
}
