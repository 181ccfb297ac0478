using System.Net;

namespace LvsHa.Config.Building;

/// <summary>Address arithmetic for virtual_server_group ranges (IPv4 and IPv6 as 128-bit integers).</summary>
internal static class AddressMath
{
    public static UInt128 ToInteger(IPAddress a)
    {
        Span<byte> b = stackalloc byte[16];
        a.TryWriteBytes(b, out int n);
        UInt128 v = 0;
        for (int i = 0; i < n; i++)
            v = (v << 8) | b[i];
        return v;
    }

    public static IPAddress FromInteger(UInt128 v, IpFamily family)
    {
        int n = family == IpFamily.IPv6 ? 16 : 4;
        Span<byte> b = stackalloc byte[n];
        for (int i = n - 1; i >= 0; i--)
        {
            b[i] = (byte)(v & 0xff);
            v >>= 8;
        }
        return new IPAddress(b);
    }

    private static int Bits(IPAddress a) => ValueReader.FamilyOf(a) == IpFamily.IPv6 ? 128 : 32;

    private static UInt128 HostMask(int bits, int prefix) =>
        prefix >= bits ? UInt128.Zero : (bits - prefix == 128 ? UInt128.MaxValue : (UInt128.One << (bits - prefix)) - 1);

    public static IPAddress Network(IPAddress a, int prefix) =>
        FromInteger(ToInteger(a) & ~HostMask(Bits(a), prefix) & AllOnes(Bits(a)), ValueReader.FamilyOf(a));

    public static IPAddress Broadcast(IPAddress network, int prefix) =>
        FromInteger(ToInteger(network) | HostMask(Bits(network), prefix), ValueReader.FamilyOf(network));

    private static UInt128 AllOnes(int bits) => bits == 128 ? UInt128.MaxValue : (UInt128.One << bits) - 1;

    /// <summary>keepalived's short range `10.0.0.1-10`: the last byte (IPv4) or last 16-bit group (IPv6) replaced.</summary>
    public static IPAddress? WithLastPart(IPAddress a, string last)
    {
        bool v6 = ValueReader.FamilyOf(a) == IpFamily.IPv6;
        if (last.Length == 0 || last.Length > 5)
            return null;
        uint value;
        if (v6)
        {
            if (!uint.TryParse(last, System.Globalization.NumberStyles.AllowHexSpecifier, null, out value) || value > 0xffff)
                return null;
        }
        else if (!uint.TryParse(last, System.Globalization.NumberStyles.None, null, out value) || value > 255)
        {
            return null;
        }
        var v = ToInteger(a);
        v = v6 ? (v & ~(UInt128)0xffff) | value : (v & ~(UInt128)0xff) | value;
        return FromInteger(v, ValueReader.FamilyOf(a));
    }

    public static int Compare(IPAddress a, IPAddress b) => ToInteger(a).CompareTo(ToInteger(b));

    /// <summary>Number of addresses from first to last inclusive, saturated at <paramref name="cap"/>+1.</summary>
    public static long Count(IPAddress first, IPAddress last, long cap)
    {
        var diff = ToInteger(last) - ToInteger(first);
        return diff >= (UInt128)cap ? cap + 1 : (long)diff + 1;
    }

    public static IEnumerable<IPAddress> Enumerate(IPAddress first, IPAddress last)
    {
        var family = ValueReader.FamilyOf(first);
        var end = ToInteger(last);
        for (var v = ToInteger(first); v <= end; v++)
        {
            yield return FromInteger(v, family);
            if (v == UInt128.MaxValue)
                yield break;
        }
    }
}
