namespace LvsHa.Vrrp;

/// <summary>keepalived's gratuitous ARP / unsolicited NA knobs for one instance, with keepalived's defaults.</summary>
public sealed record GarpSettings
{
    /// <summary>garp_master_delay: delay of the second burst after becoming master; zero means no second burst.</summary>
    public TimeSpan MasterDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>garp_master_repeat: packets per VIP in each burst after becoming master.</summary>
    public int MasterRepeat { get; init; } = 5;

    /// <summary>garp_master_refresh: period of refresh bursts while master; zero means off.</summary>
    public TimeSpan MasterRefresh { get; init; } = TimeSpan.Zero;

    /// <summary>garp_master_refresh_repeat: packets per VIP in each refresh burst.</summary>
    public int MasterRefreshRepeat { get; init; } = 1;

    /// <summary>garp_lower_prio_repeat: packets per VIP a master sends on hearing a lower-priority master; zero means none.</summary>
    /// <remarks>
    /// On by default (unlike keepalived) because after a partition heals the clients' ARP caches point at the master
    /// that has just stepped down; re-announcing is what moves them back.
    /// </remarks>
    public int LowerPriorityRepeat { get; init; } = 5;

    /// <summary>garp_interval: gap between two gratuitous ARPs on one interface.</summary>
    public TimeSpan ArpInterval { get; init; } = TimeSpan.Zero;

    /// <summary>gna_interval: gap between two unsolicited neighbour advertisements on one interface.</summary>
    public TimeSpan NaInterval { get; init; } = TimeSpan.Zero;
}
