using System.Net;
using LvsHa.Config.Syntax;

namespace LvsHa.Config.Building;

// Mutable drafts hold what was written (null = not written) until inheritance and keepalived's defaults are
// applied in one place; the model records stay immutable.

/// <summary>Timing and state settings a virtual server, a real server and a checker each may set.</summary>
internal sealed class TimingDraft
{
    public TimeSpan? ConnectTimeout;
    public int? Retry;
    public TimeSpan? DelayBeforeRetry;
    public TimeSpan? Warmup;
    public TimeSpan? DelayLoop;
    public bool? Alpha;
    public bool? InhibitOnFailure;
}

internal sealed class SorryServerDraft
{
    public required IPAddress Address;
    public int Port;
    public required SourceLocation Location;
}

internal sealed class VirtualServerDraft
{
    public required string Name;
    public required SourceLocation Location;
    public IPAddress? Address;
    public int Port;
    public uint Fwmark;
    public string? GroupName;
    public Scheduler? Scheduler;
    public SchedulerFlags Flags;
    public bool Ops;
    public SourceLocation OpsLocation;
    public ForwardingMethod? Method;
    public int? PersistenceTimeout;
    public IPAddress? Granularity;
    public int? GranularityPrefix;
    public SourceLocation GranularityLocation;
    public string? PersistenceEngine;
    public ServiceProtocol? Protocol;
    public int Quorum = 1;
    public SourceLocation QuorumLocation;
    public int Hysteresis;
    public NotifyScript? QuorumUp;
    public NotifyScript? QuorumDown;
    public SorryServerDraft? Sorry;
    public bool SorryInhibit;
    public ForwardingMethod? SorryMethod;
    public bool Omega;
    public bool HaSuspend;
    public SourceLocation? AnnounceBgp;
    public bool? SmtpAlert;
    public int Weight = 1;
    public IpFamily? IpFamily;
    public string? Virtualhost;
    public readonly TimingDraft Timing = new();
    public readonly List<RealServerDraft> RealServers = [];
    public int RealServerStatements;
}

internal sealed class RealServerDraft
{
    public required IPAddress Address;
    public int? Port;
    public required SourceLocation Location;
    public string? SshHost;
    public int? Weight;
    public ForwardingMethod? Method;
    public int UpperThreshold;
    public int LowerThreshold;
    public NotifyScript? NotifyUp;
    public NotifyScript? NotifyDown;
    public string? Virtualhost;
    public bool? SmtpAlert;
    public readonly TimingDraft Timing = new();
    public readonly List<CheckerDraft> Checkers = [];
}

internal sealed class CheckerDraft
{
    public required string Keyword;
    public required SourceLocation Location;
    public readonly TimingDraft Timing = new();
    public IPAddress? ConnectIp;
    public int? ConnectPort;
    public IPAddress? BindTo;
    public int BindPort;
    public string? BindInterface;
    public uint Fwmark;
    // HTTP_GET / SSL_GET
    public readonly List<UrlCheck> Urls = [];
    public string? Virtualhost;
    public string HttpProtocol = "1.0";
    public bool EnableSni;
    // MISC_CHECK
    public string? MiscPath;
    public TimeSpan? MiscTimeout;
    public bool MiscDynamic;
    public string? User;
    // DNS_CHECK
    public string DnsType = "SOA";
    public string DnsName = ".";
    public SourceLocation? DnsNameLocation;
    // UDP_CHECK
    public string? Payload;
    public bool RequireReply;
    public string? ReplyPattern;
    // SMTP_CHECK
    public string? HeloName;
    // FILE_CHECK: the track_file named (resolved once every block is read) and the checker's own weight, if any.
    public SyntaxWord? TrackFile;
    public SourceLocation? FileWeightLocation;
    public int? FileWeight;
    public bool FileReverse;
    public readonly List<CheckerDraft> Hosts = [];

    /// <summary>Whether a connection keyword or connect_timeout was written in the block itself.</summary>
    public bool HasConnectionKeywords => ConnectIp is not null || ConnectPort is not null || BindTo is not null || BindPort != 0
        || BindInterface is not null || Fwmark != 0 || Timing.ConnectTimeout is not null;
}

internal sealed class NotifyDraft
{
    public NotifyScript? Notify;
    public NotifyScript? Master;
    public NotifyScript? Backup;
    public NotifyScript? Fault;
    public NotifyScript? Stop;
}
