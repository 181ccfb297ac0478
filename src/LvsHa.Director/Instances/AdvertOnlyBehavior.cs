namespace LvsHa.Director.Instances;

/// <summary>
/// The lab's placeholder instance (an instance given without VRRP settings): sends an advert every advert_int
/// carrying its priority, and never becomes master.
/// </summary>
public sealed class AdvertOnlyBehavior : IVrrpInstanceBehavior
{
    /// <summary>Name of the advert timer.</summary>
    public const string AdvertTimer = "advert";

    private readonly int _priority;
    private readonly TimeSpan _advertInterval;

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
        InstanceStarted => [new StartTimer(AdvertTimer, _advertInterval, Periodic: true), new SendAdvert((byte)_priority, _advertInterval)],
        TimerElapsed { Timer: AdvertTimer } => [new SendAdvert((byte)_priority, _advertInterval)],
        InstanceStopping => [new CancelTimer(AdvertTimer)],
        _ => [],
    };
}
