using System.CommandLine;
using System.Globalization;
using LvsHa.Director.Control;
using LvsHa.Director.Hosting;

namespace LvsHa.Cli.Commands;

/// <summary>
/// `lvsha reload`, `lvsha drain`, `lvsha failover`: operator actions sent to a running director over its control
/// socket. Each prints the daemon's messages; exit 0 done, 1 refused or no daemon.
/// </summary>
public static class OperatorCommands
{
    /// <summary>`lvsha reload [--control-socket PATH]`.</summary>
    public static Command CreateReload()
    {
        var socket = SocketOption();
        var command = new Command("reload",
            "Make the running director re-read its configuration file (as SIGHUP does). An invalid file changes nothing: " +
            "every error is printed and the running configuration stays. A valid one is applied as the minimal difference: " +
            "unchanged virtual services keep their checks, health and connections.\n" +
            "Exit codes: 0 applied, 1 refused (invalid file) or no director answers.")
        {
            socket,
        };
        command.SetAction(parse => Send(SocketPath(parse, socket), new ControlRequest("reload"), parse));
        return command;
    }

    /// <summary>`lvsha drain REALSERVER [--virtual-server NAME] [--undo] [--wait SECONDS]`.</summary>
    public static Command CreateDrain()
    {
        var socket = SocketOption();
        var realServer = new Argument<string?>("REALSERVER")
        {
            Description = "ADDRESS or ADDRESS:PORT ([V6]:PORT) of the real server.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var director = new Option<bool>("--director")
        {
            Description = "Drain the whole director instead: withdraw its BGP routes (announce bgp), so the routers send its flows to the other directors.",
        };
        var virtualServer = new Option<string>("--virtual-server")
        {
            Description = "Only in this virtual service, as `lvsha status` names it (e.g. 10.0.0.1:80); default: every one.",
            HelpName = "NAME",
        };
        var undo = new Option<bool>("--undo") { Description = "Give the real server its weight back." };
        var wait = new Option<int>("--wait")
        {
            Description = "Wait up to SECONDS for its active connections to reach zero, reporting them (default 0: do not wait).",
            HelpName = "SECONDS",
        };
        var command = new Command("drain",
            "Set a real server's weight to 0 in the kernel: no new connections, established ones finish. Health changes and " +
            "reloads keep the drain until `--undo` or a daemon restart. With --director, the director's BGP routes instead.\n" +
            "Exit codes: 0 drained (and, with --wait, its connections reached zero), 1 not found, timed out or no director.")
        {
            realServer,
            director,
            virtualServer,
            undo,
            wait,
            socket,
        };
        command.Validators.Add(result =>
        {
            var whole = result.GetValue(director);
            if (whole == (result.GetValue(realServer) is not null))
                result.AddError(whole ? "give a REALSERVER or --director, not both" : "give the REALSERVER to drain, or --director");
            else if (whole && (result.GetValue(virtualServer) is not null || result.GetValue(wait) != 0))
                result.AddError("--virtual-server and --wait apply to a real server, not to --director");
        });
        command.SetAction(parse =>
        {
            var path = SocketPath(parse, socket);
            var request = new ControlRequest("drain")
            {
                RealServer = parse.GetValue(realServer),
                Director = parse.GetValue(director),
                VirtualService = parse.GetValue(virtualServer),
                Undo = parse.GetValue(undo),
            };
            var code = Send(path, request, parse);
            var seconds = parse.GetValue(wait);
            return code != ExitCodes.Ok || request.Undo || request.Director || seconds <= 0
                ? code
                : WaitForZero(path, request, TimeSpan.FromSeconds(seconds), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
        });
        return command;
    }

    /// <summary>`lvsha failover INSTANCE [--release]`.</summary>
    public static Command CreateFailover()
    {
        var socket = SocketOption();
        var instance = new Argument<string>("INSTANCE") { Description = "The vrrp_instance whose VIPs move." };
        var release = new Option<bool>("--release") { Description = "End the hold: the instance preempts again as configured." };
        var command = new Command("failover",
            "Hand a vrrp_instance's VIPs to the next director: this master steps down at once (priority-0 advert) and does not " +
            "take them back until `--release` or a restart (it still takes over if the new master dies).\n" +
            "Exit codes: 0 done, 1 unknown instance or no director.")
        {
            instance,
            release,
            socket,
        };
        command.SetAction(parse => Send(
            SocketPath(parse, socket),
            new ControlRequest("failover") { Instance = parse.GetValue(instance), Undo = parse.GetValue(release) },
            parse));
        return command;
    }

    private static Option<string> SocketOption() => new("--control-socket")
    {
        Description = $"Unix socket of the daemon (default {DirectorOptions.DefaultControlSocketPath}).",
        HelpName = "PATH",
    };

    private static string SocketPath(ParseResult parse, Option<string> socket) =>
        parse.GetValue(socket) ?? DirectorOptions.DefaultControlSocketPath;

    private static int Send(string path, ControlRequest request, ParseResult parse)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        ControlResponse response;
        try
        {
            response = new ControlClient(path).SendAsync(request).GetAwaiter().GetResult();
        }
        catch (ControlClientException e)
        {
            error.WriteLine($"lvsha {request.Command}: {e.Message}");
            return ExitCodes.Failed;
        }

        foreach (var line in response.Messages)
            (response.Ok ? output : error).WriteLine(request.Command == "drain" ? $"{(request.Undo ? "undrained" : "drained")}: {line}" : line);
        if (!response.Ok)
        {
            error.WriteLine($"lvsha {request.Command}: {response.Error}");
            return ExitCodes.Failed;
        }

        return ExitCodes.Ok;
    }

    // Polls status once a second and reports the drained servers' active connections until they are all zero.
    private static int WaitForZero(string path, ControlRequest request, TimeSpan limit, TextWriter output, TextWriter error)
    {
        var (address, port) = ControlServer.ParseRealServer(request.RealServer);
        var client = new ControlClient(path);
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            StatusReport status;
            try
            {
                status = client.GetStatusAsync().GetAwaiter().GetResult();
            }
            catch (ControlClientException e)
            {
                error.WriteLine($"lvsha drain: {e.Message}");
                return ExitCodes.Failed;
            }

            var active = status.VirtualServices
                .Where(v => request.VirtualService is null || v.Name == request.VirtualService)
                .SelectMany(v => v.RealServers)
                .Where(r => System.Net.IPEndPoint.TryParse(r.Address, out var e) && e.Address.Equals(address) && (port is null || e.Port == port))
                .Sum(r => r.ActiveConnections);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.Now:HH:mm:ss} {request.RealServer}: {active} active connections"));
            if (active == 0)
                return ExitCodes.Ok;
            if (DateTime.UtcNow >= deadline)
            {
                error.WriteLine($"lvsha drain: {request.RealServer} still has {active} active connections after {limit.TotalSeconds:0} s");
                return ExitCodes.Failed;
            }

            Thread.Sleep(TimeSpan.FromSeconds(1));
        }
    }
}
