using System.CommandLine;
using LvsHa.Config;

namespace LvsHa.Cli.Commands;

/// <summary>The `-f FILE` option every command shares, and loading it with every diagnostic printed.</summary>
public static class ConfigFile
{
    /// <summary>A fresh `--file/-f` option (System.CommandLine options belong to one command).</summary>
    public static Option<string> CreateOption() => new("--file", "-f")
    {
        Description = "Configuration file (keepalived syntax plus LvsHa's cluster and real_server_prep blocks).",
        Required = true,
        HelpName = "FILE",
    };

    /// <summary>
    /// Loads <paramref name="path"/>, printing every warning and error as FILE:LINE:COL on <paramref name="error"/>;
    /// null when the configuration has errors.
    /// </summary>
    public static LvsHaConfig? Load(string path, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        ConfigLoadResult result;
        try
        {
            result = ConfigLoader.Load(path);
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
}
