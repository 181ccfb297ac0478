using System.Globalization;
using LvsHa.RealServers.Planning;
using LvsHa.RealServers.Running;

namespace LvsHa.RealServers.Tests.Running;

/// <summary>
/// A unit-test stand-in for a real server: answers the read commands from a table and updates the table for the
/// changing commands it understands (sysctl, ip addr add, ip link up), so read-back verification has something to read.
/// </summary>
internal sealed class FakeRealServer : IRemoteHost
{
    private const string Marker = "; printf '\\n@@lvsha-exit %s\\n' $?";

    public Dictionary<string, (int Exit, string Output)> Reads { get; } = new(StringComparer.Ordinal)
    {
        ["id -u"] = (0, "0\n"),
        ["command -v ip"] = (0, "/usr/sbin/ip\n"),
        ["command -v systemctl"] = (1, string.Empty),
        ["ip -o route get 10.1.0.1"] = (0, "10.1.0.1 dev eth0 src 10.1.0.2 uid 0\n"),
        ["ip -o link show dev lo"] = (0, "1: lo: <LOOPBACK> mtu 65536 state DOWN\n"),
        ["ip -o addr show dev lo"] = (0, "1: lo    inet 127.0.0.1/8 scope host lo\n"),
        ["cat /proc/sys/net/ipv4/conf/all/arp_ignore"] = (0, "0\n"),
        ["cat /proc/sys/net/ipv4/conf/all/arp_announce"] = (0, "0\n"),
        ["cat /proc/sys/net/ipv4/conf/lo/arp_ignore"] = (0, "0\n"),
        ["cat /proc/sys/net/ipv4/conf/lo/arp_announce"] = (0, "0\n"),
        ["cat /proc/sys/net/ipv4/conf/eth0/arp_ignore"] = (0, "0\n"),
        ["cat /proc/sys/net/ipv4/conf/eth0/arp_announce"] = (0, "0\n"),
    };

    public List<string> Changes { get; } = [];

    /// <summary>Returns a failure for a changing command line, or null to let it succeed.</summary>
    public Func<string, CommandResult?> Fail { get; set; } = _ => null;

    /// <summary>When false, changing commands succeed without changing anything (a lying host).</summary>
    public bool Obeys { get; set; } = true;

    public Task<CommandResult> RunAsync(string commandLine, CancellationToken cancellationToken)
    {
        if (commandLine.Contains("@@lvsha-exit", StringComparison.Ordinal))
        {
            var output = new System.Text.StringBuilder();
            foreach (string part in commandLine.Split(Marker, StringSplitOptions.RemoveEmptyEntries))
            {
                string command = part.TrimStart(';', ' ').Replace(" 2>&1", string.Empty, StringComparison.Ordinal);
                (int exit, string text) = Reads.TryGetValue(command, out var r) ? r : (1, "no such thing\n");
                output.Append(text).Append("\n@@lvsha-exit ").Append(exit.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }

            return Task.FromResult(new CommandResult(0, output.ToString(), string.Empty));
        }

        Changes.Add(commandLine);
        if (Fail(commandLine) is { } failure)
        {
            return Task.FromResult(failure);
        }

        if (Obeys)
        {
            Apply(commandLine.Replace("sudo -n ", string.Empty, StringComparison.Ordinal).Split(' '));
        }

        return Task.FromResult(new CommandResult(0, string.Empty, string.Empty));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void Apply(string[] a)
    {
        if (a[0] == "sysctl")
        {
            string[] kv = a[^1].Split('=');
            Reads[$"cat /proc/sys/{kv[0]}"] = (0, kv[1] + "\n");
        }
        else if (a is ["ip", "link", "set", "dev", var dev, "up"])
        {
            Reads[$"ip -o link show dev {dev}"] = (0, $"1: {dev}: <LOOPBACK,UP,LOWER_UP> mtu 65536\n");
        }
        else if (a is ["ip", "addr", "add", var cidr, "dev", var device, ..])
        {
            string key = $"ip -o addr show dev {device}";
            Reads[key] = (0, Reads[key].Output + $"1: {device}    inet{(cidr.Contains(':', StringComparison.Ordinal) ? "6" : string.Empty)} {cidr} scope global {device}\n");
        }
    }
}
