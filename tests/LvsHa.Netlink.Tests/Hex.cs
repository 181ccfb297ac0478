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
}
