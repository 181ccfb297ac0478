namespace LvsHa.Director.Adverts;

/// <summary>
/// One VRRP advert between directors: the payload is the advert as the VRRP codec encodes it; the rest binds it to
/// its instance and sender and lets the receiver reject forgeries (<see cref="Mac"/>) and replays
/// (<see cref="Incarnation"/>, <see cref="Sequence"/>, <see cref="TimestampUnixMs"/>).
/// </summary>
public sealed record VrrpAdvertEnvelope(
    string Instance,
    int VirtualRouterId,
    string SenderNode,
    long Incarnation,
    long Sequence,
    long TimestampUnixMs,
    byte[] Payload,
    byte[] Mac);
