using LvsHa.Netlink.Core;

namespace LvsHa.Netlink.Tests;

/// <summary>Golden bytes written the way the kernel headers read: hex groups, spaces and '|' ignored.</summary>
internal static class Hex
{
    public static byte[] Parse(string text)
    {
        var digits = new string(text.Where(Uri.IsHexDigit).ToArray());
        return Convert.FromHexString(digits);
    }

    public static string Format(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    /// <summary>The golden text in the same spelling as <see cref="Written"/> gives, for a readable diff.</summary>
    public static string Expect(string text) => Format(Parse(text));

    /// <summary>What a builder writes, as lower-case hex.</summary>
    public static string Written(Action<NetlinkWriter> build)
    {
        var writer = new NetlinkWriter();
        build(writer);
        return Format(writer.WrittenSpan);
    }
}
