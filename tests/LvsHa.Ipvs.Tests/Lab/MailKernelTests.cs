using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LvsHa.Testing;

namespace LvsHa.Ipvs.Tests.Lab;

/// <summary>
/// The checker and quorum mails side by side: keepalived 2.2.7 (its checker process) and `lvsha run` in turn on the
/// same keepalived.conf, against the real ip_vs kernel, mailing a local SMTP sink (tests/lab/smtp-sink.py). One real
/// server with two TCP_CHECKs on ports this test opens and closes; quorum 1 and omega, so the virtual server's quorum
/// and the stop mail too. Both daemons go through the same steps and each step's mails must be keepalived's. Within
/// a step the order is not compared: keepalived sends a step's mails over parallel SMTP connections, so they reach
/// the sink in either order.
/// </summary>
[Trait("Category", "Kernel")]
[Collection(KernelTableCollection.Name)]
public sealed class MailKernelTests : IDisposable
{
    private static readonly IPAddress RealServer = IPAddress.Parse("127.0.0.31");

    // A step's mails have all come once none came for this long (TCP_CHECK: delay_loop 1, connect_timeout 1).
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(3);

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("lvsha-mail-kernel-");
    private readonly Xunit.Abstractions.ITestOutputHelper _output;
    private readonly Dictionary<int, TcpListener> _listeners = [];

    public MailKernelTests(Xunit.Abstractions.ITestOutputHelper output)
    {
        _output = output;
        KernelLab.RequireIpvs();
        Ipvsadm.Clear();
    }

    public void Dispose()
    {
        foreach (var listener in _listeners.Values)
            listener.Dispose();
        if (KernelLab.HasIpvs)
            Ipvsadm.Clear();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public void CheckerQuorumAndStopMails_LvshaSendsKeepalivedsMailsStepByStep()
    {
        var smtpPort = FreePort(IPAddress.Loopback);
        var (port1, port2) = (FreePort(RealServer), FreePort(RealServer));
        var config = Path.Combine(_folder.FullName, "keepalived.conf");
        File.WriteAllText(config, $$"""
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
            virtual_server 10.9.0.31 80 {
                protocol TCP
                lb_kind NAT
                delay_loop 1
                quorum 1
                omega
                real_server {{RealServer}} 8080 {
                    TCP_CHECK {
                        connect_port {{port1}}
                        connect_timeout 1
                        retry 0
                    }
                    TCP_CHECK {
                        connect_port {{port2}}
                        connect_timeout 1
                        retry 0
                    }
                }
            }
            """);
        var mailDir = Path.Combine(_folder.FullName, "mail");
        using var sink = LabProcess.Start("python3", [MailSink.Script(), "127.0.0.1", smtpPort.ToString(CultureInfo.InvariantCulture), mailDir]);
        Assert.Equal("listening", sink.StandardOutput.ReadLine());
        try
        {
            var keepalivedLog = new StringBuilder();
            var keepalived = Steps(mailDir, port1, port2, "keepalived", () =>
            {
                var pids = Directory.CreateDirectory(Path.Combine(_folder.FullName, "keepalived-pids")).FullName;
                var process = Keepalived.StartCheckers(config, pids, keepalivedLog);
                return () =>
                {
                    Keepalived.Stop(process);
                    process.Dispose();
                };
            });
            Ipvsadm.Clear();
            var lvsha = Steps(mailDir, port1, port2, "lvsha", () =>
            {
                var daemon = LvshaDaemon.Start(config, Path.Combine(_folder.FullName, "lvsha.sock"), "mail-lab");
                return () =>
                {
                    daemon.Stop();
                    daemon.Dispose();
                };
            });

            _output.WriteLine($"keepalived log:\n{keepalivedLog}");
            // Every step but the stop must have mailed something, or the comparison proves nothing.
            Assert.All(keepalived.SkipLast(1), step => Assert.NotEmpty(step.Mails));
            for (var i = 0; i < keepalived.Count - 1; i++)
                Assert.True(keepalived[i].Mails.Order(StringComparer.Ordinal).SequenceEqual(lvsha[i].Mails.Order(StringComparer.Ordinal)), $"step \"{keepalived[i].Name}\": lvsha mailed\n{string.Join('\n', lvsha[i].Mails)}\nkeepalived\n{string.Join('\n', keepalived[i].Mails)}");
            // keepalived's checker process exits before its stop mails leave (2.2.7 logs "Shutting down service" and
            // sends nothing); lvsha sends them with keepalived's words, and any keepalived does send must be among them.
            var stop = lvsha[^1].Mails;
            Assert.Equal(
                [
                    $"Subject: [lab] Realserver [{RealServer}]:tcp:8080 of virtual server [10.9.0.31]:tcp:80 - DOWN | => Shutting down <=",
                    "Subject: [lab] Virtualserver [10.9.0.31]:tcp:80 - DOWN | => Shutting down <=",
                ],
                stop.Order(StringComparer.Ordinal));
            Assert.Subset(stop.ToHashSet(), keepalived[^1].Mails.ToHashSet());
        }
        finally
        {
            sink.Kill();
        }
    }

    private sealed record Step(string Name, IReadOnlyList<string> Mails);

    // One daemon through the steps: start (its quorum mail), close the first check port, the second, open the first,
    // the second, stop. Returns each step's new mails as MailSink summaries.
    private List<Step> Steps(string mailDir, int port1, int port2, string who, Func<Action> start)
    {
        Listen(port1, true);
        Listen(port2, true);
        var steps = new List<Step>();
        var seen = MailSink.Files(mailDir).Count;
        void Collect(string name, bool expectMail)
        {
            var mails = WaitForQuiet(mailDir, seen, expectMail);
            seen += mails.Count;
            steps.Add(new Step(name, mails));
            _output.WriteLine($"{who}, {name}:\n  {string.Join("\n  ", mails)}");
        }

        var stop = start();
        try
        {
            Collect("start", true);
            foreach (var (name, port, on) in new[] { ("first port closed", port1, false), ("second port closed", port2, false), ("first port open", port1, true), ("second port open", port2, true) })
            {
                Listen(port, on);
                Collect(name, true);
            }
        }
        finally
        {
            stop();
        }

        Collect("stop", false);
        return steps;
    }

    // The mails after the first `seen` once none has come for Quiet; waits up to 30 s for the first when one is due.
    private static List<string> WaitForQuiet(string mailDir, int seen, bool expectMail)
    {
        var clock = Stopwatch.StartNew();
        var count = seen;
        var lastChange = TimeSpan.Zero;
        while (true)
        {
            var now = MailSink.Files(mailDir).Count;
            if (now != count)
                (count, lastChange) = (now, clock.Elapsed);
            var waited = clock.Elapsed - lastChange;
            if (waited >= Quiet && (count > seen || !expectMail || clock.Elapsed > TimeSpan.FromSeconds(30)))
                break;
            Thread.Sleep(100);
        }

        return [.. MailSink.Files(mailDir).Skip(seen).Select(path =>
        {
            var mail = File.ReadAllText(path);
            Assert.Matches(@"(?mi)^From: .*lb@example\.test", mail);
            Assert.Matches(@"(?mi)^To: .*ops@example\.test", mail);
            return MailSink.Summary(mail);
        })];
    }

    private void Listen(int port, bool on)
    {
        if (on && !_listeners.ContainsKey(port))
        {
            var listener = new TcpListener(RealServer, port);
            listener.Start(512);
            _listeners[port] = listener;
        }
        else if (!on && _listeners.Remove(port, out var listener))
        {
            listener.Dispose();
        }
    }

    private static int FreePort(IPAddress address)
    {
        using var probe = new TcpListener(address, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
