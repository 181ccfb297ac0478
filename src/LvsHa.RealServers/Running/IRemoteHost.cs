namespace LvsHa.RealServers.Running;

/// <summary>The result of one remote command.</summary>
public sealed record CommandResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Whether the command exited 0.</summary>
    public bool Succeeded => ExitCode == 0;
}

/// <summary>A connected real server that runs command lines (SSH in production, a fake in unit tests).</summary>
public interface IRemoteHost : IAsyncDisposable
{
    /// <summary>Runs one command line and returns its exit code and output.</summary>
    Task<CommandResult> RunAsync(string commandLine, CancellationToken cancellationToken);
}
