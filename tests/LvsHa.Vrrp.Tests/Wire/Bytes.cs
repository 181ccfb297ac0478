namespace LvsHa.Vrrp.Tests.Wire;

/// <summary>Test helpers for golden bytes and an independent checksum.</summary>
internal static class Bytes
{
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    // Independent of the production code: the end-around-carry sum of 16-bit words equals the sum modulo 0xFFFF,
    // and a correct checksum makes the whole (pseudo-header + message) sum to 0xFFFF (i.e. 0 mod 0xFFFF, not 0).
    public static bool ChecksumVerifies(params byte[][] parts)
    {
        var all = parts.SelectMany(p => p).ToList();
        if (all.Count % 2 == 1)
            all.Add(0);
        long sum = 0;
        for (var i = 0; i < all.Count; i += 2)
            sum += (all[i] << 8) | all[i + 1];
        return sum % 0xFFFF == 0 && sum != 0;
    }

    public static byte[] Ipv4PseudoHeader(string source, string destination, byte protocol, int length) =>
    [
        .. System.Net.IPAddress.Parse(source).GetAddressBytes(),
        .. System.Net.IPAddress.Parse(destination).GetAddressBytes(),
        0, protocol, (byte)(length >> 8), (byte)length,
    ];

    public static byte[] Ipv6PseudoHeader(string source, string destination, byte nextHeader, int length) =>
    [
        .. System.Net.IPAddress.Parse(source).GetAddressBytes(),
        .. System.Net.IPAddress.Parse(destination).GetAddressBytes(),
        0, 0, (byte)(length >> 8), (byte)length, 0, 0, 0, nextHeader,
    ];
}
