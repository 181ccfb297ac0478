using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LvsHa.Director.Control;
using LvsHa.Director.Hosting;

namespace LvsHa.Cli.Commands;

/// <summary>`lvsha status [--json] [--control-socket PATH]`: what a running director reports.</summary>
public static class StatusCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the daemon's status report as JSON." };
        var socket = new Option<string>("--control-socket")
        {
            Description = $"Unix socket of the daemon (default {DirectorOptions.DefaultControlSocketPath}).",
            HelpName = "PATH",
        };
        var command = new Command("status",
            "Show a running director: node, quorum, cluster members, VRRP instances (state, priority, master, VIPs), " +
            "virtual services with their real servers (health, weight, kernel weight, connections, rates, last check).\n" +
            "Exit codes: 0 shown, 1 the daemon is not running or did not answer.")
        {
            json,
            socket,
        };
        command.SetAction(parse => Run(
            parse.GetValue(socket) ?? DirectorOptions.DefaultControlSocketPath, parse.GetValue(json),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Asks the daemon at <paramref name="socketPath"/> and prints its report; returns the exit code.</summary>
    public static int Run(string socketPath, bool json, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        StatusReport report;
        try
        {
            report = new ControlClient(socketPath).GetStatusAsync().GetAwaiter().GetResult();
        }
        catch (ControlClientException e)
        {
            error.WriteLine($"lvsha status: no director answers on {socketPath} (is `lvsha run` running?): {e.Message}");
            return ExitCodes.Failed;
        }

        output.WriteLine(json ? JsonSerializer.Serialize(report, ControlJsonContext.Default.StatusReport) : Format(report));
        return ExitCodes.Ok;
    }

    /// <summary>The readable form of a report.</summary>
    public static string Format(StatusReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var inv = CultureInfo.InvariantCulture;
        var text = new System.Text.StringBuilder();
        text.AppendLine(inv, $"Node:    {report.NodeName}{(report.SelfAddress is null ? " (single director)" : $" at {report.SelfAddress}")}");
        var q = report.Quorum;
        text.AppendLine(inv, $"Quorum:  {(q.HasMajority ? "majority" : "NO MAJORITY")} ({q.Reachable} of {q.Total} reachable, split_brain_guard {q.Guard})");
        if (report.Members.Count > 0)
        {
            text.AppendLine("Members:");
            text.Append(Table(
                ["ADDRESS", "STATUS", "REACHABLE", "ROLES"],
                report.Members.Select(m => new[] { m.Address, m.Status, m.Reachable ? "yes" : "NO", string.Join(',', m.Roles) })));
        }

        text.AppendLine("VRRP instances:");
        text.Append(Table(
            ["INSTANCE", "VRID", "STATE", "SINCE", "PRIORITY", "MASTER", "VIPS", "WHY"],
            report.Instances.Select(i => new[]
            {
                i.Name, i.VirtualRouterId.ToString(inv), i.State,
                i.Since is { } since ? since.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", inv) : "-",
                i.Priority?.ToString(inv) ?? "-", i.Master ?? "-",
                i.Vips is { Count: > 0 } vips ? string.Join(' ', vips) : "-",
                i.SinceReason ?? "-",
            })));
        var trackers = report.Instances.SelectMany(i => (i.Trackers ?? []).Select(t => new[]
        {
            i.Name, t.Tracker, t.State, t.Weight.ToString(inv) + (t.Reverse ? " reverse" : ""),
        })).ToList();
        if (trackers.Count > 0)
        {
            text.AppendLine("Trackers:");
            text.Append(Table(["INSTANCE", "TRACKER", "STATE", "WEIGHT"], trackers));
        }

        foreach (var service in report.VirtualServices)
        {
            text.AppendLine(inv, $"Virtual service {service.Name}: {(service.InKernel ? "in kernel" : "NOT IN KERNEL")}, " +
                $"lb_algo {service.Scheduler}, lb_kind {service.Method}, quorum {(service.QuorumUp ? "up" : "DOWN (sorry server)")}, " +
                $"IPVS {string.Join(", ", service.Services)}");
            text.Append(Table(
                ["REAL SERVER", "HEALTH", "WEIGHT", "KERNEL", "ACTIVE", "INACTIVE", "CONN/S", "BYTES/S", "CHECKS FAILED", "LAST CHECK"],
                service.RealServers.Select(r => new[]
                {
                    r.Address, r.Health, r.Weight.ToString(inv), r.KernelWeight?.ToString(inv) ?? "-",
                    r.ActiveConnections.ToString(inv), r.InactiveConnections.ToString(inv),
                    r.ConnectionsPerSecond.ToString(inv), r.InBytesPerSecond.ToString(inv),
                    $"{r.FailedChecks}/{r.RecentChecks}",
                    r.LastCheck is null ? "-" : $"{r.LastCheckAt:HH:mm:ss} {r.LastCheck}",
                })));
        }

        if (report.Bgp is { } bgp)
        {
            var announced = bgp.Announced.IsEmpty ? "nothing" : string.Join(' ', bgp.Announced);
            var why = bgp.Drained ? " (everything withdrawn: DRAINED, lvsha drain --director)" : bgp.Minority ? " (everything withdrawn: NO MAJORITY)" : "";
            var forwardable = bgp.Forwardable.IsEmpty ? "none" : string.Join(' ', bgp.Forwardable);
            text.AppendLine(inv, $"BGP: announcing {announced}{why}; IPVS can forward {forwardable}");
            text.Append(Table(["NEIGHBOR", "SESSION"], bgp.Sessions.Select(s => new[] { s.Neighbor, s.State })));
        }

        return text.ToString().TrimEnd();
    }

    private static string Table(string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = header.Select((_, c) => all.Max(r => r[c].Length)).ToArray();
        var text = new System.Text.StringBuilder();
        foreach (var row in all)
            text.AppendLine("  " + string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        return text.ToString();
    }
}
