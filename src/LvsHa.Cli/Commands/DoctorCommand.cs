using System.CommandLine;
using LvsHa.Cli.Doctor;
using LvsHa.Config;

namespace LvsHa.Cli.Commands;

/// <summary>`lvsha doctor [-f FILE] [--config-id ID]`: this machine against what the configuration needs.</summary>
public static class DoctorCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var file = ConfigFile.CreateOption();
        var configId = ConfigFile.CreateConfigIdOption();
        var command = new Command("doctor",
            "Check this director against what its configuration needs and say what to change: ip_vs and the schedulers, " +
            "the director sysctls LvsHa ships (and NAT's forwarding), the IPVS connection table size, the VRRP " +
            "interfaces, the cluster secret and the other directors' cluster port. Changes nothing.\n" +
            "Exit codes: 0 nothing fails (warnings may be printed), 1 something the configuration needs is missing or the configuration is invalid.")
        {
            file,
            configId,
        };
        command.SetAction(parse => Run(
            ConfigFile.PathOf(parse, file, parse.InvocationConfiguration.Error), new Machine(),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, parse.GetValue(configId)));
        return command;
    }

    /// <summary>Judges <paramref name="machine"/> against <paramref name="path"/>; returns the exit code.</summary>
    public static int Run(string path, IMachine machine, TextWriter output, TextWriter error, string? configId = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var config = ConfigFile.Load(path, error, configId);
        if (config is null)
            return ExitCodes.Failed;
        var findings = DoctorRules.Judge(config, machine);
        output.Write(Format(findings));
        return findings.Any(f => f.Verdict == Verdict.Fail) ? ExitCodes.Failed : ExitCodes.Ok;
    }

    /// <summary>One line per finding (FAIL and WARN with what to do under it), then a count.</summary>
    public static string Format(IReadOnlyList<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var text = new System.Text.StringBuilder();
        foreach (var f in findings)
        {
            text.Append(f.Verdict switch { Verdict.Ok => "ok    ", Verdict.Warn => "WARN  ", _ => "FAIL  " })
                .Append(f.Subject).Append(": ").AppendLine(f.Detail);
            if (f.Verdict != Verdict.Ok && f.Fix is not null)
                text.Append("      fix: ").AppendLine(f.Fix);
        }
        int Count(Verdict v) => findings.Count(f => f.Verdict == v);
        text.AppendLine($"doctor: {Count(Verdict.Ok)} ok, {Count(Verdict.Warn)} warning(s), {Count(Verdict.Fail)} failure(s)");
        return text.ToString();
    }
}
