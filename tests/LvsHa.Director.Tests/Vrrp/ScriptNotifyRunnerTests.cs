using LvsHa.Config;
using LvsHa.Director.Vrrp;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsHa.Director.Tests.Vrrp;

public sealed class ScriptNotifyRunnerTests : IDisposable
{
    // A configuration without global_defs: scripts run as the test does (or as keepalived_script where it exists).
    private static readonly LvsHa.Director.Security.ScriptPolicy Scripts = LvsHa.Director.Security.ScriptPolicy.For(LvsHa.Config.GlobalDefs.Empty);

    private readonly string _dir = Directory.CreateTempSubdirectory("lvsha-vd-notify-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Script(string name, string body)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static VrrpInstance Instance(string notify, string notifyMaster, string notifyBackup)
    {
        var text = $$"""
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                notify {{notify}}
                notify_master "{{notifyMaster}} master-arg"
                notify_backup {{notifyBackup}}
                virtual_ipaddress {
                    10.0.0.50
                }
            }
            """;
        var result = ConfigLoader.LoadText(text, "notify.conf");
        Assert.True(result.Success, string.Join('\n', result.Diagnostics));
        return result.Config!.VrrpInstances[0];
    }

    [Fact]
    public async Task RunAsync_StateChanges_RunInOrderWithKeepalivedArguments()
    {
        var log = Path.Combine(_dir, "log");
        // The master script is slow: the backup notification that follows must still come after it.
        var instance = Instance(
            Script("notify", $"echo \"notify $*\" >> {log}"),
            Script("master", $"sleep 0.3; echo \"master $*\" >> {log}"),
            Script("backup", $"echo \"backup $#\" >> {log}"));
        var runner = new ScriptNotifyRunner(new RunningInstances([instance]), Scripts, TimeSpan.FromSeconds(5), NullLogger.Instance);

        var first = runner.RunAsync("VI_1", "MASTER", 150, CancellationToken.None);
        var second = runner.RunAsync("VI_1", "BACKUP", 100, CancellationToken.None);
        var third = runner.RunAsync("VI_1", "FAULT", 100, CancellationToken.None);
        await Task.WhenAll(first, second, third);

        Assert.Equal(
            ["master master-arg", "notify INSTANCE VI_1 MASTER 150", "backup 0", "notify INSTANCE VI_1 BACKUP 100", "notify INSTANCE VI_1 FAULT 100"],
            await File.ReadAllLinesAsync(log));
    }

    [Fact]
    public async Task RunAsync_ScriptOverTimeout_KilledAndNextRuns()
    {
        var log = Path.Combine(_dir, "log");
        var instance = Instance(
            Script("notify", $"echo \"notify $3\" >> {log}"),
            Script("master", $"sleep 30; echo late >> {log}"),
            Script("backup", "true"));
        var runner = new ScriptNotifyRunner(new RunningInstances([instance]), Scripts, TimeSpan.FromMilliseconds(300), NullLogger.Instance);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await runner.RunAsync("VI_1", "MASTER", 100, CancellationToken.None);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal(["notify MASTER"], await File.ReadAllLinesAsync(log));
    }
}
