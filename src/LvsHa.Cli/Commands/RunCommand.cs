using System.CommandLine;
using LvsHa.Director.Daemon;
using LvsHa.Director.Hosting;
using LvsHa.Director.Vrrp;
using LvsHa.Netlink;

namespace LvsHa.Cli.Commands;

/// <summary>`lvsha run [-f FILE] [--control-socket PATH] [--node-name NAME] [--log-format plain|json] [--config-id ID]`: the director daemon.</summary>
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
        var keepIpvs = new Option<bool>("--dont-release-ipvs", "-I")
        {
            Description = "Leave the managed IPVS services in the kernel on stop (keepalived -I): traffic keeps flowing " +
                "while the daemon restarts, and the next start adopts them without touching their connections.",
        };
        var logFormat = new Option<string>("--log-format")
        {
            Description = "Log lines as plain text (the default) or as compact JSON, one object per line (CLEF), for log shippers.",
            HelpName = "plain|json",
        };
        logFormat.AcceptOnlyFromAmong("plain", "json");
        var configId = ConfigFile.CreateConfigIdOption();
        var command = new Command("run",
            "Run the director: VRRP instances (VIPs, gratuitous ARP, notify scripts) in the cluster of the cluster block, " +
            "or alone without one; health checks of the virtual_server blocks keeping the kernel's IPVS table in step. " +
            "Stops gracefully on SIGTERM/SIGINT: priority-0 advert, VIPs removed, then the managed IPVS services removed " +
            "(unless --dont-release-ipvs).\n" +
            "Exit codes: 0 stopped, 1 invalid configuration or cannot start, 2 unusable secret_file, 3 out of the directors' " +
            "cluster (removed by the majority while cut off, or a join that cannot complete; systemd restarts it to rejoin). A peer never stops a director: " +
            "failed TLS handshakes (a stranger, another secret) are logged and retried.")
        {
            file,
            socket,
            nodeName,
            keepIpvs,
            logFormat,
            configId,
        };
        // Synchronous on purpose: the generic host handles SIGTERM itself and must get the time a graceful stop
        // takes; an async System.CommandLine action would be cut off after its termination timeout.
        command.SetAction(parse => Run(
            ConfigFile.PathOf(parse, file, parse.InvocationConfiguration.Error),
            new DaemonRunOptions
            {
                ConfigId = parse.GetValue(configId),
                ControlSocket = parse.GetValue(socket),
                NodeName = parse.GetValue(nodeName),
                ReleaseIpvsOnStop = !parse.GetValue(keepIpvs),
                LogFormat = parse.GetValue(logFormat) == "json" ? LogFormat.Compact : LogFormat.Plain,
            },
            parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Validates <paramref name="path"/> and runs the director until it stops; returns the exit code.</summary>
    public static int Run(string path, DaemonRunOptions options, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var config = ConfigFile.LoadToRun(path, error, options.ConfigId);
        if (config is null)
            return ExitCodes.Failed;
        try
        {
            return DirectorDaemon.RunAsync(config, options with { ConfigPath = Path.GetFullPath(path) }).GetAwaiter().GetResult();
        }
        catch (DirectorConfigException e)
        {
            error.WriteLine($"lvsha run: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (LvsHa.Config.ConfigException e)
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
