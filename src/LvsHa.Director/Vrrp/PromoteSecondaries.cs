using LvsHa.Config;

namespace LvsHa.Director.Vrrp;

/// <summary>
/// keepalived's `promote_secondaries` (vrrp_if_config.c): while the director runs, the IPv4 promote_secondaries
/// sysctl of each such instance's interface is 1, so removing an address that is primary in its subnet (a VIP on an
/// interface without an address of its own) promotes the next one instead of deleting every address of the subnet.
/// The value each interface had is put back at stop.
/// </summary>
public sealed class PromoteSecondaries : IDisposable
{
    private readonly List<(string Path, string Before)> _changed = [];

    private PromoteSecondaries()
    {
    }

    /// <summary>Sets the sysctl of every interface of <paramref name="config"/>'s instances that ask for it.</summary>
    /// <exception cref="DirectorConfigException">A sysctl cannot be written (its path and why).</exception>
    public static PromoteSecondaries Apply(LvsHaConfig config, string root = "/proc/sys/net/ipv4/conf")
    {
        ArgumentNullException.ThrowIfNull(config);
        var applied = new PromoteSecondaries();
        foreach (var name in config.VrrpInstances.Where(i => i.PromoteSecondaries).Select(i => i.Interface).Distinct(StringComparer.Ordinal))
        {
            var path = Path.Combine(root, name, "promote_secondaries");
            try
            {
                var before = File.ReadAllText(path).Trim();
                if (before == "1")
                    continue;
                File.WriteAllText(path, "1\n");
                applied._changed.Add((path, before));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                applied.Dispose();
                throw new DirectorConfigException($"promote_secondaries of interface {name}: cannot set {path}: {e.Message}");
            }
        }

        return applied;
    }

    /// <summary>Puts back what <see cref="Apply"/> changed (an interface gone since is skipped).</summary>
    public void Dispose()
    {
        foreach (var (path, before) in _changed)
        {
            try
            {
                File.WriteAllText(path, before + "\n");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The interface went away with its settings.
            }
        }

        _changed.Clear();
    }
}
