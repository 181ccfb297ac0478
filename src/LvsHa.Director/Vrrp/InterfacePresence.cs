using LvsHa.Config;

namespace LvsHa.Director.Vrrp;

/// <summary>
/// The interfaces a configuration names for VRRP must exist on this machine, as `keepalived -t` requires ("Non-existent
/// interface specified in configuration"). keepalived then runs without a missing track_interface; LvsHa refuses
/// instead of guessing, and `check`, `run` and reload judge alike (<see cref="DirectorPreflight"/>).
/// </summary>
public static class InterfacePresence
{
    /// <summary>An error for each vrrp_instance interface and track_interface that does not exist.</summary>
    public static IReadOnlyList<ConfigDiagnostic> Check(LvsHaConfig config, Func<string, bool>? exists = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        exists ??= Exists;
        var problems = new List<ConfigDiagnostic>();
        foreach (var instance in config.VrrpInstances)
        {
            if (!exists(instance.Interface))
                problems.Add(new ConfigDiagnostic(DiagnosticSeverity.Error,
                    $"vrrp_instance {instance.Name}: interface {instance.Interface} does not exist on this machine", instance.Location));
            foreach (var tracked in instance.TrackInterfaces.Where(t => !exists(t.Name)))
                problems.Add(new ConfigDiagnostic(DiagnosticSeverity.Error,
                    $"vrrp_instance {instance.Name}: track_interface {tracked.Name} does not exist on this machine", tracked.Location));
        }
        return problems;
    }

    /// <summary>Whether this network namespace has an interface of that name.</summary>
    public static bool Exists(string name) => Netlink.Raw.InterfaceIndex.Of(name) != 0;
}
