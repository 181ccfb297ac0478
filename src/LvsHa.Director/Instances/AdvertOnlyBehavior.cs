using System.Buffers.Binary;

namespace LvsHa.Director.Instances;

/// <summary>
/// Placeholder until the VRRP state machine is plugged in: sends an advert every advert_int carrying the priority
/// and a counter, and never becomes master.
/// </summary>
public sealed class AdvertOnlyBehavior : IVrrpInstanceBehavior
{
    /// <summary>Name of the advert timer.</summary>
    public const string AdvertTimer = "advert";

    private readonly int _priority;
    private readonly TimeSpan _advertInterval;
    private uint _counter;

    /// <summary>Creates the placeholder.</summary>
    public AdvertOnlyBehavior(int priority, TimeSpan advertInterval)
    {
        _priority = priority;
        _advertInterval = advertInterval;
    }

    /// <inheritdoc />
    public string State => "PLACEHOLDER";

    /// <inheritdoc />
    public IReadOnlyList<VrrpInstanceAction> Handle(VrrpInstanceEvent instanceEvent, DateTimeOffset now) => instanceEvent switch
    {
        InstanceStarted => [new StartTimer(AdvertTimer, _advertInterval, Periodic: true), new SendAdvert(NextPayload())],
        TimerElapsed { Timer: AdvertTimer } => [new SendAdvert(NextPayload())],
        InstanceStopping => [new CancelTimer(AdvertTimer)],
        _ => [],
    };

    private byte[] NextPayload()
    {
        var payload = new byte[5];
        payload[0] = (byte)_priority;
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(1), ++_counter);
        return payload;
    }
}
