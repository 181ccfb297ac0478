using System.Diagnostics;
using System.Text;
using System.Text.Json;
using LvsHa.Director.Control;
using LvsHa.Director.Hosting;

namespace LvsHa.Director.Tests.Lab;

/// <summary>A director without a cluster block, as a real process: runs alone, answers status, logs compact JSON, stops on SIGTERM.</summary>
[Trait("Category", "Lab")]
[Collection("DirectorLab")]
public sealed class SingleDirectorLabTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lvsha-dir-solo-").FullName;
    private Process? _process;

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Run_NoClusterBlock_RunsAloneAnswersStatusLogsJsonAndStopsOnSigterm()
    {
        var socket = Path.Combine(_folder, "run", "lvsha.sock");
        var options = new DirectorOptions
        {
            NodeName = "solo",
            ControlSocketPath = socket,
            LogFormat = LogFormat.Compact,
            Instances = [new VrrpInstanceOptions { Name = "VI_1", VirtualRouterId = 7, AdvertInterval = TimeSpan.FromMilliseconds(100) }],
        };
        var optionsFile = Path.Combine(_folder, "solo.json");
        await File.WriteAllTextAsync(optionsFile, JsonSerializer.Serialize(options, LabNodeProgram.Json));

        var output = new StringBuilder();
        _process = LabCluster.StartDirectorProcess(optionsFile, output);

        var client = new ControlClient(socket);
        StatusReport? status = null;
        await LabCluster.WaitForAsync(
            async () => (status = await client.GetStatusAsync()).Instances.Single().AdvertsSent >= 3,
            TimeSpan.FromSeconds(30),
            "the lone director answers status and runs its instance");

        Assert.Equal(new QuorumReport(true, 1, 1, "none (no cluster block)"), status!.Quorum);
        Assert.Null(status.SelfAddress);
        Assert.Empty(status.Members);
        Assert.Equal((0L, 0L), (status.Instances[0].AdvertsAccepted, status.Instances[0].AdvertsRejected));

        LabCommand.Run("kill", "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(_process.WaitForExit(15000), "the director did not stop on SIGTERM");
        _process.WaitForExit();
        Assert.Equal(0, _process.ExitCode);
        Assert.False(File.Exists(socket), "the control socket was left behind");

        var lines = LabCluster.Snapshot(output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            Assert.True(json.RootElement.TryGetProperty("@mt", out _), line);
            Assert.Equal("solo", json.RootElement.GetProperty("Node").GetString());
        }

        Assert.Contains(lines, l => l.Contains("running alone", StringComparison.Ordinal));
    }
}
