using System.CommandLine;
using LvsHa.Director.Hosting;
using LvsHa.Director.Vrrp;
using LvsHa.Netlink;

namespace LvsHa.Cli.Commands;

/// <summary>`lvsha run -f FILE [--control-socket PATH] [--node-name NAME]`: the director daemon.</summary>
public static class RunCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var file = ConfigFile.CreateOption();
        var socket = new Option<string>("--control-socket")
        {
            Description = $"Unix socket `lvsha status` talks to (default {DirectorOptions.DefaultControlSocketPath}).",
            HelpName = "PATH",
        };
        var nodeName = new Option<string>("--node-name")
        {
            Description = "This director's name (default: the cluster block's node_name, else the host name).",
            HelpName = "NAME",
        };
        var command = new Command("run",
            "Run the director: VRRP instances (VIPs, gratuitous ARP, notify scripts) in the cluster of the cluster block, " +
            "or alone without one. Stops gracefully (priority-0 advert, VIPs removed) on SIGTERM/SIGINT.\n" +
            "Exit codes: 0 stopped, 1 invalid configuration or cannot start, 3 downed by the split-brain resolver, " +
            "2 unusable secret_file, 79 refused by the cluster (different secret).")
        {
            file,
            socket,
            nodeName,
        };
        // Synchronous on purpose: the generic host handles SIGTERM itself and must get the time a graceful stop
        // takes; an async System.CommandLine action would be cut off after its termination timeout.
        command.SetAction(parse => Run(
            parse.GetValue(file)!, parse.GetValue(socket), parse.GetValue(nodeName), parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Validates <paramref name="path"/> and runs the director until it stops; returns the exit code.</summary>
    public static int Run(string path, string? controlSocket, string? nodeName, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var config = ConfigFile.Load(path, error);
        if (config is null)
            return ExitCodes.Failed;
        try
        {
            return VrrpDaemon.RunAsync(config, nodeName, controlSocket).GetAwaiter().GetResult();
        }
        catch (DirectorConfigException e)
        {
            error.WriteLine($"lvsha run: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (NetlinkException e)
        {
            error.WriteLine($"lvsha run: {e.Message}");
            return ExitCodes.Failed;
        }
    }
}
