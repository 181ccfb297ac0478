using System.Net;
using System.Text.Json.Serialization;

namespace LvsHa.Config;

/// <summary>A real server's health check (TCP_CHECK, HTTP_GET, SSL_GET, MISC_CHECK, DNS_CHECK, UDP_CHECK, SMTP_CHECK,
/// PING_CHECK, FILE_CHECK).</summary>
/// <remarks>Inherited values (delay_loop, retry, ...) are already resolved with keepalived 2.2.7's defaults.</remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "checker")]
[JsonDerivedType(typeof(TcpChecker), "TCP_CHECK")]
[JsonDerivedType(typeof(HttpChecker), "HTTP")]
[JsonDerivedType(typeof(MiscChecker), "MISC_CHECK")]
[JsonDerivedType(typeof(DnsChecker), "DNS_CHECK")]
[JsonDerivedType(typeof(UdpChecker), "UDP_CHECK")]
[JsonDerivedType(typeof(SmtpChecker), "SMTP_CHECK")]
[JsonDerivedType(typeof(PingChecker), "PING_CHECK")]
[JsonDerivedType(typeof(FileChecker), "FILE_CHECK")]
public abstract record HealthChecker
{
    /// <summary>The keepalived keyword of this checker (e.g. "HTTP_GET").</summary>
    public abstract string Keyword { get; }

    /// <summary>Address to connect to (`connect_ip`); defaults to the real server's address.</summary>
    public IPAddress ConnectIp { get; init; } = IPAddress.Any;

    /// <summary>Port to connect to (`connect_port`); defaults to the real server's port (0 for MISC_CHECK).</summary>
    public int ConnectPort { get; init; }

    /// <summary>Source address (`bindto`), or null.</summary>
    public IPAddress? BindTo { get; init; }

    /// <summary>Source port (`bind_port`), 0 when not set.</summary>
    public int BindPort { get; init; }

    /// <summary>Interface to bind to (`bind_if`), or null.</summary>
    public string? BindInterface { get; init; }

    /// <summary>Firewall mark put on check packets (`fwmark`), 0 when not set.</summary>
    public uint Fwmark { get; init; }

    /// <summary>Connection timeout (`connect_timeout`, default 5 s).</summary>
    public TimeSpan ConnectTimeout { get; init; }

    /// <summary>Retries before the real server is declared down (`retry` / `nb_get_retry`).</summary>
    public int Retry { get; init; }

    /// <summary>Pause between retries (`delay_before_retry`).</summary>
    public TimeSpan DelayBeforeRetry { get; init; }

    /// <summary>Interval between checks (`delay_loop`).</summary>
    public TimeSpan DelayLoop { get; init; }

    /// <summary>Random delay before the first check (`warmup`), at most this long.</summary>
    public TimeSpan Warmup { get; init; }

    /// <summary>True when the checker starts in the failed state (`alpha` on the virtual server or checker).</summary>
    public bool Alpha { get; init; }

    /// <summary>Where the checker block starts.</summary>
    public SourceLocation Location { get; init; }
}

/// <summary>TCP_CHECK: a TCP connect succeeds.</summary>
public sealed record TcpChecker : HealthChecker
{
    /// <inheritdoc />
    public override string Keyword => "TCP_CHECK";
}

/// <summary>PING_CHECK: an ICMP (ICMPv6) echo request is answered within connect_timeout.</summary>
public sealed record PingChecker : HealthChecker
{
    /// <inheritdoc />
    public override string Keyword => "PING_CHECK";
}

/// <summary>One `url { }` of an HTTP_GET/SSL_GET check.</summary>
/// <param name="Path">Request path.</param>
/// <param name="StatusCodes">Accepted status codes (empty means any 2xx, as keepalived).</param>
/// <param name="Digest">Expected MD5 of the body (lower-case hex), or null.</param>
/// <param name="Virtualhost">Host header for this URL, or null to use the checker's.</param>
/// <param name="Location">Where the url block starts.</param>
public sealed record UrlCheck(string Path, IReadOnlyList<int> StatusCodes, string? Digest, string? Virtualhost,
    SourceLocation Location);

/// <summary>HTTP_GET or SSL_GET: fetch URLs and compare status code and/or digest.</summary>
public sealed record HttpChecker : HealthChecker
{
    /// <summary>True for SSL_GET.</summary>
    public required bool UseTls { get; init; }

    /// <inheritdoc />
    public override string Keyword => UseTls ? "SSL_GET" : "HTTP_GET";

    /// <summary>URLs to fetch.</summary>
    public required IReadOnlyList<UrlCheck> Urls { get; init; }

    /// <summary>Host header (`virtualhost` of the checker, else of the real/virtual server), or null.</summary>
    public string? Virtualhost { get; init; }

    /// <summary>HTTP version sent (`http_protocol`: "1.0", "1.0C", "1.1"; default "1.0").</summary>
    public string HttpProtocol { get; init; } = "1.0";

    /// <summary>Send SNI on SSL_GET (`enable_sni`).</summary>
    public bool EnableSni { get; init; }
}

/// <summary>MISC_CHECK: run a script; exit 0 means up.</summary>
public sealed record MiscChecker : HealthChecker
{
    /// <inheritdoc />
    public override string Keyword => "MISC_CHECK";

    /// <summary>Command line (`misc_path`).</summary>
    public required string Path { get; init; }

    /// <summary>Script timeout (`misc_timeout`; default delay_loop).</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>`misc_dynamic`: exit codes 2..255 set the weight to code-2.</summary>
    public bool Dynamic { get; init; }

    /// <summary>User to run as (`user`), or null for the default.</summary>
    public string? User { get; init; }
}

/// <summary>DNS_CHECK: a query is answered.</summary>
public sealed record DnsChecker : HealthChecker
{
    /// <inheritdoc />
    public override string Keyword => "DNS_CHECK";

    /// <summary>Query type (`type`, default "SOA").</summary>
    public string QueryType { get; init; } = "SOA";

    /// <summary>Query name (`name`, default ".").</summary>
    public string QueryName { get; init; } = ".";
}

/// <summary>UDP_CHECK: a datagram is sent and (optionally) a reply expected.</summary>
public sealed record UdpChecker : HealthChecker
{
    /// <inheritdoc />
    public override string Keyword => "UDP_CHECK";

    /// <summary>Payload as hex (`payload`), or null.</summary>
    public string? Payload { get; init; }

    /// <summary>`require_reply`: a reply must come (optionally matching a hex pattern).</summary>
    public bool RequireReply { get; init; }

    /// <summary>Expected reply as hex, or null.</summary>
    public string? ReplyPattern { get; init; }
}

/// <summary>SMTP_CHECK: an SMTP server greets and accepts HELO.</summary>
public sealed record SmtpChecker : HealthChecker
{
    /// <inheritdoc />
    public override string Keyword => "SMTP_CHECK";

    /// <summary>HELO name (`helo_name`), or null for the local host name.</summary>
    public string? HeloName { get; init; }
}

/// <summary>FILE_CHECK: follows a track_file block's file (keepalived 2.2.7 check/check_file.c).</summary>
/// <remarks>No connection and no timing: the state is the file's (read at start, then on every change), so the
/// inherited connection and timing values stay at their defaults and alpha is off, as keepalived clears it.</remarks>
public sealed record FileChecker : HealthChecker
{
    /// <inheritdoc />
    public override string Keyword => "FILE_CHECK";

    /// <summary>`track_file NAME`: the track_file block followed.</summary>
    public required string TrackFile { get; init; }

    /// <summary>That block's `file`.</summary>
    public required string Path { get; init; }

    /// <summary>`weight N` of the checker, else of the track_file block: 0 means a non-zero number fails the real
    /// server; otherwise the number times the weight is added to its weight.</summary>
    public required int Weight { get; init; }

    /// <summary>`weight N reverse` (of the checker, else of the track_file block): the number counts the other way round.</summary>
    public required bool Reverse { get; init; }
}
