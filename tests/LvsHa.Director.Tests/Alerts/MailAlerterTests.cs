using LvsHa.Config;
using LvsHa.Director.Alerts;
using VrrpState = LvsHa.Vrrp.VrrpState;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;

namespace LvsHa.Director.Tests.Alerts;

public sealed class MailAlerterTests
{
    private static GlobalDefs Global(bool noEmailFaults = false, string? server = "192.0.2.25") => GlobalDefs.Empty with
    {
        RouterId = "lb1",
        Mail = new MailAlerts { Recipients = ["ops@example.test"], From = "lb@example.test", SmtpServer = server, NoEmailFaults = noEmailFaults },
    };

    // check_*.c mail a verdict that changed the checker; check_misc.c also the first one; FILE_CHECK none.
    [Theory]
    [InlineData("TCP", true, false, false, "=> TCP CHECK failed on service <=")]
    [InlineData("TCP", true, false, true, "=> TCP CHECK failed on service <=")]
    [InlineData("TCP", false, true, false, null)]
    [InlineData("MISC", false, true, false, "=> MISC CHECK succeeded on service <=")]
    [InlineData("MISC", false, false, false, "=> MISC CHECK failed on service <=")]
    [InlineData("MISC", true, false, true, "=> MISC CHECK timed out on service <=")]
    [InlineData("FILE", true, false, false, null)]
    public void CheckerBody_Verdict_AsKeepalivedsCheckersMail(string kind, bool changed, bool up, bool timedOut, string? expected)
    {
        HealthChecker checker = kind switch
        {
            "TCP" => new TcpChecker { Location = new("t", 1, 1) },
            "MISC" => new MiscChecker { Location = new("t", 1, 1), Path = "/bin/true", Timeout = TimeSpan.FromSeconds(1) },
            _ => new FileChecker { Location = new("t", 1, 1), TrackFile = "f", Path = "/f", Weight = 1, Reverse = false },
        };
        var verdict = new LvsHa.Health.State.CheckerVerdict("vs", new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 80), 0, up, changed, up, changed, timedOut);

        Assert.Equal(expected, MailAlert.CheckerBody(checker, verdict));
    }

    [Theory]
    [InlineData(true, false, "=> Gained quorum 2+1=3 <= 4 <=")]
    [InlineData(false, false, "=> Lost quorum 2+1=1 <= 0 <=")]
    [InlineData(true, true, "=> Starting with quorum up 2+1=3 <= 4 <=")]
    [InlineData(false, true, "=> Starting with quorum down 2+1=1 <= 0 <=")]
    public void QuorumBody_KeepalivedsDoVsNotifiesWords(bool up, bool starting, string expected) =>
        Assert.Equal(expected, MailAlert.QuorumBody(up, starting, 2, 1, up ? 3 : 1, up ? 4 : 0));

    [Fact]
    public async Task EachStateChangeIsMailedOnce_InOrder_WithKeepalivedsWording()
    {
        var sent = new List<MimeMessage>();
        await using (var alerter = new MailAlerter(Global(), NullLogger.Instance, (m, _) => { lock (sent) sent.Add(m); return Task.CompletedTask; }))
        {
            alerter.InstanceChanged("VI_1", VrrpState.Backup);
            alerter.InstanceChanged("VI_1", VrrpState.Backup); // the same state again: no mail (keepalived's last_email_state)
            alerter.InstanceChanged("VI_1", VrrpState.Initialize); // INIT is never mailed
            alerter.InstanceChanged("VI_1", VrrpState.Master);
            alerter.GroupChanged("G", VrrpState.Fault);
            alerter.RealServerChanged("[10.0.1.4]:tcp:80", "[10.0.0.1]:tcp:80", up: false, MailAlert.CheckerBody(new LvsHa.Config.TcpChecker { Location = new("t", 1, 1) }, up: false)!);
        }

        Assert.Equal(
            [
                "[lb1] VRRP Instance VI_1 - Entering BACKUP state",
                "[lb1] VRRP Instance VI_1 - Entering MASTER state",
                "[lb1] VRRP Group G - Entering FAULT state",
                "[lb1] Realserver [10.0.1.4]:tcp:80 of virtual server [10.0.0.1]:tcp:80 - DOWN",
            ],
            sent.Select(m => m.Subject));
        Assert.Equal("=> TCP CHECK failed on service <=", sent[^1].TextBody);
        Assert.All(sent, m => Assert.Equal(("lb@example.test", "ops@example.test"), (m.From.Mailboxes.Single().Address, m.To.Mailboxes.Single().Address)));
    }

    [Fact]
    public async Task NoEmailFaults_SkipsFault_WithoutAServerNothingIsSent()
    {
        var sent = new List<MimeMessage>();
        Task Send(MimeMessage m, CancellationToken _)
        {
            lock (sent) sent.Add(m);
            return Task.CompletedTask;
        }

        await using (var alerter = new MailAlerter(Global(noEmailFaults: true), NullLogger.Instance, Send))
        {
            alerter.InstanceChanged("VI_1", VrrpState.Fault);
            alerter.InstanceChanged("VI_1", VrrpState.Backup);
        }

        await using (var alerter = new MailAlerter(Global(server: null), NullLogger.Instance, Send))
            alerter.InstanceChanged("VI_1", VrrpState.Master);
        Assert.Equal(["[lb1] VRRP Instance VI_1 - Entering BACKUP state"], sent.Select(m => m.Subject));
    }

    [Fact]
    public async Task Reload_NewRecipientsAndRouterId_ReachTheNextMails_MailTurnedOnByAReloadGoesOut()
    {
        var sent = new List<MimeMessage>();
        await using (var alerter = new MailAlerter(Global(server: null), NullLogger.Instance, (m, _) => { lock (sent) sent.Add(m); return Task.CompletedTask; }))
        {
            alerter.InstanceChanged("VI_1", VrrpState.Backup); // no server yet: not mailed
            alerter.Reload(Global());
            alerter.InstanceChanged("VI_1", VrrpState.Master);
            alerter.Reload(Global() with { RouterId = "lb2", Mail = Global().Mail with { Recipients = ["oncall@example.test"] } });
            alerter.InstanceChanged("VI_1", VrrpState.Backup);
        }

        Assert.Equal(
            [
                ("[lb1] VRRP Instance VI_1 - Entering MASTER state", "ops@example.test"),
                ("[lb2] VRRP Instance VI_1 - Entering BACKUP state", "oncall@example.test"),
            ],
            sent.Select(m => (m.Subject, m.To.Mailboxes.Single().Address)));
    }

    [Fact]
    public async Task AFailingServer_IsLoggedAndTheNextMailStillGoes()
    {
        var attempts = 0;
        var logger = new Lvs.ListLogger();
        await using (var alerter = new MailAlerter(Global(), logger, (_, _) => ++attempts == 1 ? throw new IOException("connection refused") : Task.CompletedTask))
        {
            alerter.InstanceChanged("VI_1", VrrpState.Backup);
            alerter.InstanceChanged("VI_1", VrrpState.Master);
        }

        Assert.Equal(2, attempts);
        Assert.Contains(logger.Entries, e => e.Message.Contains("not sent through 192.0.2.25:25: [lb1] VRRP Instance VI_1 - Entering BACKUP state: connection refused", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("root")]
    [InlineData("not an <address")]
    [InlineData("a@b@c")]
    public async Task AnyRecipientWord_NeverThrowsFromAStateChange(string recipient)
    {
        var logger = new Lvs.ListLogger();
        var global = Global() with { Mail = Global().Mail with { Recipients = [recipient] } };
        await using var alerter = new MailAlerter(global, logger, (_, _) => Task.CompletedTask);
        alerter.InstanceChanged("VI_1", VrrpState.Master);
        alerter.RealServerChanged("[10.0.1.4]:tcp:80", "[10.0.0.1]:tcp:80", up: true, "=> TCP CHECK succeed on service <=");
    }
}
