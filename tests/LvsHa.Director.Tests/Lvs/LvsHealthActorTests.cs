using System.Collections.Concurrent;
using System.Net;
using System.Runtime.Versioning;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using LvsHa.Director.Lvs;
using LvsHa.Health.Checkers;
using LvsHa.Health.Scheduling;
using LvsHa.Health.State;

namespace LvsHa.Director.Tests.Lvs;

[SupportedOSPlatform("linux")]
public sealed class LvsHealthActorTests : TestKit
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "lvsha-lvs-" + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentDictionary<IPEndPoint, bool> _up = new();

    public LvsHealthActorTests() => Directory.CreateDirectory(_directory);

    protected override void Dispose(bool disposing)
    {
        if (disposing && Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
        base.Dispose(disposing);
    }

    private sealed class SwitchCheck(ConcurrentDictionary<IPEndPoint, bool> up, IPEndPoint target) : IHealthCheck
    {
        public string Kind => "TCP_CHECK";

        public Task<CheckResult> CheckAsync(CancellationToken cancellationToken) =>
            Task.FromResult(up.GetValueOrDefault(target, true) ? CheckResult.Pass() : CheckResult.Fail("switched off"));
    }

    // The alerter an actor under test mails through; each mail as "subject | body".
    private static LvsHa.Director.Alerts.MailAlerter Mailer(LvsHa.Config.LvsHaConfig config, out ConcurrentQueue<string> sent)
    {
        var mails = sent = new ConcurrentQueue<string>();
        return new LvsHa.Director.Alerts.MailAlerter(config.Global, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            (m, _) => { mails.Enqueue($"{m.Subject} | {m.TextBody}"); return Task.CompletedTask; });
    }

    private string ScriptLog => Path.Combine(_directory, "notify.log");

    // A script that appends its first argument to ScriptLog. The sleep makes a script that ran in parallel with the
    // next one write after it.
    private string LoggingScript()
    {
        var script = Path.Combine(_directory, "notify.sh");
        File.WriteAllText(script, $"#!/bin/sh\nsleep 0.2\necho \"$1\" >> {ScriptLog}\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    private string[] ScriptsRun() => File.Exists(ScriptLog) ? File.ReadAllLines(ScriptLog) : [];

    // Options whose checks pass or fail as _up says, mailing through mail when given.
    private LvsHealthOptions Switched(LvsHa.Director.Alerts.MailAlerter? mail = null) => new()
    {
        Scheduler = new HealthSchedulerOptions { CheckFactory = (_, rs, _, _) => new SwitchCheck(_up, rs.Endpoint) },
        Mail = mail,
    };

    // Global smtp_alert; virtual server 10.0.0.1:80 with real servers 10.0.1.1:80 and 10.0.1.2:80, one TCP_CHECK each.
    private static string TwoRealServers(string virtualServerLines = "", int delayLoop = 1) => $$"""
        global_defs {
            router_id lb1
            notification_email {
                ops@example.test
            }
            smtp_server 192.0.2.25
            smtp_alert
        }
        virtual_server 10.0.0.1 80 {
            protocol TCP
            lb_kind NAT
            delay_loop {{delayLoop}}
            {{virtualServerLines}}
            real_server 10.0.1.1 80 {
                TCP_CHECK {
                    retry 0
                    warmup 0
                }
            }
            real_server 10.0.1.2 80 {
                TCP_CHECK {
                    retry 0
                    warmup 0
                }
            }
        }
        """;

    [Fact]
    public async Task SmtpAlert_StartQuorumRealServerAndQuorumDownAndUp_MailedAsKeepalived_SmtpAlertOffNot()
    {
        var config = TestConfigs.Load("""
            global_defs {
                router_id lb1
                notification_email {
                    ops@example.test
                }
                smtp_server 192.0.2.25
            }
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lb_kind NAT
                delay_loop 1
                smtp_alert
                real_server 10.0.1.1 80 {
                    TCP_CHECK {
                        retry 0
                        warmup 0
                    }
                }
                real_server 10.0.1.2 80 {
                    smtp_alert off
                    TCP_CHECK {
                        retry 0
                        warmup 0
                    }
                }
            }
            """);
        await using var mail = Mailer(config, out var sent);
        var reconciler = CreateTestProbe();
        var options = Switched(mail);
        Sys.ActorOf(LvsHealthActor.Props(reconciler.Ref, config, options));
        reconciler.ExpectMsg<HealthDecisions>(TimeSpan.FromSeconds(5));

        // The quorum it starts with (keepalived's init_service_vs); then 10.0.1.2 (smtp_alert off): no mail, the
        // quorum holds; then 10.0.1.1 takes the quorum with it.
        await AwaitAssertAsync(() => Assert.Single(sent), TimeSpan.FromSeconds(5));
        _up[new IPEndPoint(IPAddress.Parse("10.0.1.2"), 80)] = false;
        await Task.Delay(2500);
        Assert.Single(sent);
        _up[new IPEndPoint(IPAddress.Parse("10.0.1.1"), 80)] = false;
        await AwaitAssertAsync(() => Assert.Equal(3, sent.Count), TimeSpan.FromSeconds(5));
        _up[new IPEndPoint(IPAddress.Parse("10.0.1.1"), 80)] = true;
        await AwaitAssertAsync(() => Assert.Equal(5, sent.Count), TimeSpan.FromSeconds(5));
        await Task.Delay(1500);
        Assert.Equal(
            [
                "[lb1] Virtualserver [10.0.0.1]:tcp:80 - UP | => Starting with quorum up 1+0=1 <= 2 <=",
                "[lb1] Virtualserver [10.0.0.1]:tcp:80 - DOWN | => Lost quorum 1+0=1 <= 0 <=",
                "[lb1] Realserver [10.0.1.1]:tcp:80 of virtual server [10.0.0.1]:tcp:80 - DOWN | => TCP CHECK failed on service <=",
                "[lb1] Virtualserver [10.0.0.1]:tcp:80 - UP | => Gained quorum 1+0=1 <= 1 <=",
                "[lb1] Realserver [10.0.1.1]:tcp:80 of virtual server [10.0.0.1]:tcp:80 - UP | => TCP CHECK succeed on service <=",
            ],
            sent);
    }

    private sealed class PortSwitchCheck(ConcurrentDictionary<int, bool> up, int port) : IHealthCheck
    {
        public string Kind => "TCP_CHECK";

        public Task<CheckResult> CheckAsync(CancellationToken cancellationToken) =>
            Task.FromResult(up.GetValueOrDefault(port, true) ? CheckResult.Pass() : CheckResult.Fail("switched off"));
    }

    // keepalived mails each checker's change of state (check_tcp.c tcp_epilog), with the real server's state in the
    // subject, even when the real server's state stays (another checker is down); no_checker_emails keeps only the
    // changes of the real server.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SmtpAlert_SecondCheckerChangesWhileRealServerDown_MailedUnlessNoCheckerEmails(bool noCheckerEmails)
    {
        var config = TestConfigs.Load($$"""
            global_defs {
                router_id lb1
                notification_email {
                    ops@example.test
                }
                smtp_server 192.0.2.25
                {{(noCheckerEmails ? "no_checker_emails" : "")}}
            }
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lb_kind NAT
                delay_loop 1
                real_server 10.0.1.1 80 {
                    smtp_alert
                    TCP_CHECK {
                        connect_port 81
                        retry 0
                        warmup 0
                    }
                    TCP_CHECK {
                        connect_port 82
                        retry 0
                        warmup 0
                    }
                }
            }
            """);
        await using var mail = Mailer(config, out var sent);
        var ports = new ConcurrentDictionary<int, bool>();
        var options = new LvsHealthOptions
        {
            Scheduler = new HealthSchedulerOptions { CheckFactory = (spec, _, _, _) => new PortSwitchCheck(ports, spec.ConnectPort!.Value) },
            Mail = mail,
        };
        var reconciler = CreateTestProbe();
        Sys.ActorOf(LvsHealthActor.Props(reconciler.Ref, config, options));
        reconciler.ExpectMsg<HealthDecisions>(TimeSpan.FromSeconds(5));

        var expected = noCheckerEmails ? 2 : 4;
        foreach (var (port, up) in new[] { (81, false), (82, false), (81, true), (82, true) })
        {
            ports[port] = up;
            await Task.Delay(2500);
        }

        await AwaitAssertAsync(() => Assert.Equal(expected, sent.Count), TimeSpan.FromSeconds(5));
        const string Subject = "[lb1] Realserver [10.0.1.1]:tcp:80 of virtual server [10.0.0.1]:tcp:80";
        Assert.Equal(
            noCheckerEmails
                ? [$"{Subject} - DOWN | => TCP CHECK failed on service <=", $"{Subject} - UP | => TCP CHECK succeed on service <="]
                : [
                    $"{Subject} - DOWN | => TCP CHECK failed on service <=",
                    $"{Subject} - DOWN | => TCP CHECK failed on service <=",
                    $"{Subject} - DOWN | => TCP CHECK succeed on service <=",
                    $"{Subject} - UP | => TCP CHECK succeed on service <=",
                ],
            sent);
    }

    // keepalived keeps a reloaded virtual server's quorum state and its checkers' states (migrate_checkers): a reload
    // that restarts the checks mails neither the start quorum again nor a checker failing as it did before, and does
    // not run quorum_up again.
    [Fact]
    public async Task SmtpAlert_ReloadRestartsChecks_StatesAlreadyMailedAreNotMailedAgain()
    {
        var script = LoggingScript();
        var quorumUp = $"quorum_up \"{script} quorum-up\"";
        var config = TestConfigs.Load(TwoRealServers(delayLoop: 1, virtualServerLines: quorumUp));
        await using var mail = Mailer(config, out var sent);
        var options = Switched(mail);
        var reconciler = CreateTestProbe();
        var health = Sys.ActorOf(LvsHealthActor.Props(reconciler.Ref, config, options));
        _up[new IPEndPoint(IPAddress.Parse("10.0.1.1"), 80)] = false;
        await AwaitAssertAsync(() => Assert.Equal(2, sent.Count), TimeSpan.FromSeconds(5));

        health.Tell(new ReloadConfig(TestConfigs.Load(TwoRealServers(delayLoop: 2, virtualServerLines: quorumUp))));
        reconciler.FishForMessage(m => m is ReloadConfig, TimeSpan.FromSeconds(5));
        await Task.Delay(3500);

        Assert.Equal(["quorum-up"], ScriptsRun());

        Assert.Equal(
            [
                "[lb1] Virtualserver [10.0.0.1]:tcp:80 - UP | => Starting with quorum up 1+0=1 <= 2 <=",
                "[lb1] Realserver [10.0.1.1]:tcp:80 of virtual server [10.0.0.1]:tcp:80 - DOWN | => TCP CHECK failed on service <=",
            ],
            sent);
    }

    // keepalived on reload (clear_diff_rs, clear_service_vs with stopping false), omega or not: a live real server
    // taken away runs its notify_down and mails "Removing"; a virtual server taken away does so for each live one,
    // then loses its quorum (quorum_down, "Lost quorum" after the real servers' mails).
    [Fact]
    public async Task Reload_RealServerThenVirtualServerRemoved_NotifyDownAndRemovingMailsThenLostQuorum()
    {
        var script = LoggingScript();
        var full = TwoRealServers(virtualServerLines: $"quorum_down \"{script} quorum-down\"")
            .Replace("TCP_CHECK {", $"notify_down \"{script} down\"\n                TCP_CHECK {{", StringComparison.Ordinal);
        var config = TestConfigs.Load(full);
        await using var mail = Mailer(config, out var sent);
        var options = Switched(mail);
        var reconciler = CreateTestProbe();
        var health = Sys.ActorOf(LvsHealthActor.Props(reconciler.Ref, config, options));
        await AwaitAssertAsync(() => Assert.Single(sent), TimeSpan.FromSeconds(5));

        var second = full.IndexOf("real_server 10.0.1.2", StringComparison.Ordinal);
        var oneRealServer = full[..second] + "}\n";
        health.Tell(new ReloadConfig(TestConfigs.Load(oneRealServer)));
        await AwaitAssertAsync(() => Assert.Equal(2, sent.Count), TimeSpan.FromSeconds(5));
        health.Tell(new ReloadConfig(TestConfigs.Load(full[..full.IndexOf("virtual_server", StringComparison.Ordinal)])));
        await AwaitAssertAsync(() => Assert.Equal(4, sent.Count), TimeSpan.FromSeconds(5));
        await AwaitAssertAsync(() => Assert.Equal(3, ScriptsRun().Length), TimeSpan.FromSeconds(5));

        const string Rs = "[lb1] Realserver [10.0.1.{0}]:tcp:80 of virtual server [10.0.0.1]:tcp:80";
        Assert.Equal(
            [
                "[lb1] Virtualserver [10.0.0.1]:tcp:80 - UP | => Starting with quorum up 1+0=1 <= 2 <=",
                string.Format(System.Globalization.CultureInfo.InvariantCulture, Rs, 2) + " - DOWN | => Removing <=",
                string.Format(System.Globalization.CultureInfo.InvariantCulture, Rs, 1) + " - DOWN | => Removing <=",
                "[lb1] Virtualserver [10.0.0.1]:tcp:80 - DOWN | => Lost quorum 1+0=1 <= 0 <=",
            ],
            sent);
        Assert.Equal(["down", "down", "quorum-down"], ScriptsRun());
    }

    // keepalived's clear_services with omega: each live real server "Shutting down", then the virtual server; a real
    // server already down is not mailed again.
    [Fact]
    public async Task SmtpAlert_StopWithOmega_LiveRealServersThenVirtualServerShuttingDown()
    {
        var config = TestConfigs.Load(TwoRealServers(virtualServerLines: "omega"));
        await using var mail = Mailer(config, out var sent);
        var options = Switched(mail);
        var health = Sys.ActorOf(LvsHealthActor.Props(CreateTestProbe().Ref, config, options));
        _up[new IPEndPoint(IPAddress.Parse("10.0.1.2"), 80)] = false;
        await AwaitAssertAsync(() => Assert.Equal(2, sent.Count), TimeSpan.FromSeconds(5));

        await health.Ask<HealthChecksStopped>(StopHealthChecks.Instance, TimeSpan.FromSeconds(10));

        await AwaitAssertAsync(() => Assert.Equal(4, sent.Count), TimeSpan.FromSeconds(5));
        Assert.Equal(
            [
                "[lb1] Virtualserver [10.0.0.1]:tcp:80 - UP | => Starting with quorum up 1+0=1 <= 2 <=",
                "[lb1] Realserver [10.0.1.2]:tcp:80 of virtual server [10.0.0.1]:tcp:80 - DOWN | => TCP CHECK failed on service <=",
                "[lb1] Realserver [10.0.1.1]:tcp:80 of virtual server [10.0.0.1]:tcp:80 - DOWN | => Shutting down <=",
                "[lb1] Virtualserver [10.0.0.1]:tcp:80 - DOWN | => Shutting down <=",
            ],
            sent);
    }

    [Fact]
    public async Task Decisions_StartAndRealServersFail_KernelDecisionsForwardedAndScriptsRunInOrder()
    {
        var script = LoggingScript();
        var config = TestConfigs.Load($$"""
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lb_kind NAT
                delay_loop 1
                quorum_up "{{script}} quorum-up"
                quorum_down "{{script}} quorum-down"
                real_server 10.0.1.1 80 {
                    notify_down "{{script}} down-1"
                    TCP_CHECK {
                        retry 0
                        warmup 0
                    }
                }
                real_server 10.0.1.2 80 {
                    notify_down "{{script}} down-2"
                    TCP_CHECK {
                        retry 0
                        warmup 0
                    }
                }
            }
            """);
        var reconciler = CreateTestProbe();
        var options = Switched();
        var health = Sys.ActorOf(LvsHealthActor.Props(reconciler.Ref, config, options));
        // The start-up decisions: both real servers up.
        var start = reconciler.ExpectMsg<HealthDecisions>(TimeSpan.FromSeconds(5));
        Assert.All(start.Decisions, d => Assert.IsType<RealServerUp>(d));

        _up[new IPEndPoint(IPAddress.Parse("10.0.1.1"), 80)] = false;
        var first = reconciler.ExpectMsg<HealthDecisions>(TimeSpan.FromSeconds(5));
        _up[new IPEndPoint(IPAddress.Parse("10.0.1.2"), 80)] = false;
        var second = reconciler.ExpectMsg<HealthDecisions>(TimeSpan.FromSeconds(5));
        await AwaitAssertAsync(() => Assert.Equal(4, ScriptsRun().Length), TimeSpan.FromSeconds(5));
        await health.Ask<HealthChecksStopped>(StopHealthChecks.Instance, TimeSpan.FromSeconds(5));

        Assert.Equal([new RealServerDown("10.0.0.1:80", new IPEndPoint(IPAddress.Parse("10.0.1.1"), 80), false)], first.Decisions);
        Assert.Equal([new RealServerDown("10.0.0.1:80", new IPEndPoint(IPAddress.Parse("10.0.1.2"), 80), false)], second.Decisions);
        // quorum_up at the start with the quorum up, as keepalived's init_service_vs runs it.
        Assert.Equal(["quorum-up", "down-1", "down-2", "quorum-down"], ScriptsRun());
    }

    [Fact]
    public async Task StopHealthChecks_Omega_AnswersAfterTheOmegaScriptsRan()
    {
        var script = LoggingScript();
        var config = TestConfigs.Load($$"""
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lb_kind NAT
                omega
                quorum_down "{{script}} quorum-down"
                real_server 10.0.1.1 80 {
                    notify_down "{{script}} down-1"
                    TCP_CHECK {
                        warmup 0
                    }
                }
            }
            """);
        var reconciler = CreateTestProbe();
        var options = Switched();
        var health = Sys.ActorOf(LvsHealthActor.Props(reconciler.Ref, config, options));
        reconciler.ExpectMsg<HealthDecisions>(TimeSpan.FromSeconds(5));

        await health.Ask<HealthChecksStopped>(StopHealthChecks.Instance, TimeSpan.FromSeconds(10));

        Assert.Equal(["down-1", "quorum-down"], ScriptsRun());
    }

    [Fact]
    public async Task SharedCheck_TwoVirtualServersSameRealServer_OneProbe_ReloadRemovingOneKeepsItForTheOther()
    {
        const string Block = """
                protocol TCP
                lb_kind NAT
                delay_loop 1
                real_server 10.0.1.1 80 {
                    TCP_CHECK {
                        retry 0
                        warmup 0
                    }
                }
            }
            """;
        var one = "virtual_server 10.0.0.1 80 {\n" + Block;
        var two = "virtual_server 10.0.0.2 80 {\n" + Block;
        var built = 0;
        var reconciler = CreateTestProbe();
        var options = new LvsHealthOptions
        {
            Scheduler = new HealthSchedulerOptions
            {
                CheckFactory = (_, rs, _, _) =>
                {
                    Interlocked.Increment(ref built);
                    return new SwitchCheck(_up, rs.Endpoint);
                },
            },
        };
        var rs = new IPEndPoint(IPAddress.Parse("10.0.1.1"), 80);
        var health = Sys.ActorOf(LvsHealthActor.Props(reconciler.Ref, TestConfigs.Load(one + "\n" + two), options));
        reconciler.ExpectMsg<HealthDecisions>(TimeSpan.FromSeconds(5));
        reconciler.ExpectMsg<HealthDecisions>(TimeSpan.FromSeconds(5));
        Assert.Equal(1, built);

        _up[rs] = false;
        var downs = new[] { reconciler.ExpectMsg<HealthDecisions>(TimeSpan.FromSeconds(5)), reconciler.ExpectMsg<HealthDecisions>(TimeSpan.FromSeconds(5)) };
        Assert.Equal(["10.0.0.1:80", "10.0.0.2:80"], downs.SelectMany(d => d.Decisions).OfType<RealServerDown>().Select(d => d.VirtualService).Order(StringComparer.Ordinal));

        health.Tell(new ReloadConfig(TestConfigs.Load(one)));
        reconciler.ExpectMsg<ReloadConfig>(TimeSpan.FromSeconds(5));
        _up[rs] = true;
        var up = reconciler.ExpectMsg<HealthDecisions>(TimeSpan.FromSeconds(5));
        Assert.Equal([new RealServerUp("10.0.0.1:80", rs, 1)], up.Decisions);
        Assert.Equal(1, built);
        await health.Ask<HealthChecksStopped>(StopHealthChecks.Instance, TimeSpan.FromSeconds(10));
    }
}
