using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LvsHa.Config.Syntax;

namespace LvsHa.Config.Building;

/// <summary>Reads typed values out of statement words, reporting a precise error for each bad one.</summary>
internal sealed class ValueReader(DiagnosticBag diagnostics)
{
    public DiagnosticBag Diagnostics { get; } = diagnostics;

    /// <summary>Argument <paramref name="index"/>, or an error naming what is missing.</summary>
    public SyntaxWord? Arg(SyntaxStatement s, int index, string what)
    {
        if (s.ArgumentCount > index)
            return s.Argument(index);
        Diagnostics.Error(s.Location, $"'{s.Keyword}' needs {what}");
        return null;
    }

    /// <summary>Warns about arguments beyond those the keyword takes.</summary>
    public void NoMoreThan(SyntaxStatement s, int count)
    {
        if (s.ArgumentCount > count)
            Diagnostics.Warning(s.Argument(count).Location, $"'{s.Keyword}': extra argument '{s.Argument(count).Text}' ignored");
    }

    public long? Integer(SyntaxStatement s, int index, long min, long max, string what)
    {
        var w = Arg(s, index, what);
        return w is null ? null : Integer(w, min, max, what);
    }

    public long? Integer(SyntaxWord w, long min, long max, string what)
    {
        if (long.TryParse(w.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
        {
            if (v >= min && v <= max)
                return v;
            Diagnostics.Error(w.Location, $"{what} {w.Text} is out of range {min}..{max}");
            return null;
        }
        Diagnostics.Error(w.Location, $"invalid {what} '{w.Text}': expected an integer in {min}..{max}");
        return null;
    }

    public int? Int(SyntaxStatement s, int index, int min, int max, string what) => (int?)Integer(s, index, min, max, what);

    public int? Port(SyntaxWord w, string what = "port") => (int?)Integer(w, 1, 65535, what);

    /// <summary>A duration in seconds; keepalived timers accept decimals (e.g. 0.5).</summary>
    public TimeSpan? Seconds(SyntaxStatement s, int index, double min, double max, string what)
    {
        var w = Arg(s, index, what);
        if (w is null)
            return null;
        if (double.TryParse(w.Text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v))
        {
            if (v >= min && v <= max)
                return TimeSpan.FromTicks((long)Math.Round(v * TimeSpan.TicksPerSecond));
            Diagnostics.Error(w.Location, $"{what} {w.Text} is out of range {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)} seconds");
            return null;
        }
        Diagnostics.Error(w.Location, $"invalid {what} '{w.Text}': expected a number of seconds");
        return null;
    }

    /// <summary>An optional boolean argument: absent means true (keepalived's `keyword [BOOL]`).</summary>
    public bool Flag(SyntaxStatement s, int index = 0)
    {
        if (s.ArgumentCount <= index)
            return true;
        var w = s.Argument(index);
        var b = ParseBool(w.Text);
        if (b is null)
        {
            Diagnostics.Error(w.Location, $"invalid value '{w.Text}' for '{s.Keyword}': expected on|off (or yes|no, true|false)");
            return true;
        }
        NoMoreThan(s, index + 1);
        return b.Value;
    }

    /// <summary>A required on|off argument (LvsHa's own keywords).</summary>
    public bool? OnOff(SyntaxStatement s, int index = 0)
    {
        var w = Arg(s, index, "on or off");
        if (w is null)
            return null;
        var b = ParseBool(w.Text);
        if (b is null)
            Diagnostics.Error(w.Location, $"invalid value '{w.Text}' for '{s.Keyword}': expected on or off");
        NoMoreThan(s, index + 1);
        return b;
    }

    private static bool? ParseBool(string text) => text.ToLowerInvariant() switch
    {
        "on" or "yes" or "true" or "1" => true,
        "off" or "no" or "false" or "0" => false,
        _ => null,
    };

    public IPAddress? Address(SyntaxStatement s, int index, string what)
    {
        var w = Arg(s, index, what);
        return w is null ? null : Address(w, what);
    }

    /// <summary>An address where keepalived reads one with inet_stosockaddr (server, peer, source and group
    /// addresses): like keepalived it ignores a "-range" or "/mask" after the address, with a warning here.</summary>
    public IPAddress? Address(SyntaxWord w, string what)
    {
        var a = TryParseAddress(w.Text);
        int cut = w.Text.IndexOf('-', StringComparison.Ordinal) is >= 0 and var dash ? dash : w.Text.IndexOf('/', StringComparison.Ordinal);
        if (a is null && cut > 0 && TryParseAddress(w.Text[..cut]) is { } stripped)
        {
            Diagnostics.Warning(w.Location, $"{what} '{w.Text}': '{w.Text[cut..]}' after the address is ignored (keepalived ignores it too)");
            return stripped;
        }
        if (a is null)
            Diagnostics.Error(w.Location, $"invalid {what} '{w.Text}': expected an IPv4 or IPv6 address");
        return a;
    }

    /// <summary>An address read strictly: nothing after it.</summary>
    public IPAddress? StrictAddress(SyntaxWord w, string what)
    {
        var a = TryParseAddress(w.Text);
        if (a is null)
            Diagnostics.Error(w.Location, $"invalid {what} '{w.Text}': expected an IPv4 or IPv6 address");
        return a;
    }

    /// <summary>Strict address parsing: four dotted decimals for IPv4 (no "10.1" shorthands), or an IPv6 address.</summary>
    public static IPAddress? TryParseAddress(string text)
    {
        if (text.Length == 0 || text.Length > 64)
            return null;
        if (text.Contains(':', StringComparison.Ordinal))
        {
            if (text.Contains('%', StringComparison.Ordinal) || text.Contains('/', StringComparison.Ordinal))
                return null;
            return IPAddress.TryParse(text, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 ? v6 : null;
        }
        Span<byte> bytes = stackalloc byte[4];
        int part = 0;
        int value = -1;
        foreach (char c in text)
        {
            if (c == '.')
            {
                if (value < 0 || part == 3)
                    return null;
                bytes[part++] = (byte)value;
                value = -1;
            }
            else if (c is >= '0' and <= '9')
            {
                value = value < 0 ? c - '0' : value * 10 + (c - '0');
                if (value > 255)
                    return null;
            }
            else
            {
                return null;
            }
        }
        if (part != 3 || value < 0)
            return null;
        bytes[3] = (byte)value;
        return new IPAddress(bytes);
    }

    public static IpFamily FamilyOf(IPAddress a) =>
        a.AddressFamily == AddressFamily.InterNetworkV6 ? IpFamily.IPv6 : IpFamily.IPv4;

    /// <summary>The rest of the statement from <paramref name="index"/> as one command line (keepalived's script syntax).</summary>
    public NotifyScript? Script(SyntaxStatement s, int index = 0)
    {
        var w = Arg(s, index, "a script");
        if (w is null)
            return null;
        string? user = null;
        if (s.ArgumentCount > index + 1)
            user = string.Join(' ', s.Words.Skip(index + 2).Select(x => x.Text));
        // keepalived: an unquoted multi-word script is the script and then `username [groupname]`.
        return new NotifyScript(w.Text, user, w.Location);
    }

    /// <summary>`user USERNAME [GROUPNAME]` as one string, or null (with an error) when missing.</summary>
    public string? User(SyntaxStatement s) => Rest(s, "a user name");

    /// <summary>All arguments as one string (a command line written with or without quotes), or null with an error.</summary>
    public string? Rest(SyntaxStatement s, string what)
    {
        if (Arg(s, 0, what) is null)
            return null;
        return s.ArgumentCount == 1 ? s.Argument(0).Text : string.Join(' ', s.Words.Skip(1).Select(w => w.Text));
    }

    /// <summary>
    /// The one rule for a keyword a block's switch does not implement (see <see cref="KeepalivedKeywords"/>): a
    /// keyword keepalived does not know there either is an error naming the nearest known one; one keepalived knows is
    /// a warning when ignoring it changes nothing the director does, else an error. <paramref name="where"/> is the
    /// block's keyword ("virtual_server", "TCP_CHECK", ...) or "the top level".
    /// </summary>
    public void NotSupported(SyntaxStatement s, string where)
    {
        string place = where == "the top level" ? "at the top level" : $"in {where}";
        switch (KeepalivedKeywords.Support(where, s.Keyword))
        {
            case Unimplemented.Accepted:
                return;
            case Unimplemented.Warn:
                Diagnostics.Warning(s.Location,
                    $"keyword '{s.Keyword}' {place} is not supported by LvsHa; ignored (it changes nothing the director does)");
                return;
            case Unimplemented.Refuse:
                Diagnostics.Error(s.Location,
                    $"keyword '{s.Keyword}' {place} is known to keepalived but not supported by LvsHa; ignoring it would change what the director does");
                return;
        }
        if (KeepalivedKeywords.IsKnown(where, s.Keyword))
        {
            Diagnostics.Error(s.Location, $"keyword '{s.Keyword}' {place} is not supported by LvsHa");
            return;
        }
        if (s.Keyword.StartsWith('$'))
        {
            Diagnostics.Error(s.Location,
                $"'{s.Keyword}' {place} is neither a parameter definition ({s.Keyword}=VALUE, no blank before '=') nor a defined parameter");
            return;
        }
        if (KeepalivedKeywords.Note(where, s.Keyword) is { } note)
        {
            Diagnostics.Error(s.Location, $"unknown keyword '{s.Keyword}' {place}: {note}");
            return;
        }
        var nearest = KeepalivedKeywords.Nearest(where, s.Keyword);
        Diagnostics.Error(s.Location, nearest is null
            ? $"unknown keyword '{s.Keyword}' {place}"
            : $"unknown keyword '{s.Keyword}' {place}; did you mean '{nearest}'?");
    }
}
