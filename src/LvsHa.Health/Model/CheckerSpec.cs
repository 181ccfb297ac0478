using System.Net;

namespace LvsHa.Health.Model;

/// <summary>One configured health checker of a real server (keepalived's TCP_CHECK, HTTP_GET, ... blocks).</summary>
/// <remarks>Every timing value left null falls back to the real server, then the virtual service, then keepalived's
/// per-checker default (see <see cref="CheckerTiming.Resolve"/>).</remarks>
public abstract record CheckerSpec
{
    /// <summary>Address to connect to instead of the real server's (connect_ip).</summary>
    public IPAddress? ConnectIp { get; init; }

    /// <summary>Port to connect to instead of the real server's (connect_port).</summary>
    public int? ConnectPort { get; init; }

    /// <summary>Source address of the check connection (bindto).</summary>
    public IPAddress? BindTo { get; init; }

    /// <summary>Source port of the check connection (bind_port).</summary>
    public int? BindPort { get; init; }

    /// <summary>Interface the check's socket is bound to (bind_if, SO_BINDTODEVICE): only routes through it are used.</summary>
    public string? BindInterface { get; init; }

    /// <summary>Firewall mark of the check's packets (the checker's fwmark, SO_MARK).</summary>
    public uint? Fwmark { get; init; }

    /// <summary>The checker's own timing keys.</summary>
    public TimingKeys Timing { get; init; } = TimingKeys.None;

    /// <summary>keepalived's block name, for logs and status.</summary>
    public abstract string Kind { get; }
}

/// <summary>TCP_CHECK: up when a TCP connection is established within connect_timeout.</summary>
public sealed record TcpCheckSpec : CheckerSpec
{
    /// <inheritdoc/>
    public override string Kind => "TCP_CHECK";
}

/// <summary>PING_CHECK: up when the real server (or connect_ip) answers an ICMP / ICMPv6 echo request within
/// connect_timeout.</summary>
public sealed record PingCheckSpec : CheckerSpec
{
    /// <inheritdoc/>
    public override string Kind => "PING_CHECK";
}

/// <summary>HTTP_GET or SSL_GET: every url must answer with an accepted status code (and digest, if given).</summary>
public sealed record HttpCheckSpec : CheckerSpec
{
    /// <summary>The url blocks; at least one.</summary>
    public IReadOnlyList<HttpUrlSpec> Urls { get; init; } = [];

    /// <summary>http_protocol: 1.0, 1.0C (1.0 plus Connection: close) or 1.1.</summary>
    public HttpProtocol Protocol { get; init; } = HttpProtocol.Http10;

    /// <summary>virtualhost for the Host header when a url has none (checker, real server or virtual service).</summary>
    public string? VirtualHost { get; init; }

    /// <summary>true for SSL_GET.</summary>
    public bool UseTls { get; init; }

    /// <summary>enable_sni: send the virtual host as TLS server name (SSL_GET only).</summary>
    public bool EnableSni { get; init; }

    /// <inheritdoc/>
    public override string Kind => UseTls ? "SSL_GET" : "HTTP_GET";
}

/// <summary>http_protocol values.</summary>
public enum HttpProtocol
{
    /// <summary>HTTP/1.0 (keepalived's default).</summary>
    Http10,

    /// <summary>HTTP/1.0 with a Connection: close header ("1.0C").</summary>
    Http10Close,

    /// <summary>HTTP/1.1 with Connection: close.</summary>
    Http11,
}

/// <summary>One url block of HTTP_GET/SSL_GET.</summary>
/// <param name="Path">path, e.g. "/" or "/health".</param>
/// <param name="Digest">digest: lower-case MD5 hex of the body, or null to skip the body check.</param>
/// <param name="StatusCodes">status_code ranges; empty means keepalived's default 200-299.</param>
/// <param name="VirtualHost">virtualhost for this url only.</param>
public sealed record HttpUrlSpec(
    string Path,
    string? Digest = null,
    IReadOnlyList<StatusCodeRange>? StatusCodes = null,
    string? VirtualHost = null)
{
    /// <summary>keepalived's default accepted status codes.</summary>
    public static readonly IReadOnlyList<StatusCodeRange> DefaultStatusCodes = [new(200, 299)];

    /// <summary>Whether a status code is accepted by this url.</summary>
    public bool Accepts(int statusCode)
    {
        var ranges = StatusCodes is { Count: > 0 } ? StatusCodes : DefaultStatusCodes;
        return ranges.Any(r => statusCode >= r.From && statusCode <= r.To);
    }
}

/// <summary>An inclusive range of HTTP status codes (a single code has From == To).</summary>
public readonly record struct StatusCodeRange(int From, int To);

/// <summary>MISC_CHECK: runs a program; exit 0 is up.</summary>
/// <param name="Command">misc_path: program and arguments, split as keepalived does (no shell).</param>
public sealed record MiscCheckSpec(string Command) : CheckerSpec
{
    /// <summary>misc_timeout; keepalived's default is the checker's delay_loop.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>misc_dynamic: exit 2..255 means up with weight exit-2.</summary>
    public bool Dynamic { get; init; }

    /// <summary>user: the user (and group) the script runs as; null runs it as the daemon's user.</summary>
    public ScriptUser? User { get; init; }

    /// <inheritdoc/>
    public override string Kind => "MISC_CHECK";
}

/// <summary>DNS_CHECK: one UDP query; up when a NOERROR answer with the same id arrives.</summary>
public sealed record DnsCheckSpec : CheckerSpec
{
    /// <summary>type: A, NS, CNAME, SOA, MX, TXT, AAAA (keepalived's default SOA).</summary>
    public string Type { get; init; } = "SOA";

    /// <summary>name: the queried domain (keepalived's default ".").</summary>
    public string Name { get; init; } = ".";

    /// <inheritdoc/>
    public override string Kind => "DNS_CHECK";
}

/// <summary>SMTP_CHECK: 220 banner, HELO answered with 250, QUIT.</summary>
public sealed record SmtpCheckSpec : CheckerSpec
{
    /// <summary>keepalived's default HELO name (SMTP_DEFAULT_HELO in check_smtp.h).</summary>
    public const string DefaultHeloName = "smtpchecker.keepalived.org";

    /// <summary>helo_name.</summary>
    public string HeloName { get; init; } = DefaultHeloName;

    /// <inheritdoc/>
    public override string Kind => "SMTP_CHECK";
}

/// <summary>UDP_CHECK: sends a datagram; down on an ICMP unreachable or (with require_reply) a missing/mismatched reply.</summary>
public sealed record UdpCheckSpec : CheckerSpec
{
    /// <summary>payload; null sends a random 16-byte payload as keepalived does.</summary>
    public ReadOnlyMemory<byte>? Payload { get; init; }

    /// <summary>require_reply: a reply must arrive.</summary>
    public bool RequireReply { get; init; }

    /// <summary>require_reply HEX_STR as pattern: null nibbles are wildcards (X); compared up to the shorter length.</summary>
    public IReadOnlyList<byte?>? ReplyNibbles { get; init; }

    /// <summary>min_reply_length (default 0).</summary>
    public int MinReplyLength { get; init; }

    /// <summary>max_reply_length (default 255).</summary>
    public int MaxReplyLength { get; init; } = 255;

    /// <inheritdoc/>
    public override string Kind => "UDP_CHECK";
}

/// <summary>VIP_CHECK (LvsHa, beyond keepalived): proves that a DR/TUN real server accepts traffic for the VIP.</summary>
/// <remarks>A real server that lost its VIP on lo/tunl0 still passes TCP_CHECK on its own address but drops every
/// packet the director forwards to it. This check opens a TCP connection to VIP:port that leaves the director the
/// way forwarded traffic does: from a probe network namespace (the director itself owns the VIP, so a connect from
/// the host would stay local) whose policy routing sends packets carrying <see cref="Mark"/> to this real server —
/// for DR a route "VIP via RS onlink" over a macvlan on the real servers' segment, for TUN a route over an IPIP
/// tunnel to the real server. The real server answers the probe address directly, as it answers clients. The
/// daemon creates the namespace, the per-real-server mark, rule and route (netlink); the check only connects.</remarks>
/// <param name="Vip">The virtual service's address and port.</param>
/// <param name="ProbeNamespace">Path of the probe network namespace (e.g. /run/netns/lvsha-probe).</param>
/// <param name="Mark">SO_MARK selecting this real server's route in the probe namespace.</param>
public sealed record VipCheckSpec(System.Net.IPEndPoint Vip, string ProbeNamespace, uint Mark) : CheckerSpec
{
    /// <inheritdoc/>
    public override string Kind => "VIP_CHECK";
}

/// <summary>FILE_CHECK: follows the number in a tracked file (keepalived 2.2.7 check_file.c, track_file.c). Not
/// polled: its state is the file's, known at start and changed as soon as the file changes; no timing, no alpha.</summary>
/// <param name="Path">The track_file block's file.</param>
/// <param name="Weight">0: a non-zero number fails the checker; otherwise the number times the weight is added to the
/// real server's weight.</param>
/// <param name="Reverse">The number counts the other way round (with weight 0: zero fails).</param>
public sealed record FileCheckSpec(string Path, int Weight, bool Reverse) : CheckerSpec
{
    /// <inheritdoc/>
    public override string Kind => "FILE_CHECK";

    /// <summary>What the file's <paramref name="number"/> means for the checker (keepalived's update_track_file_status):
    /// with weight 0, up when it is 0 (reverse: when it is not); otherwise up with number x weight (negated by
    /// reverse) added to the real server's weight, down when that reaches keepalived's fault value (int.MinValue).</summary>
    public FileCheckVerdict Judge(long number)
    {
        if (Weight == 0)
            return new FileCheckVerdict((number == 0) != Reverse, 0);
        // |number| <= 2^31 and |Weight| < 2^31: the product fits in a long.
        var delta = number * Weight * (Reverse ? -1 : 1);
        return delta <= int.MinValue
            ? new FileCheckVerdict(false, 0)
            : new FileCheckVerdict(true, (int)Math.Min(delta, int.MaxValue));
    }
}

/// <summary>A FILE_CHECK's state for one reading of its file.</summary>
/// <param name="Up">Whether the checker passes.</param>
/// <param name="WeightDelta">Added to the real server's configured weight while it passes.</param>
public readonly record struct FileCheckVerdict(bool Up, int WeightDelta);
