using System.Net;
using LvsHa.Health.Model;

namespace LvsHa.Health.Checkers;

/// <summary>Builds the checker for a <see cref="CheckerSpec"/> of a real server.</summary>
public static class HealthCheckFactory
{
    /// <summary>Creates the checker, applying connect_ip/connect_port/bindto/bind_port and the virtualhost fallbacks.</summary>
    public static IHealthCheck Create(
        CheckerSpec spec,
        RealServerHealthSettings realServer,
        VirtualServiceHealthSettings virtualService,
        CheckerTiming timing)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(realServer);
        ArgumentNullException.ThrowIfNull(virtualService);
        ArgumentNullException.ThrowIfNull(timing);
        var target = Target(spec, realServer);
        return spec switch
        {
            TcpCheckSpec => new TcpCheck(target),
            PingCheckSpec => new PingCheck(target),
            HttpCheckSpec http => new HttpCheck(http, target, realServer.VirtualHost ?? virtualService.VirtualHost),
            MiscCheckSpec misc => new MiscCheck(misc),
            DnsCheckSpec dns => new DnsCheck(dns, target),
            SmtpCheckSpec smtp => new SmtpCheck(smtp, target),
            VipCheckSpec vip => new VipCheck(vip),
            UdpCheckSpec udp => new UdpCheck(udp, target, timing.ConnectTimeout * 0.9),
            _ => throw new ArgumentException($"no checker for {spec.Kind}", nameof(spec)),
        };
    }

    /// <summary>Where a checker connects: connect_ip/connect_port over the real server, bindto, bind_port, bind_if,
    /// fwmark.</summary>
    internal static CheckTarget Target(CheckerSpec spec, RealServerHealthSettings realServer) => new(
        new IPEndPoint(spec.ConnectIp ?? realServer.Endpoint.Address, spec.ConnectPort ?? realServer.Endpoint.Port),
        spec.BindTo,
        spec.BindPort,
        spec.BindInterface,
        spec.Fwmark);
}
