using LvsHa.Health.Model;

namespace LvsHa.Health.Checkers;

/// <summary>MISC_CHECK: exit 0 is up; with misc_dynamic exit 1 is down and 2..255 is up with weight exit-2;
/// without it any non-zero exit is down. A missing or non-executable script is down with the reason.</summary>
public sealed class MiscCheck : IHealthCheck
{
    private readonly MiscCheckSpec spec;
    private readonly ScriptCommand? command;
    private readonly string? badCommand;

    /// <summary>Creates the checker; a malformed misc_path makes every attempt fail with the reason rather than
    /// stopping the daemon.</summary>
    public MiscCheck(MiscCheckSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        this.spec = spec;
        try
        {
            command = ScriptCommand.Parse(spec.Command);
        }
        catch (FormatException e)
        {
            badCommand = $"misc_path: {e.Message}";
        }
    }

    /// <inheritdoc/>
    public string Kind => "MISC_CHECK";

    /// <inheritdoc/>
    public async Task<CheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        if (command is null) return CheckResult.Fail(badCommand!);
        var problem = ScriptRunner.Problem(command, out _);
        if (problem is not null) return CheckResult.Fail(problem);
        int status;
        try
        {
            status = await ScriptRunner.RunAsync(command with { User = spec.User }, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            return CheckResult.Fail(e.Message);
        }

        return Interpret(status, spec.Dynamic, command.Display);
    }

    /// <summary>keepalived's reading of a MISC_CHECK exit status.</summary>
    public static CheckResult Interpret(int status, bool dynamic, string display)
    {
        if (status == 0) return CheckResult.Pass($"{display} exited 0");
        if (dynamic && status is >= 2 and <= 255)
            return new CheckResult(true, $"{display} exited {status}: weight {status - 2}", DynamicWeight: status - 2);
        return CheckResult.Fail($"{display} exited {status}");
    }
}
