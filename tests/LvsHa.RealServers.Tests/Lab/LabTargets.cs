using System.Net;
using LvsHa.RealServers.Model;
using LvsHa.RealServers.Running;

namespace LvsHa.RealServers.Tests.Lab;

/// <summary>Builds targets, settings and runs for lab tests.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class LabTargets
{
    public static readonly IPAddress Vip4 = IPAddress.Parse("192.168.77.10");
    public static readonly IPAddress Vip4b = IPAddress.Parse("192.168.77.11");
    public static readonly IPAddress Vip6 = IPAddress.Parse("fd00:77::10");

    public static PrepTarget Dr(RealServerNs rs, params IPAddress[] vips) =>
        new(rs.Address.ToString(), rs.Address, ForwardingMethodKind.DirectRouting, vips.Length > 0 ? vips : [Vip4, Vip6], rs.HostSide);

    public static SshSettings Settings(SshLab lab, string user = "root", int port = 22, bool persist = true) =>
        new(user, port, lab.ClientKey, lab.KnownHostsPath, persist);

    public static PrepareOptions Options(bool dryRun = false, bool undo = false) =>
        new(DryRun: dryRun, Undo: undo, Parallelism: 4, PerHostTimeout: TimeSpan.FromSeconds(60), Retries: 1, ConnectTimeout: TimeSpan.FromSeconds(5));

    public static void TrustAll(SshLab lab) =>
        File.WriteAllLines(lab.KnownHostsPath, lab.Servers.Select(rs => SshLab.KnownHostsLine(rs, rs.HostKeyEd25519)));

    public static Task<PrepareReport> Run(IReadOnlyList<PrepTarget> targets, SshSettings ssh, PrepareOptions options) =>
        PrepareRunner.RunAsync(targets, ssh, options, CancellationToken.None);

    public static string Show(PrepareReport report) => ReportFormatter.Format(report, showCommands: true);
}
