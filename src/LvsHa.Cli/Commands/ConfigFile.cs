using System.CommandLine;
using LvsHa.Config;

namespace LvsHa.Cli.Commands;

/// <summary>The `-f FILE` and `--config-id` options every configuration command shares, and loading the file with every diagnostic printed.</summary>
public static class ConfigFile
{
    /// <summary>The file every command reads when no `-f` is given (the path the package and the systemd unit use).</summary>
    public const string DefaultPath = "/etc/lvsha/lvsha.conf";

    /// <summary>A fresh `--file/-f` option (System.CommandLine options belong to one command).</summary>
    public static Option<string?> CreateOption() => new("--file", "-f")
    {
        Description = $"Configuration file (keepalived syntax plus LvsHa's cluster and real_server_prep blocks; default {DefaultPath}).",
        HelpName = "FILE",
    };

    /// <summary>
    /// The file to read: <paramref name="file"/>'s value, else <see cref="DefaultPath"/>, which is then named on
    /// <paramref name="error"/> so that the operator knows which file was read.
    /// </summary>
    public static string PathOf(ParseResult parse, Option<string?> file, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(error);
        if (parse.GetValue(file) is { } path)
            return path;
        error.WriteLine($"lvsha: no -f FILE given: reading {DefaultPath}");
        return DefaultPath;
    }

    /// <summary>A fresh `--config-id` option: the id keepalived's `@ID` lines are matched with.</summary>
    public static Option<string?> CreateConfigIdOption() => new("--config-id")
    {
        Description = "Id that keepalived's '@ID' configuration lines are matched with (as keepalived -i); default: the host name up to its first dot.",
        HelpName = "ID",
    };

    /// <summary>
    /// Loads <paramref name="path"/>, printing every warning and error as FILE:LINE:COL on <paramref name="error"/>;
    /// null when the configuration has errors. <paramref name="configId"/> null: the host name's short form.
    /// </summary>
    public static LvsHaConfig? Load(string path, TextWriter error, string? configId = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        ConfigLoadResult result;
        try
        {
            result = ConfigLoader.Load(path, configId);
        }
        catch (ConfigException e)
        {
            error.WriteLine($"{path}:1:1: error: {e.Message}");
            return null;
        }
        foreach (var d in result.Diagnostics)
            error.WriteLine(d.ToString());
        if (result.Config is null)
        {
            var errors = result.Errors.Count();
            error.WriteLine($"{path}: {errors} error{(errors == 1 ? "" : "s")}, {result.Warnings.Count()} warning(s)");
        }
        return result.Config;
    }

    /// <summary>
    /// <see cref="Load"/>, then what `run` needs of this machine beyond the file, judged as `run` judges it
    /// (<see cref="LvsHa.Director.Daemon.DirectorPreflight"/>: scripts runnable, VRRP interfaces present), printed the same way.
    /// `check` and `run` both load through here, so a file `check` passes starts.
    /// </summary>
    public static LvsHaConfig? LoadToRun(string path, TextWriter error, string? configId = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        var config = Load(path, error, configId);
        if (config is null)
            return null;
        var machine = LvsHa.Director.Daemon.DirectorPreflight.Check(config);
        foreach (var d in machine)
            error.WriteLine(d.ToString());
        return machine.Any(d => d.Severity == DiagnosticSeverity.Error) ? null : config;
    }
}
