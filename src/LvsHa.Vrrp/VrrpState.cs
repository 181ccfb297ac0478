namespace LvsHa.Vrrp;

/// <summary>The state of one VRRP instance (RFC 5798 plus keepalived's FAULT and a final STOP).</summary>
public enum VrrpState
{
    /// <summary>Configured but not started (RFC 5798 Initialize).</summary>
    Initialize,

    /// <summary>Watching the master's adverts; holds no VIPs.</summary>
    Backup,

    /// <summary>Holds the VIPs and sends adverts.</summary>
    Master,

    /// <summary>A tracked interface or script with weight 0 failed (keepalived FAULT): no VIPs, no adverts, no takeover.</summary>
    Fault,

    /// <summary>Stopped gracefully (keepalived notify_stop); only Start leaves it.</summary>
    Stopped,
}

/// <summary>keepalived's spelling of the states, as notify scripts, logs and `lvsha status` show them.</summary>
public static class VrrpStateNames
{
    /// <summary>INIT, BACKUP, MASTER, FAULT or STOP.</summary>
    public static string KeepalivedName(this VrrpState state) => state switch
    {
        VrrpState.Master => "MASTER",
        VrrpState.Backup => "BACKUP",
        VrrpState.Fault => "FAULT",
        VrrpState.Stopped => "STOP",
        _ => "INIT",
    };

    /// <summary>The state <see cref="KeepalivedName"/> spells <paramref name="name"/> (INIT for anything else).</summary>
    public static VrrpState FromKeepalivedName(string name) =>
        Enum.GetValues<VrrpState>().FirstOrDefault(s => s.KeepalivedName() == name, VrrpState.Initialize);
}
