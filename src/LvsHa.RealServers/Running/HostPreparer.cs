using LvsHa.RealServers.Model;
using LvsHa.RealServers.Planning;

namespace LvsHa.RealServers.Running;

/// <summary>Prepares one connected host: read, plan, apply what differs, read back and verify.</summary>
public static class HostPreparer
{
    /// <summary>Runs read-plan-apply-verify on one host; returns the item reports, or the error that stopped the host before any change.</summary>
    public static async Task<(IReadOnlyList<ItemReport> Items, string? Error)> PrepareAsync(
        IRemoteHost host, PrepTarget target, bool persist, bool dryRun, bool undo, CancellationToken ct)
    {
        HostState before = await StateProbe.ReadAsync(host, target, ct).ConfigureAwait(false);
        HostPlan plan = Planner.Plan(target, before, persist, undo);
        if (plan.HostError is not null)
        {
            return ([], plan.HostError);
        }

        var observedBefore = plan.Items.Select(i => i.Observe(before)).ToList();
        var failures = new Dictionary<PlanItem, string>();
        bool ranAny = false;
        if (!dryRun)
        {
            for (int i = 0; i < plan.Items.Count; i++)
            {
                PlanItem item = plan.Items[i];
                if (observedBefore[i].IsRight || !item.IsFixable)
                {
                    continue;
                }

                foreach (RemoteCommand command in item.Commands)
                {
                    ranAny = true;
                    CommandResult result = await host.RunAsync(command.Render(useSudo: !before.IsRoot), ct).ConfigureAwait(false);
                    if (!result.Succeeded)
                    {
                        failures[item] = $"'{command.Text}' exited {result.ExitCode}: {FirstLine(result.Stderr, result.Stdout)}";
                        break;
                    }
                }
            }
        }

        // The read-back is the verification: each item observes the host again with the same rule that planned it.
        HostState after = ranAny ? await StateProbe.ReadAsync(host, target, ct).ConfigureAwait(false) : before;
        var reports = new List<ItemReport>(plan.Items.Count);
        for (int i = 0; i < plan.Items.Count; i++)
        {
            PlanItem item = plan.Items[i];
            ItemObservation was = observedBefore[i];
            IReadOnlyList<string> commands = item.Commands.Select(c => c.Text).ToList();
            ItemReport report;
            if (item.SkipReason is not null)
            {
                report = new ItemReport(item.Name, was.Observed, item.Desired, ItemStatus.Skipped, item.SkipReason, []);
            }
            else if (was.IsRight)
            {
                report = new ItemReport(item.Name, was.Observed, item.Desired, ItemStatus.AlreadyRight, null, []);
            }
            else if (!item.IsFixable)
            {
                report = new ItemReport(item.Name, was.Observed, item.Desired, ItemStatus.Failed, item.Problem, []);
            }
            else if (dryRun)
            {
                report = new ItemReport(item.Name, was.Observed, item.Desired, ItemStatus.WouldChange, null, commands);
            }
            else if (failures.TryGetValue(item, out string? failure))
            {
                report = new ItemReport(item.Name, was.Observed, item.Desired, ItemStatus.Failed, failure, commands);
            }
            else
            {
                ItemObservation now = item.Observe(after);
                report = now.IsRight
                    ? new ItemReport(item.Name, was.Observed, item.Desired, ItemStatus.Changed, null, commands)
                    : new ItemReport(item.Name, was.Observed, item.Desired, ItemStatus.Failed, $"read back after applying: {now.Observed}", commands);
            }

            reports.Add(report);
        }

        return (reports, null);
    }

    private static string FirstLine(string stderr, string stdout)
    {
        string text = stderr.Trim().Length > 0 ? stderr.Trim() : stdout.Trim();
        int newline = text.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? text : text[..newline];
    }
}
