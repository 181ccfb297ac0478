namespace LvsHa.RealServers.Model;

/// <summary>How the director forwards packets to a real server; decides what the real server needs.</summary>
public enum ForwardingMethodKind
{
    /// <summary>Direct routing: VIP on lo, ARP for the VIP suppressed.</summary>
    DirectRouting,

    /// <summary>IP tunnelling: VIP on the tunnel device, tunnel up, rp_filter relaxed, ARP suppressed.</summary>
    Tunnel,

    /// <summary>Masquerading: nothing to set, but replies must route back through the director.</summary>
    Nat,
}
