namespace LvsHa.Config;

/// <summary>
/// keepalived's mail alerts (global_defs `notification_email`, `notification_email_from`, `smtp_server`,
/// `smtp_helo_name`, `smtp_connect_timeout`, `no_email_faults`, `no_checker_emails`). Whether an object mails is
/// resolved per object (<see cref="VrrpInstance.SmtpAlert"/>, ...) from its own `smtp_alert` and the global
/// `smtp_alert`, `smtp_alert_vrrp` and `smtp_alert_checker`. Mail goes out only with recipients and a server.
/// </summary>
public sealed record MailAlerts
{
    /// <summary>No mail settings written.</summary>
    public static MailAlerts None { get; } = new();

    /// <summary>`notification_email { ... }`: the recipients.</summary>
    public IReadOnlyList<string> Recipients { get; init; } = [];

    /// <summary>`notification_email_from`; null: keepalived's default, the daemon's user at the host name.</summary>
    public string? From { get; init; }

    /// <summary>`smtp_server HOST [PORT]`: the host (an address or a name); null: no mail.</summary>
    public string? SmtpServer { get; init; }

    /// <summary>The smtp_server's port (default 25).</summary>
    public int SmtpPort { get; init; } = 25;

    /// <summary>`smtp_helo_name`; null: keepalived's default, the host name.</summary>
    public string? HeloName { get; init; }

    /// <summary>`smtp_connect_timeout` (default 30 s): the whole exchange with the server.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>`no_email_faults`: no mail when an instance or group enters FAULT.</summary>
    public bool NoEmailFaults { get; init; }

    /// <summary>`no_checker_emails`: a checker mails only when its real server changes between up and down.</summary>
    public bool NoCheckerEmails { get; init; }

    /// <summary>Whether mail can be sent at all (recipients and a server).</summary>
    public bool Enabled => Recipients.Count > 0 && SmtpServer is not null;
}
