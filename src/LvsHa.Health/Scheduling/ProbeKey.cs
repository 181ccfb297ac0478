using LvsHa.Health.Checkers;
using LvsHa.Health.Model;

namespace LvsHa.Health.Scheduling;

/// <summary>Everything a probe's attempts depend on: where it connects (the real server or connect_ip/connect_port,
/// bindto, bind_port, bind_if, fwmark), the checker block with every parameter, the virtualhost an HTTP check falls
/// back on, and the resolved timing (delay_loop, connect_timeout, retry, delay_before_retry, warmup, alpha,
/// misc_timeout). Checkers of any virtual service with equal keys make the same attempts at the same times, so one
/// probe can feed them all; checkers that differ in anything have different keys.</summary>
/// <remarks>The checker records' own equality compares lists (urls, status codes, UDP payload and reply pattern) by
/// reference, which would keep two identical configured checks apart: those are compared element by element here.
/// The checker's own timing keys are left out, their resolved values are in the timing.</remarks>
internal sealed class ProbeKey : IEquatable<ProbeKey>
{
    private static readonly IReadOnlyList<HttpUrlSpec> NoUrls = [];
    private static readonly IReadOnlyList<StatusCodeRange> NoStatusCodes = [];

    private readonly CheckerSpec spec;
    private readonly CheckTarget target;
    private readonly string? virtualHost;
    private readonly CheckerTiming timing;

    private ProbeKey(CheckerSpec spec, CheckTarget target, string? virtualHost, CheckerTiming timing)
    {
        this.spec = spec;
        this.target = target;
        this.virtualHost = virtualHost;
        this.timing = timing;
    }

    /// <summary>The key of one checker of a real server of a virtual service.</summary>
    public static ProbeKey Of(CheckerSpec spec, RealServerHealthSettings realServer, VirtualServiceHealthSettings virtualService, CheckerTiming timing) => new(
        spec with { Timing = TimingKeys.None },
        HealthCheckFactory.Target(spec, realServer),
        spec is HttpCheckSpec ? realServer.VirtualHost ?? virtualService.VirtualHost : null,
        timing);

    /// <inheritdoc/>
    public bool Equals(ProbeKey? other) =>
        other is not null
        && target.Equals(other.target)
        && timing.Equals(other.timing)
        && string.Equals(virtualHost, other.virtualHost, StringComparison.Ordinal)
        && SameChecker(spec, other.spec);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ProbeKey);

    /// <summary>The checker and where it connects, for logs.</summary>
    public override string ToString() => $"{spec.Kind} {target}";

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(spec.Kind, target, timing);

    private static bool SameChecker(CheckerSpec a, CheckerSpec b) => (a, b) switch
    {
        (HttpCheckSpec x, HttpCheckSpec y) =>
            x with { Urls = NoUrls } == y with { Urls = NoUrls } && x.Urls.SequenceEqual(y.Urls, UrlComparer.Instance),
        (UdpCheckSpec x, UdpCheckSpec y) =>
            x with { Payload = null, ReplyNibbles = null } == y with { Payload = null, ReplyNibbles = null }
            && x.Payload.HasValue == y.Payload.HasValue
            && (!x.Payload.HasValue || x.Payload.Value.Span.SequenceEqual(y.Payload!.Value.Span))
            && (x.ReplyNibbles ?? []).SequenceEqual(y.ReplyNibbles ?? [])
            && (x.ReplyNibbles is null) == (y.ReplyNibbles is null),
        _ => a == b,
    };

    /// <summary>url blocks by value, their status code lists included.</summary>
    private sealed class UrlComparer : IEqualityComparer<HttpUrlSpec>
    {
        public static readonly UrlComparer Instance = new();

        public bool Equals(HttpUrlSpec? x, HttpUrlSpec? y) =>
            x is not null && y is not null
            && x with { StatusCodes = NoStatusCodes } == y with { StatusCodes = NoStatusCodes }
            && (x.StatusCodes ?? NoStatusCodes).SequenceEqual(y.StatusCodes ?? NoStatusCodes);

        public int GetHashCode(HttpUrlSpec obj) => obj.Path.GetHashCode(StringComparison.Ordinal);
    }
}
