namespace LvsHa.Health.Model;

/// <summary>The resolved timing of one checker: its own keys, else its real server's, else its virtual service's,
/// else keepalived 2.2.7's defaults (keepalived.conf(5): delay_loop 60 s, connect_timeout 5 s, retry 1 but 3 for
/// DNS_CHECK and 0 for MISC_CHECK, delay_before_retry 3 s for HTTP_GET/SSL_GET, delay_loop for DNS_CHECK and 1 s
/// otherwise, warmup on by default with its maximum at delay_loop).</summary>
public sealed record CheckerTiming(
    TimeSpan DelayLoop,
    TimeSpan ConnectTimeout,
    int Retry,
    TimeSpan DelayBeforeRetry,
    TimeSpan Warmup,
    bool Alpha)
{
    /// <summary>keepalived's delay_loop default.</summary>
    public static readonly TimeSpan DefaultDelayLoop = TimeSpan.FromSeconds(60);

    /// <summary>keepalived's connect_timeout default.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The per-attempt time limit: misc_timeout (default delay_loop) for MISC_CHECK, else connect_timeout.</summary>
    public TimeSpan AttemptTimeout { get; init; }

    /// <summary>Resolves a checker's timing from the three levels of configuration.</summary>
    public static CheckerTiming Resolve(CheckerSpec checker, TimingKeys realServer, TimingKeys virtualService)
    {
        ArgumentNullException.ThrowIfNull(checker);
        ArgumentNullException.ThrowIfNull(realServer);
        ArgumentNullException.ThrowIfNull(virtualService);
        var own = checker.Timing;
        var delayLoop = own.DelayLoop ?? realServer.DelayLoop ?? virtualService.DelayLoop ?? DefaultDelayLoop;
        var retry = own.Retry ?? realServer.Retry ?? virtualService.Retry ?? checker switch
        {
            DnsCheckSpec => 3,
            MiscCheckSpec => 0,
            _ => 1,
        };
        var delayBeforeRetry = own.DelayBeforeRetry ?? realServer.DelayBeforeRetry ?? virtualService.DelayBeforeRetry
            ?? checker switch
            {
                DnsCheckSpec => delayLoop,
                HttpCheckSpec => TimeSpan.FromSeconds(3),
                _ => TimeSpan.FromSeconds(1),
            };
        var connectTimeout = own.ConnectTimeout ?? realServer.ConnectTimeout ?? virtualService.ConnectTimeout
            ?? DefaultConnectTimeout;
        var warmup = own.Warmup ?? realServer.Warmup ?? virtualService.Warmup ?? delayLoop;
        var alpha = own.Alpha ?? realServer.Alpha ?? virtualService.Alpha ?? false;
        var attemptTimeout = checker is MiscCheckSpec misc ? misc.Timeout ?? delayLoop : connectTimeout;
        return new CheckerTiming(delayLoop, connectTimeout, Math.Max(0, retry), delayBeforeRetry, warmup, alpha)
        {
            AttemptTimeout = attemptTimeout,
        };
    }
}
