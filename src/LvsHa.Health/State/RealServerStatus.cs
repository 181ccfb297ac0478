using System.Net;

namespace LvsHa.Health.State;

/// <summary>A snapshot of one real server's health for status display.</summary>
/// <param name="RealServer">The destination.</param>
/// <param name="Alive">Whether every checker passes.</param>
/// <param name="Weight">The effective weight (configured, adjusted by misc_dynamic).</param>
/// <param name="FailedCheckers">How many of its checkers are failed.</param>
/// <param name="InPool">Whether the destination currently takes traffic at its weight.</param>
public sealed record RealServerStatus(IPEndPoint RealServer, bool Alive, int Weight, int FailedCheckers, bool InPool);
