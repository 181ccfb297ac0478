using LvsHa.Config;

namespace LvsHa.Director.Vrrp;

/// <summary>
/// The vrrp_instance blocks running now, by name: what the VIP manager puts on the interfaces and the GARP sender
/// announces. A reload that changes an instance's VIPs replaces its block here before telling the instance.
/// </summary>
public sealed class RunningInstances
{
    private volatile Dictionary<string, VrrpInstance> _byName;

    /// <summary>Starts with the blocks of the configuration the director started with.</summary>
    public RunningInstances(IEnumerable<VrrpInstance> instances) => _byName = ByName(instances);

    /// <summary>The running block of <paramref name="name"/>.</summary>
    public VrrpInstance this[string name] => _byName[name];

    /// <summary>Every running block.</summary>
    public IEnumerable<VrrpInstance> All => _byName.Values;

    /// <summary>Makes <paramref name="instances"/> the running blocks (a reload).</summary>
    public void Replace(IEnumerable<VrrpInstance> instances) => _byName = ByName(instances);

    private static Dictionary<string, VrrpInstance> ByName(IEnumerable<VrrpInstance> instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        return instances.ToDictionary(i => i.Name, StringComparer.Ordinal);
    }
}
