using System.Text.Json;
using LvsHa.Director.Control;
using LvsHa.Director.Tests.Vrrp;
using Xunit.Abstractions;

namespace LvsHa.Director.Tests.Lab;

/// <summary>
/// `lvsha run` without a cluster block, as a real process in a lab namespace: runs alone (master of its instance),
/// answers status, logs compact JSON with `--log-format json`, stops on SIGTERM.
/// </summary>
[Trait("Category", "Lab")]
[Collection("DirectorLab")]
public sealed class SingleDirectorLabTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Run_NoClusterBlock_RunsAloneAnswersStatusLogsJsonAndStopsOnSigterm()
    {
        using var lab = new VrrpLab(1, output);
        var socket = Path.Combine(lab.Directory, "run", "lvsha.sock");
        var config = lab.Config(1, priority: 150, cluster: false);
        lab.Start(1, VrrpLab.LvshaCommand("run", "-f", config, "--control-socket", socket, "--node-name", "solo", "--log-format", "json"));

        var client = new ControlClient(socket);
        StatusReport? status = null;
        await LabCluster.WaitForAsync(
            async () => (status = await client.GetStatusAsync()).Instances.Single() is { State: "MASTER", AdvertsSent: >= 3 },
            TimeSpan.FromSeconds(30),
            "the lone director answers status and is master of its instance");

        Assert.Equal(new QuorumReport(true, 1, 1, "none (no cluster block)"), status!.Quorum);
        Assert.Null(status.SelfAddress);
        Assert.Empty(status.Members);
        Assert.Equal((0L, 0L), (status.Instances[0].AdvertsAccepted, status.Instances[0].AdvertsRejected));
        Assert.True(await lab.HoldsVipAsync(1), "the lone master holds its VIP");

        lab.Signal(1, 15);
        Assert.True(lab.HasExited(1, TimeSpan.FromSeconds(15)), "the director did not stop on SIGTERM");
        lab.Process(1).WaitForExit();
        Assert.Equal(0, lab.Process(1).ExitCode);
        Assert.False(File.Exists(socket), "the control socket was left behind");
        Assert.False(await lab.HoldsVipAsync(1), "the stopped director removed its VIP");

        var lines = lab.Log(1).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            Assert.True(json.RootElement.TryGetProperty("@mt", out _), line);
            Assert.Equal("solo", json.RootElement.GetProperty("Node").GetString());
        }

        Assert.Contains(lines, l => l.Contains("running alone", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("{From} -> {To}", StringComparison.Ordinal));
    }
}
