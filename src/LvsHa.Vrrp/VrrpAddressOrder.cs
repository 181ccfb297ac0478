using System.Net;

namespace LvsHa.Vrrp;

/// <summary>Orders primary addresses for the equal-priority tie-break: numerically, as unsigned network-order integers.</summary>
public sealed class VrrpAddressOrder : IComparer<IPAddress>
{
    /// <summary>The single instance.</summary>
    public static readonly VrrpAddressOrder Instance = new();

    private VrrpAddressOrder()
    {
    }

    /// <summary>Compares two addresses; an IPv4 address sorts below any IPv6 address (mixed families never share a router).</summary>
    public int Compare(IPAddress? x, IPAddress? y)
    {
        if (ReferenceEquals(x, y))
            return 0;
        if (x is null)
            return -1;
        if (y is null)
            return 1;
        Span<byte> a = stackalloc byte[16];
        Span<byte> b = stackalloc byte[16];
        x.TryWriteBytes(a, out var lengthA);
        y.TryWriteBytes(b, out var lengthB);
        if (lengthA != lengthB)
            return lengthA.CompareTo(lengthB);
        return a[..lengthA].SequenceCompareTo(b[..lengthB]);
    }
}
