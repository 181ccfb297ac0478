using System.Globalization;

namespace LvsHa.Health.Files;

/// <summary>
/// The number in a tracked file, read as keepalived 2.2.7 reads it (trackers/track_file.c): the first 127 bytes,
/// C's strtol with base 0 (leading blanks, a sign, 0x for hexadecimal, a leading 0 for octal, digits up to the first
/// other character). A missing, unreadable or empty file, or one without digits, reads as 0. Pure apart from the
/// read.
/// </summary>
public static class TrackFileValue
{
    private const int MaxBytes = 127;

    /// <summary>The file's number; null when it is out of keepalived's range (the reading is then ignored).</summary>
    public static long? Read(string path)
    {
        byte[] buffer = new byte[MaxBytes];
        int length;
        try
        {
            // Non-blocking, as keepalived: a FIFO put in the file's place must not stall the watcher.
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            length = RandomAccess.Read(handle, buffer, 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return 0;
        }

        return Parse(System.Text.Encoding.ASCII.GetString(buffer, 0, length));
    }

    /// <summary>strtol(text, NULL, 0) within [int.MinValue, int.MaxValue + 1] (keepalived's accepted range); null outside it.</summary>
    public static long? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var i = 0;
        while (i < text.Length && text[i] is ' ' or '\t' or '\n' or '\v' or '\f' or '\r')
            i++;
        var negative = false;
        if (i < text.Length && text[i] is '+' or '-')
            negative = text[i++] == '-';
        var radix = 10;
        if (i + 1 < text.Length && text[i] == '0' && text[i + 1] is 'x' or 'X' && i + 2 < text.Length && Uri.IsHexDigit(text[i + 2]))
        {
            radix = 16;
            i += 2;
        }
        else if (i < text.Length && text[i] == '0')
        {
            radix = 8;
        }

        var start = i;
        while (i < text.Length && DigitValue(text[i]) is { } d && d < radix)
            i++;
        if (i == start)
            return 0;
        var digits = text[start..i];
        // Beyond 15 significant digits (in any base) is far outside the range (strtol: ERANGE).
        if (digits.TrimStart('0').Length > 15)
            return null;
        var magnitude = radix == 10
            ? long.Parse(digits, CultureInfo.InvariantCulture)
            : Convert.ToInt64(digits, radix);
        var value = negative ? -magnitude : magnitude;
        return value < int.MinValue || value > (long)int.MaxValue + 1 ? null : value;
    }

    private static int? DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => null,
    };
}
