namespace LvsHa.Config;

/// <summary>A script LvsHa runs on an event (notify_up, notify_master, quorum_up, ...).</summary>
/// <param name="Command">The command line as written (program and arguments).</param>
/// <param name="User">User to run it as (optional `username [groupname]` after the script), or null for the default.</param>
/// <param name="Location">Where it was written.</param>
public sealed record NotifyScript(string Command, string? User, SourceLocation Location);
