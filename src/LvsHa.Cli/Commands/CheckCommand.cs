using System.CommandLine;
using LvsHa.Config;
using LvsHa.Director.Security;

namespace LvsHa.Cli.Commands;

/// <summary>`lvsha check [-f FILE] [--dump] [--config-id ID]`: validates a configuration and prints every problem as FILE:LINE:COL.</summary>
public static class CheckCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var file = ConfigFile.CreateOption();
        var dump = new Option<bool>("--dump")
        {
            Description = "Print the normalized model as JSON on stdout when the configuration is valid.",
        };
        var configId = ConfigFile.CreateConfigIdOption();
        var command = new Command("check",
            "Check a configuration: every error and warning on stderr as FILE:LINE:COL: error|warning: MESSAGE.\n" +
            "Exit codes: 0 valid (warnings may be printed), 1 invalid, 2 usage error.")
        {
            file,
            dump,
            configId,
        };
        // The path stays as the operator wrote it: diagnostics name files the way they were given.
        command.SetAction(parse => Run(
            ConfigFile.PathOf(parse, file, parse.InvocationConfiguration.Error),
            parse.GetValue(dump),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            parse.GetValue(configId)));
        return command;
    }

    /// <summary>Checks <paramref name="path"/>; returns the exit code. <paramref name="configId"/> is matched by `@ID` lines (null: the host's short name).</summary>
    public static int Run(string path, bool dump, TextWriter output, TextWriter error, string? configId = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        // Loaded as run loads it (scripts' users and paths judged on this machine); the secret is read and judged
        // (mode, owner, strength) with run's rules, only the key derivation is left out: a file that passes check starts.
        var config = ConfigFile.LoadToRun(path, error, configId);
        if (config is null)
            return ExitCodes.Failed;
        if (config.Cluster is { } cluster)
        {
            try
            {
                ClusterSecret.ReadChecked(cluster.SecretFile);
            }
            catch (ClusterSecretException e)
            {
                error.WriteLine($"{cluster.SecretFileLocation}: error: {e.Message}");
                return ExitCodes.Failed;
            }
        }
        if (dump)
            output.WriteLine(ConfigJson.Serialize(config));
        return ExitCodes.Ok;
    }
}
