namespace LvsHa.Director.Adverts;

/// <summary>Carries a signed advert to the actor of the same vrrp instance on every other director.</summary>
public interface IAdvertTransport
{
    /// <summary>Sends <paramref name="envelope"/> to every other director (fire and forget; never blocks).</summary>
    void Publish(VrrpAdvertEnvelope envelope);
}
