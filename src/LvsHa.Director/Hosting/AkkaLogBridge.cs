using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using Serilog.Events;
using LogEvent = Akka.Event.LogEvent;

namespace LvsHa.Director.Hosting;

/// <summary>
/// Akka's logger (in place of Akka.Logger.Serilog): writes Akka log events to the process's Serilog logger with the
/// operator in mind. The director's own actors (types in LvsHa.*) log at every level; Akka's internals only at
/// warning and above, attributed to their real source (the logging class, or for string sources the actor path or
/// component Akka names, never Akka.Event.DummyClassForStringSources), as one line without stack trace or Akka's
/// multi-line troubleshooting text, and at most once per source and peer address in <see cref="AkkaLogPolicy.Window"/>
/// (a dead or foreign peer is retried about every second, each retry logged 2-3 times by Akka).
/// </summary>
public sealed class AkkaLogBridge : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly AkkaLogPolicy _policy = new(TimeProvider.System);

    /// <summary>Creates the logger actor (Akka does, from akka.loggers).</summary>
    public AkkaLogBridge()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e =>
        {
            if (_policy.Decide(e) is { } line)
            {
                Serilog.Log.Logger.ForContext(Serilog.Core.Constants.SourceContextPropertyName, line.Source)
                    .Write(line.Level, line.Exception, line.Template, line.Arguments);
            }
        });
    }
}

/// <summary>One line to write for an Akka log event.</summary>
/// <param name="Source">SourceContext.</param>
/// <param name="Level">Serilog level.</param>
/// <param name="Template">Message template.</param>
/// <param name="Arguments">Template arguments.</param>
/// <param name="Exception">Exception to print (only for the director's own events).</param>
public sealed record AkkaLogLine(string Source, LogEventLevel Level, string Template, object?[] Arguments, Exception? Exception);

/// <summary>Which Akka log events reach the log, attributed to what, and how often (pure but for the clock; tested).</summary>
public sealed partial class AkkaLogPolicy
{
    /// <summary>Shortest time between two lines of Akka's about the same source and peer.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    /// <summary><see cref="Window"/> as log lines show it.</summary>
    public static readonly string WindowText = $"{Window.TotalMinutes:0} min";

    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, int Suppressed)> _last = new(StringComparer.Ordinal);

    /// <summary>Creates the policy.</summary>
    public AkkaLogPolicy(TimeProvider time) => _time = time;

    /// <summary>The line to write for <paramref name="e"/>, or null to drop it.</summary>
    public AkkaLogLine? Decide(LogEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var level = e.LogLevel() switch
        {
            LogLevel.DebugLevel => LogEventLevel.Debug,
            LogLevel.InfoLevel => LogEventLevel.Information,
            LogLevel.WarningLevel => LogEventLevel.Warning,
            _ => LogEventLevel.Error,
        };
        var source = SourceOf(e);
        if (IsOwn(e))
        {
            return e.Message is LogMessage own
                ? new AkkaLogLine(source, level, own.Format, [.. own.Parameters()], e.Cause)
                : new AkkaLogLine(source, level, "{Message:l}", [e.Message?.ToString()], e.Cause);
        }

        if (level < LogEventLevel.Warning)
        {
            return null;
        }

        if (Refusal(e.Cause) is { } refused)
        {
            return RefusedLine(e, refused);
        }

        // First line only: Akka appends troubleshooting text and exception dumps to some messages.
        var text = e.Message?.ToString() ?? string.Empty;
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        text = (newline < 0 ? text : text[..newline]).TrimEnd();
        if (RestatesAssociationFailure(e, text))
        {
            return new AkkaLogLine(source, LogEventLevel.Debug, "{AkkaMessage:l}", [text], null);
        }

        var peers = string.Join(",", Addresses().Matches(text).Select(m => m.Value).Distinct().Order(StringComparer.Ordinal));
        if (JoinRetry().Match(text) is { Success: true } retry
            && int.TryParse(retry.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var attempts)
            && attempts < JoinAttemptsBeforeWarning)
        {
            // Its own key: the warning of a join that goes on is not held back by this line.
            return Admit($"{source}|join-retry|{peers}", out _) ? new AkkaLogLine(source, LogEventLevel.Information, "{AkkaMessage:l}", [text], null) : null;
        }

        if (!Admit($"{source}|{(peers.Length == 0 ? text : peers)}", out var suppressed))
        {
            return null;
        }

        var cause = Innermost(e.Cause)?.Message;
        // A peer's director not listening (not started yet, or stopped) is how every cold start of the directors
        // begins, and a stopped peer is reported by the cluster's own reachability lines: information, not a warning.
        // So is the gating Akka announces after any failed association: the failure's own line carries its level.
        if (IsConnectionRefused(text) || (cause is not null && IsConnectionRefused(cause)) || text.StartsWith(GatedAfterFailure, StringComparison.Ordinal))
            level = LogEventLevel.Information;
        var template = "{AkkaMessage:l}"
            + (cause is null ? string.Empty : ": {Cause:l}")
            + (suppressed > 0 ? " ({Suppressed} like it in the last {Window:l})" : string.Empty)
            + (peers.Length > 0 ? " (at most once per {Window:l} per peer)" : string.Empty);
        var arguments = new List<object?> { text };
        if (cause is not null)
        {
            arguments.Add(cause);
        }

        if (suppressed > 0)
        {
            arguments.Add(suppressed);
            arguments.Add(WindowText);
        }

        if (peers.Length > 0)
        {
            arguments.Add(WindowText);
        }

        return new AkkaLogLine(source, level, template, [.. arguments], null);
    }

    // A peer's message refused by JsonRefusingSerializer or AkkaEnvelopeGuards, as Akka's EndpointReader reports it
    // ("Deserialization failed for message with serializer id [1]", no peer in the text): rewritten to name the peer (from the reader's actor
    // path, which names the remote address after ours) and the type, once per peer and type in the window.
    private AkkaLogLine? RefusedLine(LogEvent e, RefusedMessageException refused)
    {
        var source = e.LogSource ?? string.Empty;
        // The path starts with this director's address; the endpoint actors' names end with the peer's.
        var peer = AkkaAddress().Matches(Uri.UnescapeDataString(source)) is { Count: > 0 } m ? m[^1].Value : source;
        if (!Admit($"refused|{peer}|{refused.TypeName}", out var suppressed))
        {
            return null;
        }

        return new AkkaLogLine(
            typeof(JsonRefusingSerializer).FullName!,
            LogEventLevel.Warning,
            "Refused a cluster message from {Peer} naming the .NET type {Type}: directors take only LvsHa's and Akka's own messages, without JSON, exceptions or remote deployment; dropped, the association stays"
                + (suppressed > 0 ? " ({Suppressed} like it in the last {Window:l})" : string.Empty)
                + " (at most once per {Window:l} per peer and type)",
            suppressed > 0 ? [peer, refused.TypeName, suppressed, WindowText, WindowText] : [peer, refused.TypeName, WindowText],
            null);
    }

    private static RefusedMessageException? Refusal(Exception? e)
    {
        // Akka wraps it when the JSON was nested in an envelope of its own (an actor selection's payload).
        for (; e is not null; e = e.InnerException)
        {
            if (e is RefusedMessageException refused)
            {
                return refused;
            }
        }

        return null;
    }

    // True when a line under key is due: the first, or the first after Window (then with how many were left out).
    private bool Admit(string key, out int suppressed)
    {
        var now = _time.GetUtcNow();
        var left = 0;
        var write = false;
        _last.AddOrUpdate(
            key,
            _ =>
            {
                write = true;
                return (now, 0);
            },
            (_, last) =>
            {
                if (now - last.At < Window)
                {
                    return (last.At, last.Suppressed + 1);
                }

                write = true;
                left = last.Suppressed;
                return (now, 0);
            });
        suppressed = left;
        return write;
    }

    /// <summary>The event's real source: its class, or (string sources) the component or actor path Akka named.</summary>
    public static string SourceOf(LogEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.LogClass is null || e.LogClass == typeof(DummyClassForStringSources)
            ? e.LogSource ?? "Akka"
            : e.LogClass.FullName ?? e.LogClass.Name;
    }

    /// <summary>The first IP address in <paramref name="peer"/> (an Akka address or a socket endpoint), else the whole text.</summary>
    public static string PeerHost(string peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var match = Addresses().Match(peer);
        return match.Success ? match.Value : peer;
    }

    private const string GatedAfterFailure = "Tried to associate with unreachable remote address";

    /// <summary>
    /// Akka's join-seed-node process warns "Couldn't join seed nodes after [N] attempts" from its second attempt on,
    /// one attempt per seed-node-timeout (5 s): at every cold start in the emulated VM, while the seeds' TLS
    /// associations are still being set up and before Membership.SeedJoiner's founder has formed the cluster. That is
    /// information; a join still retrying after this many attempts (a minute) is a warning.
    /// </summary>
    public const int JoinAttemptsBeforeWarning = 12;

    // Akka's ProtocolStateActor: the transport failure detector gave up on an open association, or a connection
    // this director opened did not complete its handshake in connect_timeout (a peer that is down or cut off).
    private static readonly string[] TimeoutsEchoed =
    [
        "No response from remote. Handshake timed out or transport failure detector triggered.",
        "No response from remote for outbound association.",
    ];

    // A failed association is reported, naming the peer, by Akka's ReliableDeliverySupervisor ("Association with
    // remote system ... has failed; address is now gated") or EndpointWriter ("AssociationError [...] -> peer").
    // Errors that come with it name no peer and add nothing: the ProtocolStateActor's timeouts, and the supervisor
    // strategy logging the same failure as "Disassociated". Debug, so that a peer that vanished gives its warning
    // once, not errors besides.
    private static bool RestatesAssociationFailure(LogEvent e, string text) =>
        TimeoutsEchoed.Any(t => text.StartsWith(t, StringComparison.Ordinal))
        || e.Cause?.GetType().FullName == "Akka.Remote.EndpointDisassociatedException";

    private static bool IsConnectionRefused(string text) => text.Contains("Connection refused", StringComparison.OrdinalIgnoreCase);

    private static bool IsOwn(LogEvent e) => e.LogClass?.Namespace?.StartsWith("LvsHa.", StringComparison.Ordinal) == true;

    private static Exception? Innermost(Exception? e)
    {
        while (e?.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    // IPv4 (also inside ::ffff: mapped forms) and bracketed IPv6 addresses; ports are left out on purpose (a
    // reconnecting peer uses a new source port each time).
    [GeneratedRegex(@"\b(?:\d{1,3}\.){3}\d{1,3}\b|\[[0-9A-Fa-f:]*:[0-9A-Fa-f:]*\](?=[:\]/])", RegexOptions.CultureInvariant)]
    private static partial Regex Addresses();

    [GeneratedRegex(@"^Couldn't join seed nodes after \[(\d+)\] attempts", RegexOptions.CultureInvariant)]
    private static partial Regex JoinRetry();

    // An Akka address up to its port (an actor name built from it goes on with "-N").
    [GeneratedRegex(@"akka(?:\.ssl)?\.tcp://[^/@\s]+@(?:\[[0-9A-Fa-f:.]+\]|[^/:\s\[]+):\d+", RegexOptions.CultureInvariant)]
    private static partial Regex AkkaAddress();
}
