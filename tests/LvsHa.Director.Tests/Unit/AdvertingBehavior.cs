using LvsHa.Director.Instances;
using LvsHa.Vrrp;

namespace LvsHa.Director.Tests.Unit;

/// <summary>A unit-test double: sends an advert every interval carrying its priority and never changes state.</summary>
internal sealed class AdvertingBehavior(int priority, TimeSpan advertInterval) : IVrrpInstanceBehavior
{
    public string State => "ADVERTISING";

    public IReadOnlyList<VrrpAction> Handle(VrrpInput input, DateTimeOffset now) => input switch
    {
        Start or TimerExpired { Timer: VrrpTimer.Advert } =>
            [new SendAdvert((byte)priority, advertInterval), new StartTimer(VrrpTimer.Advert, advertInterval)],
        Shutdown => [new CancelTimer(VrrpTimer.Advert)],
        _ => [],
    };
}
