namespace LvsHa.Vrrp;

/// <summary>The timers a VRRP instance asks its host to run; each kind has at most one pending expiry.</summary>
public enum VrrpTimer
{
    /// <summary>Master: time to send the next advert (Adver_Timer).</summary>
    Advert,

    /// <summary>Backup: no advert from a master for Master_Down_Interval (Master_Down_Timer).</summary>
    MasterDown,

    /// <summary>Master: the second gratuitous ARP burst after garp_master_delay.</summary>
    GarpDelay,

    /// <summary>Master: periodic gratuitous ARP refresh (garp_master_refresh).</summary>
    GarpRefresh,
}
