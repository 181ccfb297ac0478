using LvsHa.Director.Tests.Lab;
using LvsHa.Director.Tests.Vrrp;

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
        lab.Start(VrrpLab.ClientNode, ["python3", SinkScript(), lab.Address(VrrpLab.ClientNode), "2525", mailDir]);
        await LabCluster.WaitForAsync(
            () => Task.FromResult(lab.Log(VrrpLab.ClientNode).Contains("listening", StringComparison.Ordinal)), TimeSpan.FromSeconds(20), "the SMTP sink listens");
        var config = lab.WriteFile("keepalived.conf", $$"""
            global_defs {
                router_id lab
                notification_email {
                    ops@example.test
                    oncall@example.test
                }
                notification_email_from lb@example.test
                smtp_server {{lab.Address(VrrpLab.ClientNode)}} 2525
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

            """);

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

    // Starts one director, waits for its MASTER mail, stops it (SIGTERM) and gives its last mails 2 s; returns each
    // new mail as "Subject: ... | body", after checking sender and recipients.
    private static async Task<List<string>> RunAndStopAsync(VrrpLab lab, int node, string mailDir, Action start)
    {
        var before = Mails(mailDir).Count;
        start();
        await lab.WaitForSoleHolderAsync(node, [], Startup);
        await LabCluster.WaitForAsync(
            () => Task.FromResult(Mails(mailDir).Skip(before).Any(m => File.ReadAllText(m).Contains("MASTER", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(20), $"director {node}'s MASTER mail\n{lab.Log(node)}");
        lab.Signal(node, Tmds.Linux.LibC.SIGTERM);
        Assert.True(lab.HasExited(node, TimeSpan.FromSeconds(20)), $"director {node} stops");
        await Task.Delay(2000);
        var mails = Mails(mailDir).Skip(before).Select(File.ReadAllText).ToList();
        foreach (var mail in mails)
        {
            Assert.Matches(@"(?mi)^From: .*lb@example\.test", mail);
            Assert.Matches(@"(?mi)^To: .*ops@example\.test.*oncall@example\.test", mail);
        }

        return [.. mails.Select(Summary)];
    }

    private static List<string> Mails(string dir) =>
        Directory.Exists(dir) ? [.. Directory.GetFiles(dir, "*.eml").Order(StringComparer.Ordinal)] : [];

    private static string Summary(string mail)
    {
        var lines = mail.ReplaceLineEndings("\n").Split('\n');
        var subject = lines.First(l => l.StartsWith("Subject:", StringComparison.OrdinalIgnoreCase)).Trim();
        var blank = Array.IndexOf(lines, "");
        var body = string.Join(' ', lines.Skip(blank + 1).Where(l => l.Trim().Length > 0)).Trim();
        return $"{subject} | {body}";
    }

    private static string SinkScript()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "tests", "lab", "smtp-sink.py")))
            dir = dir.Parent;
        Assert.True(dir is not null, "tests/lab/smtp-sink.py not found above " + AppContext.BaseDirectory);
        return Path.Combine(dir!.FullName, "tests", "lab", "smtp-sink.py");
    }
}
