using LvsHa.Vrrp;

namespace LvsHa.Director.Instances;

/// <summary>
/// The lab's placeholder instance (an instance given without VRRP settings): sends an advert every advert_int
/// carrying its priority, and never becomes master.
/// </summary>
public sealed class AdvertOnlyBehavior : IVrrpInstanceBehavior
{
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
    public IReadOnlyList<VrrpAction> Handle(VrrpInstanceEvent instanceEvent, DateTimeOffset now) => instanceEvent switch
    {
        InstanceStarted or TimerElapsed { Timer: VrrpTimer.Advert } =>
            [new SendAdvert((byte)_priority, _advertInterval), new StartTimer(VrrpTimer.Advert, _advertInterval)],
        InstanceStopping => [new CancelTimer(VrrpTimer.Advert)],
        _ => [],
    };
}
