using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LvsHa.Config;
using LvsHa.Director.Daemon;
using LvsHa.Director.Tests.Lab;
using LvsHa.Director.Tests.Vrrp;
using LvsHa.Testing;

namespace LvsHa.Director.Tests.Alerts;

/// <summary>
/// Mail alerts against a real SMTP sink (tests/lab/smtp-sink.py in the lab's client namespace), keepalived 2.2.7 in
/// the same run: each runs alone with the same keepalived.conf (global smtp_alert, no other setting but the mail
/// ones), becomes MASTER and is stopped. Both start in BACKUP (keepalived 2.2.7 does even with `state MASTER`)
/// and mail it; lvsha must send keepalived's subjects and bodies, and its Stopping mail too (keepalived's often
/// does not leave before it exits).
/// </summary>
public sealed class MailAlertLabTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Run_SmtpAlert_MailsMasterAndStop_AsKeepalivedDoes()
    {
        using var lab = new VrrpLab(2, output);
        var mailDir = Path.Combine(lab.Directory, "mail");
        lab.Start(VrrpLab.ClientNode, ["python3", MailSink.Script(), lab.Address(VrrpLab.ClientNode), "2525", mailDir]);
        await LabCluster.WaitForAsync(
            () => Task.FromResult(lab.Log(VrrpLab.ClientNode).Contains("listening", StringComparison.Ordinal)), TimeSpan.FromSeconds(20), "the SMTP sink listens");
        var config = lab.WriteFile("keepalived.conf", Config(lab, $"router_id lab\nnotification_email {{\nops@example.test\noncall@example.test\n}}\nsmtp_server {lab.Address(VrrpLab.ClientNode)} 2525"));

        var keepalived = await RunAndStopAsync(lab, 1, mailDir, () => lab.StartKeepalived(1, config));
        var lvsha = await RunAndStopAsync(lab, 2, mailDir, () => lab.Start(2, config));

        output.WriteLine("keepalived:\n" + string.Join('\n', keepalived) + "\nlvsha:\n" + string.Join('\n', lvsha));
        Assert.Equal(
            [
                "Subject: [lab] VRRP Instance VI_1 - Entering BACKUP state | => VRRP Instance is no longer owning VRRP VIPs <=",
                "Subject: [lab] VRRP Instance VI_1 - Entering MASTER state | => VRRP Instance is now owning VRRP VIPs <=",
                "Subject: [lab] VRRP Instance VI_1 - Stopping | => VRRP Instance stopping <=",
            ],
            lvsha);
        Assert.Equal(keepalived, lvsha.Take(keepalived.Count));
        Assert.True(keepalived.Count >= 2, "keepalived mailed BACKUP and MASTER");
    }

    /// <summary>
    /// The health check mails of a whole daemon, as `lvsha run` runs it (DirectorDaemon.RunAsync), delivered over SMTP
    /// to the sink: real TCP_CHECKs against two listeners of one real server, the kernel's IPVS in memory (this test's
    /// kernel has no ip_vs, which `lvsha run` with a virtual_server needs). Each mail is keepalived 2.2.7's: the
    /// quorum it starts with (ipwrapper.c init_service_vs), every checker's change even while the real server stays
    /// down (check_tcp.c tcp_epilog), and with omega the stop (clear_services).
    /// </summary>
    [Fact]
    public async Task Run_VirtualServerSmtpAlert_MailsStartCheckersAndShutdown_AsKeepalived()
    {
        var directory = Path.Combine(Path.GetTempPath(), "lvsha-mail-" + Guid.NewGuid().ToString("N"));
        var mailDir = Path.Combine(directory, "mail");
        Directory.CreateDirectory(directory);
        var smtpPort = FreePort();
        var address = IPAddress.Parse("127.0.0.31");
        var (port1, port2) = (FreePort(), FreePort());
        var listeners = new Dictionary<int, TcpListener>();
        void Listen(int port, bool on)
        {
            if (on)
            {
                listeners[port] = new TcpListener(address, port);
                listeners[port].Start(512);
            }
            else
            {
                listeners[port].Dispose();
            }
        }

        using var sink = Process.Start(new ProcessStartInfo("python3", [MailSink.Script(), "127.0.0.1", smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), mailDir])
        {
            RedirectStandardOutput = true,
        })!;
        using var stop = new CancellationTokenSource();
        Task<int>? daemon = null;
        try
        {
            Assert.Equal("listening", await sink.StandardOutput.ReadLineAsync());
            Listen(port1, true);
            Listen(port2, true);
            var configPath = Path.Combine(directory, "lvsha.conf");
            File.WriteAllText(configPath, $$"""
                global_defs {
                    router_id lab
                    notification_email {
                        ops@example.test
                    }
                    notification_email_from lb@example.test
                    smtp_server 127.0.0.1 {{smtpPort}}
                    smtp_connect_timeout 5
                    smtp_alert
                }
                virtual_server 10.0.0.1 80 {
                    protocol TCP
                    lb_kind NAT
                    delay_loop 1
                    omega
                    real_server {{address}} 8080 {
                        TCP_CHECK {
                            connect_port {{port1}}
                            connect_timeout 1
                            retry 0
                            warmup 0
                        }
                        TCP_CHECK {
                            connect_port {{port2}}
                            connect_timeout 1
                            retry 0
                            warmup 0
                        }
                    }
                }
                """);
            var config = ConfigLoader.LoadOrThrow(configPath);
            daemon = Task.Run(() => DirectorDaemon.RunAsync(
                config, new DaemonRunOptions { ControlSocket = Path.Combine(directory, "lvsha.sock"), ConfigPath = configPath, NodeName = "lab" }, new InMemoryIpvs(), stop.Token));

            await MailsAsync(mailDir, 1);
            foreach (var (port, on, count) in new[] { (port1, false, 3), (port2, false, 4), (port1, true, 5), (port2, true, 7) })
            {
                Listen(port, on);
                await MailsAsync(mailDir, count);
            }

            await stop.CancelAsync();
            await daemon.WaitAsync(TimeSpan.FromSeconds(30));
            await MailsAsync(mailDir, 9);
            await Task.Delay(1000);

            var mails = MailSink.Files(mailDir).Select(File.ReadAllText).ToList();
            output.WriteLine(string.Join('\n', mails.Select(MailSink.Summary)));
            const string Rs = "Subject: [lab] Realserver [127.0.0.31]:tcp:8080 of virtual server [10.0.0.1]:tcp:80";
            const string Vs = "Subject: [lab] Virtualserver [10.0.0.1]:tcp:80";
            Assert.Equal(
                [
                    $"{Vs} - UP | => Starting with quorum up 1+0=1 <= 1 <=",
                    $"{Vs} - DOWN | => Lost quorum 1+0=1 <= 0 <=",
                    $"{Rs} - DOWN | => TCP CHECK failed on service <=",
                    $"{Rs} - DOWN | => TCP CHECK failed on service <=",
                    $"{Rs} - DOWN | => TCP CHECK succeed on service <=",
                    $"{Vs} - UP | => Gained quorum 1+0=1 <= 1 <=",
                    $"{Rs} - UP | => TCP CHECK succeed on service <=",
                    $"{Rs} - DOWN | => Shutting down <=",
                    $"{Vs} - DOWN | => Shutting down <=",
                ],
                mails.Select(MailSink.Summary));
            Assert.All(mails, m => Assert.Matches(@"(?mi)^To: .*ops@example\.test", m));
        }
        finally
        {
            await stop.CancelAsync();
            if (daemon is not null)
                await daemon.WaitAsync(TimeSpan.FromSeconds(30));
            sink.Kill();
            foreach (var listener in listeners.Values)
                listener.Dispose();
            Directory.Delete(directory, recursive: true);
        }

        static int FreePort()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        static Task MailsAsync(string dir, int count) => LabCluster.WaitForAsync(
            () => Task.FromResult(MailSink.Files(dir).Count >= count), TimeSpan.FromSeconds(15), $"{count} mails");
    }

    /// <summary>
    /// A reload moves the mail alerts to another SMTP server (director 2's namespace, another port), recipients and
    /// router_id: the next alert (the Stopping mail) goes there with the new words, none to the old server. The same
    /// reload adds metrics_listen, which it answers needs a restart (the listener is bound at start), again at the
    /// next reload of the same file.
    /// </summary>
    [Fact]
    public async Task Reload_MailSettings_NextAlertReachesTheNewServer_MetricsListenNeedsARestart()
    {
        using var lab = new VrrpLab(2, output);
        var (oldDir, newDir) = (Path.Combine(lab.Directory, "mail-old"), Path.Combine(lab.Directory, "mail-new"));
        lab.Start(VrrpLab.ClientNode, ["python3", MailSink.Script(), lab.Address(VrrpLab.ClientNode), "2525", oldDir]);
        lab.Start(2, ["python3", MailSink.Script(), lab.Address(2), "2526", newDir]);
        await LabCluster.WaitForAsync(
            () => Task.FromResult(lab.Log(VrrpLab.ClientNode).Contains("listening", StringComparison.Ordinal) && lab.Log(2).Contains("listening", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), "both SMTP sinks listen");
        var config = lab.WriteFile("lvsha.conf", Config(lab, $"router_id lab\nnotification_email {{\nops@example.test\n}}\nsmtp_server {lab.Address(VrrpLab.ClientNode)} 2525"));
        lab.Start(1, config);
        await lab.WaitForSoleHolderAsync(1, [], Startup);
        await LabCluster.WaitForAsync(
            () => Task.FromResult(MailSink.Files(oldDir).Any(m => File.ReadAllText(m).Contains("Entering MASTER state", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(20), $"the MASTER mail at the first server\n{lab.Log(1)}");

        File.WriteAllText(config, Config(lab, $"router_id lab2\nnotification_email {{\noncall@example.test\n}}\nsmtp_server {lab.Address(2)} 2526\nmetrics_listen 127.0.0.1 9591"));
        for (var reload = 1; reload <= 2; reload++)
        {
            var (code, reply) = VrrpLab.Lvsha("reload", "--control-socket", lab.SocketPath(1));
            output.WriteLine($"reload {reload}:\n{reply}");
            Assert.True(code == 0, reply);
            Assert.Contains("warning: global_defs metrics_listen: takes effect at the next restart", reply, StringComparison.Ordinal);
            Assert.Equal(reload == 1, reply.Contains("global_defs router_id, notification_email / smtp_server / smtp_* mail settings applied", StringComparison.Ordinal));
        }

        var oldCount = MailSink.Files(oldDir).Count;
        lab.Signal(1, Tmds.Linux.LibC.SIGTERM);
        Assert.True(lab.HasExited(1, TimeSpan.FromSeconds(20)), "director 1 stops");
        await LabCluster.WaitForAsync(
            () => Task.FromResult(MailSink.Files(newDir).Count > 0), TimeSpan.FromSeconds(5), $"the Stopping mail at the new server\n{lab.Log(1)}");
        var mails = MailSink.Files(newDir).Select(File.ReadAllText).ToList();
        Assert.Equal(["Subject: [lab2] VRRP Instance VI_1 - Stopping | => VRRP Instance stopping <="], mails.Select(MailSink.Summary));
        Assert.Matches(@"(?mi)^To: .*oncall@example\.test", mails[0]);
        Assert.DoesNotContain("ops@example.test", mails[0], StringComparison.Ordinal);
        Assert.Equal(oldCount, MailSink.Files(oldDir).Count);
    }

    // keepalived.conf of the mail labs: global smtp_alert, sender and timeout, the mail settings
    // GLOBALS (server, recipients, router_id...) and VI_1, MASTER at priority 150.
    private static string Config(VrrpLab lab, string globals) => $$"""
        global_defs {
        {{globals}}
            notification_email_from lb@example.test
            smtp_connect_timeout 5
            smtp_alert
        }
        vrrp_instance VI_1 {
            state MASTER
            interface eth0
            virtual_router_id 51
            priority 150
            advert_int 1
            virtual_ipaddress {
                {{lab.Vip}}/24 dev eth0
            }
        }

        """;

    // Starts one director, waits for its MASTER mail, stops it (SIGTERM) and gives its last mails 2 s; returns each
    // new mail as "Subject: ... | body", after checking sender and recipients.
    private static async Task<List<string>> RunAndStopAsync(VrrpLab lab, int node, string mailDir, Action start)
    {
        var before = MailSink.Files(mailDir).Count;
        start();
        await lab.WaitForSoleHolderAsync(node, [], Startup);
        await LabCluster.WaitForAsync(
            () => Task.FromResult(MailSink.Files(mailDir).Skip(before).Any(m => File.ReadAllText(m).Contains("MASTER", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(20), $"director {node}'s MASTER mail\n{lab.Log(node)}");
        lab.Signal(node, Tmds.Linux.LibC.SIGTERM);
        Assert.True(lab.HasExited(node, TimeSpan.FromSeconds(20)), $"director {node} stops");
        await Task.Delay(2000);
        var mails = MailSink.Files(mailDir).Skip(before).Select(File.ReadAllText).ToList();
        foreach (var mail in mails)
        {
            Assert.Matches(@"(?mi)^From: .*lb@example\.test", mail);
            Assert.Matches(@"(?mi)^To: .*ops@example\.test.*oncall@example\.test", mail);
        }

        return [.. mails.Select(MailSink.Summary)];
    }
}
