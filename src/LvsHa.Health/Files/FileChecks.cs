using LvsHa.Health.Model;
using LvsHa.Health.State;

namespace LvsHa.Health.Files;

/// <summary>The FILE_CHECKs of a virtual service: where they are and their start-up reading.</summary>
public static class FileChecks
{
    /// <summary>Every FILE_CHECK of <paramref name="settings"/>: its real server's and its own index, and its file.</summary>
    public static IReadOnlyList<(int RealServer, int Checker, FileCheckSpec Spec)> Of(VirtualServiceHealthSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var found = new List<(int, int, FileCheckSpec)>();
        for (var r = 0; r < settings.RealServers.Count; r++)
        {
            var checkers = settings.RealServers[r].Checkers;
            for (var c = 0; c < checkers.Count; c++)
            {
                if (checkers[c] is FileCheckSpec spec)
                    found.Add((r, c, spec));
            }
        }

        return found;
    }

    /// <summary>
    /// Reads every FILE_CHECK's file once and gives the numbers to <paramref name="health"/> before it starts, so
    /// that its first table already follows the files (keepalived reads them before its checkers start). A number
    /// out of range is ignored, as keepalived does, which leaves the checker at 0. Returns the numbers, in the order
    /// of <see cref="Of"/>.
    /// </summary>
    public static IReadOnlyList<long> ReadInitial(VirtualServiceHealth health)
    {
        ArgumentNullException.ThrowIfNull(health);
        var numbers = new List<long>();
        foreach (var (r, c, spec) in Of(health.Settings))
        {
            var number = TrackFileValue.Read(spec.Path) ?? 0;
            numbers.Add(number);
            _ = health.OnTrackedFile(r, c, number);
        }

        return numbers;
    }
}
