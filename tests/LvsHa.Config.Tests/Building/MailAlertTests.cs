using static LvsHa.Config.Tests.TestSupport;

namespace LvsHa.Config.Tests.Building;

/// <summary>global_defs mail settings and whether each object mails (keepalived 2.2.7's defaults and overrides).</summary>
public sealed class MailAlertTests
{
    private static string Config(string global, string instanceLine = "", string groupLine = "") => $$"""
        global_defs {
        {{global}}
        }
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            virtual_ipaddress { 10.0.0.1 }
        {{instanceLine}}
        }
        vrrp_instance VI_2 {
            interface eth0
            virtual_router_id 52
            virtual_ipaddress { 10.0.0.2 }
        }
        vrrp_sync_group G {
            group { VI_1 VI_2 }
        {{groupLine}}
        }
        """;

    [Fact]
    public void MailSettings_AreRead_WithKeepalivedsDefaults()
    {
        var mail = LoadValid(Config("""
            notification_email {
                a@example.test
                b@example.test
            }
            notification_email_from lb@example.test
            smtp_server 192.0.2.25 2525
            smtp_helo_name lb1.example.test
            smtp_connect_timeout 10
            no_email_faults
            """)).Global.Mail;
        Assert.Equal(["a@example.test", "b@example.test"], mail.Recipients);
        Assert.Equal(("lb@example.test", "192.0.2.25", 2525, "lb1.example.test", TimeSpan.FromSeconds(10), true, true),
            (mail.From, mail.SmtpServer, mail.SmtpPort, mail.HeloName, mail.ConnectTimeout, mail.NoEmailFaults, mail.Enabled));

        var defaults = LoadValid(Config("smtp_server mail.example.test")).Global.Mail;
        Assert.Equal((25, TimeSpan.FromSeconds(30), (string?)null, false), (defaults.SmtpPort, defaults.ConnectTimeout, defaults.From, defaults.Enabled));
    }

    [Theory]
    [InlineData("", "", "", false, false)]
    [InlineData("smtp_alert", "", "", true, true)]
    [InlineData("smtp_alert", "smtp_alert false", "", false, true)]
    [InlineData("smtp_alert\nsmtp_alert_vrrp off", "", "", false, false)]
    [InlineData("smtp_alert_checker", "", "", false, false)]
    [InlineData("", "smtp_alert", "smtp_alert yes", true, true)]
    public void SmtpAlert_OwnThenVrrpThenGlobalThenNo(string global, string instanceLine, string groupLine, bool instance, bool group)
    {
        var config = LoadValid(Config(global, instanceLine, groupLine));
        Assert.Equal((instance, group), (config.VrrpInstances[0].SmtpAlert, config.VrrpSyncGroups[0].SmtpAlert));
    }

    [Fact]
    public void ABadSmtpAlertValue_IsRefusedAtItsLine()
    {
        var r = Load(Config("smtp_alert maybe"));
        Assert.Equal(2, SingleError(r, "invalid value 'maybe' for 'smtp_alert'").Location.Line);
    }
}
