namespace LvsHa.Vrrp;

/// <summary>Something the host (the instance's actor) must do, in list order.</summary>
public abstract record VrrpAction;

/// <summary>Send an advert to the virtual router's other members.</summary>
/// <param name="Priority">The priority to advertise; 0 announces that this master stops.</param>
/// <param name="AdvertInterval">This instance's configured advert interval.</param>
public sealed record SendAdvert(byte Priority, TimeSpan AdvertInterval) : VrrpAction;

/// <summary>Add the instance's VIPs to their interfaces.</summary>
public sealed record AddVips : VrrpAction;

/// <summary>Remove the instance's VIPs from their interfaces.</summary>
public sealed record RemoveVips : VrrpAction;

/// <summary>Announce every VIP: Repeat gratuitous ARPs (IPv4) / unsolicited NAs (IPv6) each, spaced by the intervals.</summary>
public sealed record SendGratuitousArps(int Repeat, TimeSpan ArpInterval, TimeSpan NaInterval) : VrrpAction;

/// <summary>(Re)start a timer; a pending expiry of the same kind is replaced.</summary>
public sealed record StartTimer(VrrpTimer Timer, TimeSpan Duration) : VrrpAction;

/// <summary>Cancel a timer if it is pending.</summary>
public sealed record CancelTimer(VrrpTimer Timer) : VrrpAction;

/// <summary>The state changed; Reason is for the operator's log.</summary>
public sealed record StateChanged(VrrpState From, VrrpState To, string Reason) : VrrpAction;

/// <summary>Run the notify scripts for the new state (keepalived: notify and notify_master/backup/fault/stop).</summary>
/// <param name="State">The state entered.</param>
/// <param name="Priority">The effective priority, keepalived's last notify argument.</param>
public sealed record RunNotify(VrrpState State, byte Priority) : VrrpAction;
