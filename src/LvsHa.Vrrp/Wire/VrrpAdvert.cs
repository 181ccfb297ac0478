using System.Net;

namespace LvsHa.Vrrp.Wire;

/// <summary>The advert LvsHa directors exchange over Akka Remote (the content of a VRRPv3 advertisement).</summary>
/// <param name="VirtualRouterId">virtual_router_id, 1-255.</param>
/// <param name="Priority">The sender's effective priority; 0 = its master is stopping.</param>
/// <param name="AdvertIntervalCentiseconds">The sender's advert interval, 1-4095 centiseconds.</param>
/// <param name="Sender">The sender's primary address (the tie-breaker).</param>
/// <param name="Vips">The virtual addresses, for a consistency check by the receiver.</param>
public sealed record VrrpAdvert(
    byte VirtualRouterId,
    byte Priority,
    ushort AdvertIntervalCentiseconds,
    IPAddress Sender,
    IReadOnlyList<IPAddress> Vips)
{
    /// <summary>The advert interval as a TimeSpan.</summary>
    public TimeSpan AdvertInterval => VrrpTiming.FromCentiseconds(AdvertIntervalCentiseconds);

    /// <summary>The state machine input this advert becomes.</summary>
    public AdvertReceived ToInput() => new(Sender, Priority, AdvertInterval);
}

/// <summary>A decoded advert, its authentication tag, and the length of the prefix the tag covers.</summary>
/// <param name="Advert">The advert.</param>
/// <param name="AuthTag">The tag as sent (empty when none), to be verified by the caller.</param>
/// <param name="SignedLength">The tag covers bytes [0, SignedLength) of the message.</param>
public sealed record DecodedAdvert(VrrpAdvert Advert, byte[] AuthTag, int SignedLength);
