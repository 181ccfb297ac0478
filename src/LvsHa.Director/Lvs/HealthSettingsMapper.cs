using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using LvsHa.Config;
using LvsHa.Health.Model;

namespace LvsHa.Director.Lvs;

/// <summary>A virtual_server block and the health settings it maps to (the settings' Name identifies it in decisions).</summary>
public sealed record MappedVirtualService(VirtualServer VirtualServer, VirtualServiceHealthSettings Settings)
{
    /// <summary>The name carried by every health decision of this virtual server.</summary>
    public string Name => Settings.Name;
}

/// <summary>
/// Maps the loaded configuration onto LvsHa.Health's inputs. Pure but for the scripts' users and paths, which
/// <see cref="Security.ScriptPolicy"/> resolves and judges on this machine. The config model has already resolved keepalived's
/// inheritance (checker -> real_server -> virtual_server -> default), so every checker gets its resolved timing as its
/// own keys; the real server and virtual server levels carry only what they set (delay_loop, alpha).
/// </summary>
public static class HealthSettingsMapper
{
    /// <summary>One entry per virtual_server block, in file order; names are unique (a repeated name gets " #n").</summary>
    /// <exception cref="ConfigException">A script may not run (<see cref="Security.ScriptPolicy"/>: its line, user or
    /// path), with the file:line of the script.</exception>
    public static ImmutableArray<MappedVirtualService> Map(LvsHaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var scripts = Security.ScriptPolicy.For(config.Global);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var mapped = ImmutableArray.CreateBuilder<MappedVirtualService>(config.VirtualServers.Count);
        foreach (var virtualServer in config.VirtualServers)
        {
            var name = virtualServer.Name;
            for (var n = 2; !names.Add(name); n++)
                name = virtualServer.Name + " #" + n.ToString(CultureInfo.InvariantCulture);
            mapped.Add(new MappedVirtualService(virtualServer, Map(virtualServer, name, scripts)));
        }
        return mapped.MoveToImmutable();
    }

    private static VirtualServiceHealthSettings Map(VirtualServer virtualServer, string name, Security.ScriptPolicy scripts)
    {
        return new VirtualServiceHealthSettings(name)
        {
            RealServers = virtualServer.RealServers.Select(r => Map(r, scripts)).ToArray(),
            Quorum = virtualServer.Quorum,
            Hysteresis = virtualServer.Hysteresis,
            QuorumUp = scripts.Command(virtualServer.QuorumUp),
            QuorumDown = scripts.Command(virtualServer.QuorumDown),
            SorryServer = virtualServer.SorryServer is { } sorry ? new IPEndPoint(sorry.Address, sorry.Port) : null,
            SorryServerInhibit = virtualServer.SorryServer?.Inhibit ?? false,
            Omega = virtualServer.Omega,
            InhibitOnFailure = virtualServer.InhibitOnFailure,
            VirtualHost = virtualServer.Virtualhost,
            Timing = new TimingKeys { DelayLoop = virtualServer.DelayLoop, Alpha = virtualServer.Alpha },
        };
    }

    /// <summary>The health endpoint of a real server: its address and configured port (the key of its decisions).</summary>
    public static IPEndPoint Endpoint(RealServer realServer)
    {
        ArgumentNullException.ThrowIfNull(realServer);
        return new IPEndPoint(realServer.Address, realServer.Port);
    }

    private static RealServerHealthSettings Map(RealServer realServer, Security.ScriptPolicy scripts) =>
        new(Endpoint(realServer), realServer.Weight)
        {
            Checkers = realServer.Checkers.Select(c => Map(c, realServer, scripts)).ToArray(),
            InhibitOnFailure = realServer.InhibitOnFailure,
            NotifyUp = scripts.Command(realServer.NotifyUp),
            NotifyDown = scripts.Command(realServer.NotifyDown),
            VirtualHost = realServer.Virtualhost,
            Timing = new TimingKeys { DelayLoop = realServer.DelayLoop, Alpha = realServer.Alpha },
        };

    // One checker, with bind_if, its fwmark and MISC_CHECK's user; FILE_CHECK with its file only.
    private static CheckerSpec Map(HealthChecker checker, RealServer realServer, Security.ScriptPolicy scripts)
    {
        CheckerSpec spec = checker switch
        {
            TcpChecker => new TcpCheckSpec(),
            PingChecker => new PingCheckSpec(),
            HttpChecker http => new HttpCheckSpec
            {
                Urls = http.Urls.Select(Url).ToArray(),
                Protocol = http.HttpProtocol switch
                {
                    "1.0C" or "1.0c" => HttpProtocol.Http10Close,
                    "1.1" => HttpProtocol.Http11,
                    _ => HttpProtocol.Http10,
                },
                VirtualHost = http.Virtualhost,
                UseTls = http.UseTls,
                EnableSni = http.EnableSni,
            },
            MiscChecker misc => new MiscCheckSpec(misc.Path) { Timeout = misc.Timeout, Dynamic = misc.Dynamic, User = scripts.Command(misc.Path, misc.User, misc.Location).User },
            DnsChecker dns => new DnsCheckSpec { Type = dns.QueryType, Name = dns.QueryName },
            UdpChecker udp => new UdpCheckSpec
            {
                Payload = udp.Payload is { Length: > 0 } payload ? Convert.FromHexString(EvenHex(payload)) : null,
                RequireReply = udp.RequireReply,
                ReplyNibbles = udp.ReplyPattern is { Length: > 0 } pattern ? Nibbles(pattern) : null,
            },
            SmtpChecker smtp => new SmtpCheckSpec { HeloName = smtp.HeloName ?? SmtpCheckSpec.DefaultHeloName },
            FileChecker file => new FileCheckSpec(file.Path, file.Weight, file.Reverse),
            _ => throw new ArgumentException($"no health checker for {checker.Keyword}", nameof(checker)),
        };

        // A FILE_CHECK connects nowhere and has no timing: its file is its state.
        if (spec is FileCheckSpec)
            return spec;

        // connect_ip / connect_port default to the real server's address and port (resolved by the loader);
        // a MISC_CHECK connects nowhere.
        var connects = checker is not MiscChecker;
        var connectIp = checker.ConnectIp.Equals(IPAddress.Any) ? realServer.Address : checker.ConnectIp;
        return spec with
        {
            ConnectIp = connects ? connectIp : null,
            ConnectPort = connects ? (checker.ConnectPort != 0 ? checker.ConnectPort : realServer.Port) : null,
            BindTo = checker.BindTo,
            BindPort = checker.BindPort != 0 ? checker.BindPort : null,
            BindInterface = connects ? checker.BindInterface : null,
            Fwmark = connects && checker.Fwmark != 0 ? checker.Fwmark : null,
            Timing = new TimingKeys
            {
                ConnectTimeout = checker.ConnectTimeout,
                Retry = checker.Retry,
                DelayBeforeRetry = checker.DelayBeforeRetry,
                Warmup = checker.Warmup,
                DelayLoop = checker.DelayLoop,
                Alpha = checker.Alpha,
            },
        };
    }

    private static HttpUrlSpec Url(UrlCheck url) => new(
        url.Path,
        url.Digest,
        url.StatusCodes.Count == 0 ? null : url.StatusCodes.Select(code => new StatusCodeRange(code, code)).ToArray(),
        url.Virtualhost);

    // An odd number of hex digits ends in half a byte: it is sent as its high nibble.
    private static string EvenHex(string hex) => hex.Length % 2 == 0 ? hex : hex + "0";

    private static byte?[] Nibbles(string pattern) =>
        pattern.Select(c => c is 'x' or 'X' ? (byte?)null : (byte)Convert.ToInt32(c.ToString(), 16)).ToArray();
}
