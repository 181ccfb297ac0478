using System.Net.NetworkInformation;

namespace LvsHa.Vrrp.Wire;

/// <summary>Ethernet details shared by the announcement frame builders.</summary>
internal static class Ethernet
{
    /// <summary>The 6 bytes of an Ethernet MAC; anything else (e.g. an InfiniBand address) is refused.</summary>
    public static byte[] MacBytes(PhysicalAddress mac)
    {
        ArgumentNullException.ThrowIfNull(mac);
        var bytes = mac.GetAddressBytes();
        if (bytes.Length != 6)
            throw new ArgumentException("an Ethernet MAC has 6 bytes", nameof(mac));
        return bytes;
    }
}
