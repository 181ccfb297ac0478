using System.Net;

namespace LvsHa.Vrrp;

/// <summary>What a VRRP instance's state machine needs from its vrrp_instance block.</summary>
public sealed record VrrpInstanceSettings
{
    /// <summary>The instance name (vrrp_instance NAME), passed to notify scripts.</summary>
    public required string Name { get; init; }

    /// <summary>virtual_router_id, 1-255.</summary>
    public required byte VirtualRouterId { get; init; }

    /// <summary>Base priority 1-255; 255 marks the address owner, which becomes master at once on start.</summary>
    public required byte Priority { get; init; }

    /// <summary>This director's primary address, used to break equal-priority ties (higher wins).</summary>
    public required IPAddress LocalAddress { get; init; }

    /// <summary>advert_int: 0.01 s to 40.95 s in whole centiseconds.</summary>
    public TimeSpan AdvertInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>False for <c>nopreempt</c>: a backup then never takes over from a live lower-priority master.</summary>
    public bool Preempt { get; init; } = true;

    /// <summary>preempt_delay: how long a backup tolerates a lower-priority master before preempting it.</summary>
    public TimeSpan PreemptDelay { get; init; } = TimeSpan.Zero;

    /// <summary>LvsHa's split-brain guard: master only while the director sees a majority of the cluster.</summary>
    public bool SplitBrainGuard { get; init; }

    /// <summary>Gratuitous ARP / NA timing.</summary>
    public GarpSettings Garp { get; init; } = new();

    /// <summary>Returns every problem with these settings (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (VirtualRouterId == 0)
            errors.Add("virtual_router_id must be 1-255");
        if (Priority == 0)
            errors.Add("priority must be 1-255 (0 is reserved for a master that stops)");
        if (!VrrpTiming.IsValidAdvertInterval(AdvertInterval))
            errors.Add("advert_int must be whole centiseconds from 0.01 to 40.95 s");
        if (PreemptDelay < TimeSpan.Zero)
            errors.Add("preempt_delay must not be negative");
        if (Garp.MasterDelay < TimeSpan.Zero || Garp.MasterRefresh < TimeSpan.Zero
            || Garp.ArpInterval < TimeSpan.Zero || Garp.NaInterval < TimeSpan.Zero)
            errors.Add("garp delays and intervals must not be negative");
        if (Garp.MasterRepeat < 1 || Garp.MasterRefreshRepeat < 1 || Garp.LowerPriorityRepeat < 0)
            errors.Add("garp_master_repeat and garp_master_refresh_repeat must be at least 1, garp_lower_prio_repeat at least 0");
        return errors;
    }
}
