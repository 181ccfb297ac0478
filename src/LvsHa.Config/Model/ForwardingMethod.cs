namespace LvsHa.Config;

/// <summary>How IPVS forwards to a real server: method plus, for TUN, the tunnel encapsulation.</summary>
/// <param name="Method">NAT, DR or TUN.</param>
/// <param name="Tunnel">Encapsulation (only meaningful for TUN; Ipip otherwise).</param>
/// <param name="TunnelPort">UDP port for GUE (0 otherwise).</param>
/// <param name="Checksum">Checksum mode for GUE/GRE (NoCsum by default, as keepalived).</param>
public sealed record ForwardingMethod(LvsMethod Method, TunnelType Tunnel = TunnelType.Ipip, int TunnelPort = 0,
    TunnelChecksum Checksum = TunnelChecksum.NoCsum)
{
    /// <summary>keepalived's default method (NAT).</summary>
    public static ForwardingMethod Nat { get; } = new(LvsMethod.Nat);

    /// <summary>Direct routing.</summary>
    public static ForwardingMethod Dr { get; } = new(LvsMethod.Dr);

    /// <summary>Plain IPIP tunnelling.</summary>
    public static ForwardingMethod Tun { get; } = new(LvsMethod.Tun);

    /// <summary>
    /// The destination port a server written with <paramref name="writtenPort"/> gets under
    /// <paramref name="endpoint"/>: DR/TUN cannot change the port, so the endpoint's (0 under a fwmark service); NAT
    /// keeps the written port, or takes the endpoint's when none was written.
    /// </summary>
    public int DestinationPort(int writtenPort, ServiceEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (Method != LvsMethod.Nat)
            return endpoint.IsFwmark ? 0 : endpoint.Port;
        return writtenPort != 0 || endpoint.IsFwmark ? writtenPort : endpoint.Port;
    }

    /// <inheritdoc />
    public override string ToString() => Method switch
    {
        LvsMethod.Tun when Tunnel == TunnelType.Gue => $"TUN type gue port {TunnelPort} {Checksum.ToString().ToLowerInvariant()}",
        LvsMethod.Tun when Tunnel == TunnelType.Gre => $"TUN type gre {Checksum.ToString().ToLowerInvariant()}",
        _ => Method.ToString().ToUpperInvariant(),
    };
}
