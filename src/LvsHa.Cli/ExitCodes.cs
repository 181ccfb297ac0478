namespace LvsHa.Cli;

/// <summary>Process exit codes of `lvsha`, shown in --help.</summary>
public static class ExitCodes
{
    /// <summary>Success (for check: the configuration is valid; warnings may have been printed).</summary>
    public const int Ok = 0;

    /// <summary>The command ran and found a problem (for check: the configuration has errors).</summary>
    public const int Failed = 1;

    /// <summary>Bad command line (unknown option, missing argument).</summary>
    public const int Usage = 2;

    /// <summary>Text for --help.</summary>
    public const string Help = "Exit codes: 0 success, 1 failure (e.g. the configuration has errors), 2 usage error.";
}
