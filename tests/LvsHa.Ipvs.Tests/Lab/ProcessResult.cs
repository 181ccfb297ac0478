namespace LvsHa.Ipvs.Tests.Lab;

/// <summary>What a finished process left: its exit code and everything it wrote.</summary>
public sealed record ProcessResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Fails the test with the command's output unless it exited with 0.</summary>
    public ProcessResult EnsureSuccess()
    {
        if (ExitCode != 0)
        {
            Assert.Fail($"`{Command}` exited with {ExitCode}\nstdout: {StandardOutput.Trim()}\nstderr: {StandardError.Trim()}");
        }

        return this;
    }

    /// <summary>Standard output split into lines, without empty ones.</summary>
    public IReadOnlyList<string> OutputLines =>
        StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
