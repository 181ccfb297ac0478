using LvsHa.Director.Instances;
using LvsHa.Vrrp;

namespace LvsHa.Director.Tests.Unit;

/// <summary>A unit-test double: sends an advert every interval carrying its priority and never changes state.</summary>
internal sealed class AdvertingBehavior(int priority, TimeSpan advertInterval) : IVrrpInstanceBehavior
{
    public string State => "ADVERTISING";

    public IReadOnlyList<VrrpAction> Handle(VrrpInstanceEvent instanceEvent, DateTimeOffset now) => instanceEvent switch
    {
        InstanceStarted or TimerElapsed { Timer: VrrpTimer.Advert } =>
            [new SendAdvert((byte)priority, advertInterval), new StartTimer(VrrpTimer.Advert, advertInterval)],
        InstanceStopping => [new CancelTimer(VrrpTimer.Advert)],
        _ => [],
    };
}
