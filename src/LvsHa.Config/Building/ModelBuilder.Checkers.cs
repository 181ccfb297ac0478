using LvsHa.Config.Syntax;

namespace LvsHa.Config.Building;

internal sealed partial class ModelBuilder
{
    private CheckerDraft? Checker(SyntaxStatement s)
    {
        var c = new CheckerDraft { Keyword = s.Keyword, Location = s.Location };
        _read.NoMoreThan(s, 0);
        if (s.Block is null)
            return c;
        string where = s.Keyword;
        foreach (var k in s.Block)
        {
            // keepalived gives MISC_CHECK no connection keywords, connect_timeout included (misc_timeout is its timeout).
            if (c.Keyword == "MISC_CHECK" && k.Keyword == "connect_timeout")
            {
                _read.NotSupported(k, where);
                continue;
            }
            if (Timing(c.Timing, k, allowInhibit: false))
                continue;
            if (c.Keyword != "MISC_CHECK" && CheckerConnection(c, k))
                continue;
            switch (c.Keyword, k.Keyword)
            {
                case ("HTTP_GET" or "SSL_GET", "url"):
                    if (Url(k) is { } url)
                        c.Urls.Add(url);
                    break;
                case ("HTTP_GET" or "SSL_GET", "nb_get_retry"):
                    // keepalived's old name for retry, read only by the HTTP checkers.
                    _diagnostics.Warning(k.Location, "nb_get_retry is deprecated: read as retry (keepalived reports it as an error and reads it the same); write retry");
                    c.Timing.Retry = _read.Int(k, 0, 0, int.MaxValue, "nb_get_retry") ?? c.Timing.Retry;
                    break;
                case ("HTTP_GET" or "SSL_GET", "virtualhost"):
                    c.Virtualhost = _read.Arg(k, 0, "a host name")?.Text;
                    break;
                case ("HTTP_GET" or "SSL_GET", "http_protocol"):
                    if (_read.Arg(k, 0, "1.0, 1.0C or 1.1") is { } proto)
                    {
                        if (proto.Text is "1.0" or "1.0C" or "1.1")
                            c.HttpProtocol = proto.Text;
                        else
                            _diagnostics.Error(proto.Location, $"invalid http_protocol '{proto.Text}': expected 1.0, 1.0C or 1.1");
                    }
                    break;
                case ("SSL_GET", "enable_sni"):
                    c.EnableSni = _read.Flag(k);
                    break;
                case ("MISC_CHECK", "misc_path"):
                    c.MiscPath = _read.Rest(k, "a script path");
                    break;
                case ("MISC_CHECK", "misc_timeout"):
                    c.MiscTimeout = _read.Seconds(k, 0, 0.001, 86400, "misc_timeout") ?? c.MiscTimeout;
                    break;
                case ("MISC_CHECK", "misc_dynamic"):
                    c.MiscDynamic = _read.Flag(k);
                    break;
                case ("MISC_CHECK", "user"):
                    c.User = _read.User(k);
                    break;
                case ("DNS_CHECK", "type"):
                    if (_read.Arg(k, 0, "a query type") is { } type)
                    {
                        var t = type.Text.ToUpperInvariant();
                        if (t is "A" or "NS" or "CNAME" or "SOA" or "MX" or "TXT" or "AAAA")
                            c.DnsType = t;
                        else
                            _diagnostics.Error(type.Location, $"invalid DNS_CHECK type '{type.Text}': expected A, NS, CNAME, SOA, MX, TXT or AAAA");
                    }
                    break;
                case ("DNS_CHECK", "name"):
                    if (!Repeated(k, c.DnsNameLocation))
                    {
                        c.DnsName = _read.Arg(k, 0, "a domain name")?.Text ?? c.DnsName;
                        c.DnsNameLocation = k.Location;
                    }
                    break;
                case ("UDP_CHECK", "payload"):
                    c.Payload = HexString(k, 0);
                    break;
                case ("UDP_CHECK", "require_reply"):
                    c.RequireReply = true;
                    c.ReplyPattern = k.ArgumentCount > 0 ? HexString(k, 0, allowMask: true) : null;
                    break;
                case ("SMTP_CHECK", "helo_name"):
                    c.HeloName = _read.Arg(k, 0, "a host name")?.Text;
                    break;
                case ("SMTP_CHECK", "host"):
                    if (SmtpHost(k) is { } host)
                        c.Hosts.Add(host);
                    break;
                default:
                    _read.NotSupported(k, where);
                    break;
            }
        }
        if (c.Keyword == "MISC_CHECK" && c.MiscPath is null)
            _diagnostics.Error(s.Location, "MISC_CHECK needs 'misc_path'");
        if (c.Keyword is "HTTP_GET" or "SSL_GET" && c.Urls.Count == 0)
            _diagnostics.Error(s.Location, $"{c.Keyword} needs at least one 'url {{ path ... }}' block");
        return c;
    }

    /// <summary>
    /// `FILE_CHECK { track_file NAME; weight N [reverse|noreverse] }` (keepalived 2.2.7 check/check_file.c). The name
    /// is looked up once every block is read (<see cref="ResolveFileChecker"/>). keepalived reports a missing
    /// track_file or a bad weight and drops the checker; refused here, as a real server silently losing a checker
    /// changes what the director does.
    /// </summary>
    private CheckerDraft? FileCheck(SyntaxStatement s)
    {
        _read.NoMoreThan(s, 0);
        if (!RequireBlock(s))
            return null;
        var c = new CheckerDraft { Keyword = s.Keyword, Location = s.Location };
        foreach (var k in s.Block!)
        {
            switch (k.Keyword)
            {
                case "track_file":
                    if (!Repeated(k, c.TrackFile?.Location) && _read.Arg(k, 0, "a track_file name") is { } name)
                    {
                        c.TrackFile = name;
                        _read.NoMoreThan(k, 1);
                    }
                    break;
                case "weight":
                    if (!Repeated(k, c.FileWeightLocation))
                    {
                        c.FileWeightLocation = k.Location;
                        FileCheckWeight(c, k);
                    }
                    break;
                default:
                    _read.NotSupported(k, "FILE_CHECK");
                    break;
            }
        }
        if (c.TrackFile is null)
        {
            if (!s.Block!.Any(k => k.Keyword == "track_file"))
                _diagnostics.Error(s.Location, "FILE_CHECK needs 'track_file NAME' (a track_file block)");
            return null;
        }
        return c;
    }

    // `weight N [reverse|noreverse]`, N within keepalived's IPVS_WEIGHT_LIMIT (INT32_MAX) either way.
    private void FileCheckWeight(CheckerDraft c, SyntaxStatement k)
    {
        var weight = _read.Int(k, 0, -int.MaxValue, int.MaxValue, "FILE_CHECK weight");
        var reverse = false;
        if (k.ArgumentCount > 1)
        {
            switch (k.Argument(1).Text)
            {
                case "reverse": reverse = true; break;
                case "noreverse": break;
                default:
                    _diagnostics.Error(k.Argument(1).Location, $"unknown FILE_CHECK weight option '{k.Argument(1).Text}': expected reverse or noreverse");
                    return;
            }
            _read.NoMoreThan(k, 2);
        }
        if (weight is null)
            return;
        c.FileWeight = weight;
        c.FileReverse = reverse;
    }

    /// <summary>
    /// The checkers an SMTP_CHECK block stands for, as keepalived's check_smtp.c builds them: the block itself, and
    /// one more per (deprecated) `host { }`, each with the block's timing and helo_name where it sets none. When the
    /// block has hosts and no connection keyword of its own, the first host takes its place.
    /// </summary>
    private static IEnumerable<CheckerDraft> Checkers(CheckerDraft c)
    {
        if (c.Hosts.Count == 0 || c.HasConnectionKeywords)
            yield return c;
        foreach (var host in c.Hosts)
        {
            host.HeloName = c.HeloName;
            host.Timing.ConnectTimeout ??= c.Timing.ConnectTimeout;
            host.Timing.Retry ??= c.Timing.Retry;
            host.Timing.DelayBeforeRetry ??= c.Timing.DelayBeforeRetry;
            host.Timing.Warmup ??= c.Timing.Warmup;
            host.Timing.DelayLoop ??= c.Timing.DelayLoop;
            host.Timing.Alpha ??= c.Timing.Alpha;
            yield return host;
        }
    }

    /// <summary>`host { connect_ip ... }` inside SMTP_CHECK: a checker of its own (keepalived: deprecated, still read).</summary>
    private CheckerDraft? SmtpHost(SyntaxStatement s)
    {
        if (!RequireBlock(s))
            return null;
        var host = new CheckerDraft { Keyword = "SMTP_CHECK", Location = s.Location };
        foreach (var k in s.Block!)
        {
            if (!Timing(host.Timing, k, allowInhibit: false) && !CheckerConnection(host, k))
                _read.NotSupported(k, "host");
        }
        return host;
    }

    /// <summary>connect_ip, connect_port, bindto, bind_port, bind_if, fwmark; true when handled.</summary>
    private bool CheckerConnection(CheckerDraft c, SyntaxStatement k)
    {
        switch (k.Keyword)
        {
            case "connect_ip": c.ConnectIp = _read.Address(k, 0, "connect_ip") ?? c.ConnectIp; return true;
            case "connect_port": c.ConnectPort = _read.Int(k, 0, 1, 65535, "connect_port") ?? c.ConnectPort; return true;
            case "bindto": c.BindTo = _read.Address(k, 0, "bindto") ?? c.BindTo; return true;
            case "bind_port": c.BindPort = _read.Int(k, 0, 1, 65535, "bind_port") ?? c.BindPort; return true;
            case "bind_if": c.BindInterface = _read.Arg(k, 0, "an interface name")?.Text; return true;
            case "fwmark": c.Fwmark = (uint?)_read.Integer(k, 0, 1, uint.MaxValue, "fwmark") ?? c.Fwmark; return true;
            default: return false;
        }
    }

    private UrlCheck? Url(SyntaxStatement s)
    {
        if (!RequireBlock(s))
            return null;
        string? path = null;
        string? digest = null;
        string? virtualhost = null;
        var codes = new List<int>();
        foreach (var k in s.Block!)
        {
            switch (k.Keyword)
            {
                case "path":
                    path = _read.Arg(k, 0, "a path")?.Text;
                    break;
                case "digest":
                    if (_read.Arg(k, 0, "an MD5 digest") is { } d)
                    {
                        if (d.Text.Length == 32 && d.Text.All(Uri.IsHexDigit))
                            digest = d.Text.ToLowerInvariant();
                        else
                            _diagnostics.Error(d.Location, $"invalid digest '{d.Text}': expected 32 hexadecimal digits (MD5)");
                    }
                    break;
                case "status_code":
                    if (k.ArgumentCount == 0)
                        _diagnostics.Error(k.Location, "'status_code' needs one or more codes or ranges (e.g. 200 or 200-299)");
                    for (int i = 0; i < k.ArgumentCount; i++)
                        StatusCodes(k.Argument(i), codes);
                    break;
                case "virtualhost":
                    virtualhost = _read.Arg(k, 0, "a host name")?.Text;
                    break;
                default:
                    _read.NotSupported(k, "url");
                    break;
            }
        }
        if (path is null)
        {
            _diagnostics.Error(s.Location, "url block needs 'path'");
            return null;
        }
        return new UrlCheck(path, codes, digest, virtualhost, s.Location);
    }

    private void StatusCodes(SyntaxWord w, List<int> codes)
    {
        var parts = w.Text.Split('-');
        if (parts.Length is 1 or 2
            && int.TryParse(parts[0], out int from) && from is >= 100 and <= 599
            && (parts.Length == 1 || (int.TryParse(parts[1], out int to0) && to0 >= from && to0 <= 599)))
        {
            int to = parts.Length == 1 ? from : int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            for (int c = from; c <= to; c++)
            {
                if (!codes.Contains(c))
                    codes.Add(c);
            }
            return;
        }
        _diagnostics.Error(w.Location, $"invalid status_code '{w.Text}': expected a code 100..599 or a range like 200-299");
    }

    /// <summary>keepalived's free-form hex strings (spaces allowed between digit groups); X/x masks a nibble in replies.</summary>
    private string? HexString(SyntaxStatement s, int index, bool allowMask = false)
    {
        if (_read.Arg(s, index, "a hex string") is null)
            return null;
        var text = string.Concat(s.Words.Skip(index + 1).Select(w => w.Text));
        foreach (char ch in text)
        {
            if (!Uri.IsHexDigit(ch) && !(allowMask && ch is 'x' or 'X'))
            {
                _diagnostics.Error(s.Argument(index).Location, $"invalid hex string '{text}' for '{s.Keyword}'");
                return null;
            }
        }
        return text.ToLowerInvariant();
    }
}
