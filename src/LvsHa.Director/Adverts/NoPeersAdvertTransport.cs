namespace LvsHa.Director.Adverts;

/// <summary>Transport of a single director (no cluster block): there is nobody to tell.</summary>
public sealed class NoPeersAdvertTransport : IAdvertTransport
{
    /// <summary>The one instance.</summary>
    public static readonly NoPeersAdvertTransport Instance = new();

    /// <inheritdoc />
    public void Publish(VrrpAdvertEnvelope envelope)
    {
    }
}
