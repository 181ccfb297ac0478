using System.Threading.Channels;
using GlobalDefs = LvsHa.Config.GlobalDefs;
using MailAlerts = LvsHa.Config.MailAlerts;
using LvsHa.Vrrp;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace LvsHa.Director.Alerts;

/// <summary>
/// Sends keepalived's alert mails (global_defs notification_email, smtp_server, ...) through MailKit: one mail per
/// state change of an object whose `smtp_alert` is on, never the same state twice in a row (keepalived's
/// last_email_state), none for FAULT with `no_email_faults`. Mails queue and go out one at a time in order on a
/// background loop, so a slow or dead mail server never delays failover; a full queue drops the oldest, and each
/// failed delivery is logged with the server and subject. A reload hands it new settings (<see cref="Reload"/>):
/// a mail goes out with the settings it was queued under.
/// </summary>
public sealed partial class MailAlerter : IAsyncDisposable
{
    private const int QueueLength = 256;

    // Replaced whole by a reload while state changes read it from other threads.
    private volatile Settings _current;
    private readonly ILogger _logger;
    private readonly Func<MimeMessage, MailAlerts, CancellationToken, Task> _send;
    private readonly Channel<(MimeMessage Message, MailAlerts Settings)> _queue = Channel.CreateBounded<(MimeMessage, MailAlerts)>(
        new BoundedChannelOptions(QueueLength) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly Dictionary<string, VrrpState> _lastMailed = new(StringComparer.Ordinal);
    private readonly Task _loop;

    /// <summary>Creates the alerter of <paramref name="global"/>'s mail settings.</summary>
    /// <param name="global">global_defs (mail settings, router_id).</param>
    /// <param name="logger">Logger.</param>
    /// <param name="send">Delivers one message (default: SMTP to the smtp_server of the settings it was queued under, with MailKit).</param>
    public MailAlerter(GlobalDefs global, ILogger logger, Func<MimeMessage, CancellationToken, Task>? send = null)
    {
        _current = Settings.Of(global);
        _logger = logger;
        _send = send is null ? SendAsync : (message, _, cancellationToken) => send(message, cancellationToken);
        // Even without mail settings: a reload may bring them.
        _loop = Task.Run(DeliverAsync);
    }

    /// <summary>Takes <paramref name="global"/>'s mail settings and router_id (a reload) for the mails queued from now on.</summary>
    public void Reload(GlobalDefs global) => _current = Settings.Of(global);

    /// <summary>vrrp_instance <paramref name="instance"/> entered <paramref name="state"/>.</summary>
    public void InstanceChanged(string instance, VrrpState state) =>
        StateChanged("instance " + instance, state, MailAlert.Instance(_current.RouterId, instance, state));

    /// <summary>vrrp_sync_group <paramref name="group"/> entered <paramref name="state"/>.</summary>
    public void GroupChanged(string group, VrrpState state) =>
        StateChanged("group " + group, state, MailAlert.Group(_current.RouterId, group, state));

    /// <summary>A checker's verdict keepalived mails about (see <see cref="MailAlert.CheckerBody(Config.HealthChecker?, Health.State.CheckerVerdict)"/>):
    /// with `no_checker_emails` only when it changed whether its real server is up.</summary>
    /// <param name="realServer">keepalived's FMT_RS (<see cref="MailAlert.Trio"/>).</param>
    /// <param name="virtualServer">keepalived's FMT_VS (<see cref="MailAlert.VirtualServerName"/>).</param>
    /// <param name="realServerUp">Whether the real server is up after the verdict (the subject's UP or DOWN).</param>
    /// <param name="realServerChanged">Whether the verdict changed that.</param>
    /// <param name="body">The checker's words.</param>
    public void CheckerChanged(string realServer, string virtualServer, bool realServerUp, bool realServerChanged, string body)
    {
        if (realServerChanged || !_current.Mail.NoCheckerEmails)
            RealServerChanged(realServer, virtualServer, realServerUp, body);
    }

    /// <summary>A real server went up or down (see <see cref="MailAlert.RealServer"/>).</summary>
    public void RealServerChanged(string realServer, string virtualServer, bool up, string body) =>
        Queue(MailAlert.RealServer(_current.RouterId, realServer, virtualServer, up, body));

    /// <summary>A virtual server gained or lost its quorum (see <see cref="MailAlert.VirtualServer"/>).</summary>
    public void VirtualServerChanged(string virtualServer, bool up, string body) =>
        Queue(MailAlert.VirtualServer(_current.RouterId, virtualServer, up, body));

    /// <summary>Sends what is queued for at most <see cref="StopWait"/>, then stops (a slow mail server must not hold
    /// up the director's exit; the VIPs are released before this).</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAny(_loop, Task.Delay(StopWait)).ConfigureAwait(false);
    }

    /// <summary>How long stopping waits for queued mail (the instances' Stopping mails).</summary>
    public static readonly TimeSpan StopWait = TimeSpan.FromSeconds(1);

    private void StateChanged(string key, VrrpState state, MailAlert? alert)
    {
        var settings = _current.Mail;
        if (alert is null || !settings.Enabled || (state == VrrpState.Fault && settings.NoEmailFaults))
            return;
        lock (_lastMailed)
        {
            if (_lastMailed.TryGetValue(key, out var last) && last == state)
                return;
            _lastMailed[key] = state;
        }

        Queue(alert);
    }

    private void Queue(MailAlert alert)
    {
        var settings = _current.Mail;
        if (!settings.Enabled)
            return;
        var message = new MimeMessage { Subject = alert.Subject, Body = new TextPart("plain") { Text = alert.Body } };
        try
        {
            message.From.Add(MailboxAddress.Parse(settings.From ?? $"{Environment.UserName}@{Environment.MachineName}"));
            foreach (var recipient in settings.Recipients)
                message.To.Add(MailboxAddress.Parse(recipient));
        }
        catch (ParseException e)
        {
            // keepalived takes any word as an address; a state change must never fail on one.
            LogFailed(alert.Subject, settings.SmtpServer!, settings.SmtpPort, "an address in notification_email or notification_email_from is invalid: " + e.Message);
            return;
        }

        message.Headers.Add("X-Mailer", "LvsHa");
        _ = _queue.Writer.TryWrite((message, settings));
    }

    private async Task DeliverAsync()
    {
        await foreach (var (message, settings) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            using var timeout = new CancellationTokenSource(settings.ConnectTimeout);
            try
            {
                await _send(message, settings, timeout.Token).ConfigureAwait(false);
                LogSent(message.Subject ?? "", settings.SmtpServer!, settings.SmtpPort);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogFailed(message.Subject ?? "", settings.SmtpServer!, settings.SmtpPort, e.Message);
            }
        }
    }

    // Plain SMTP as keepalived speaks it (no STARTTLS, no authentication), with the configured HELO name.
    private static async Task SendAsync(MimeMessage message, MailAlerts settings, CancellationToken cancellationToken)
    {
        using var client = new SmtpClient { LocalDomain = settings.HeloName ?? Environment.MachineName, Timeout = (int)settings.ConnectTimeout.TotalMilliseconds };
        await client.ConnectAsync(settings.SmtpServer!, settings.SmtpPort, SecureSocketOptions.None, cancellationToken).ConfigureAwait(false);
        await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
    }

    // The settings mails are composed and sent with, taken together from one global_defs.
    private sealed record Settings(MailAlerts Mail, string RouterId)
    {
        public static Settings Of(GlobalDefs global)
        {
            ArgumentNullException.ThrowIfNull(global);
            return new Settings(global.Mail, global.RouterId ?? Environment.MachineName);
        }
    }

    [LoggerMessage(EventId = 5601, Level = LogLevel.Information, Message = "Mail alert sent through {SmtpServer}:{SmtpPort}: {Subject}")]
    private partial void LogSent(string subject, string smtpServer, int smtpPort);

    [LoggerMessage(EventId = 5602, Level = LogLevel.Warning, Message = "Mail alert not sent through {SmtpServer}:{SmtpPort}: {Subject}: {Reason}")]
    private partial void LogFailed(string subject, string smtpServer, int smtpPort, string reason);
}
