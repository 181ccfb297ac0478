using System.Net;
using FsCheck;
using FsCheck.Fluent;
using LvsHa.Health.Model;
using LvsHa.Health.State;

namespace LvsHa.Health.Tests.State;

/// <summary>Random check-result sequences (a TCP and a misc_dynamic checker per real server) against a model of the
/// IPVS table built only from the decisions.</summary>
public class VirtualServiceHealthPropertyTests
{
    private static readonly IPEndPoint Sorry = IPEndPoint.Parse("192.168.30.99:80");

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property Decisions_AnySequence_TableMatchesStateAndQuorumRespectsHysteresis(
        bool withSorry, bool inhibit, byte quorumSeed, byte hysteresisSeed, (byte Rs, byte Checker, bool Up, byte Weight)[] events)
    {
        var weights = new[] { 1, 2, 3, 4 };
        var settings = new VirtualServiceHealthSettings("vs")
        {
            Quorum = 1 + quorumSeed % 10,
            Hysteresis = hysteresisSeed % 3,
            SorryServer = withSorry ? Sorry : null,
            InhibitOnFailure = inhibit,
            RealServers = weights.Select((w, i) => new RealServerHealthSettings(new IPEndPoint(IPAddress.Parse($"192.168.30.{i + 1}"), 80), w)
            {
                Checkers = [new TcpCheckSpec(), new MiscCheckSpec("/bin/weight") { Dynamic = true }],
            }).ToArray(),
        };
        var health = new VirtualServiceHealth(settings);
        var table = new Dictionary<IPEndPoint, int>(); // destination -> weight, as the daemon would program it
        Apply(table, health.Start());

        foreach (var (rsSeed, checkerSeed, up, weightSeed) in events ?? [])
        {
            var wasUp = health.QuorumUp;
            var checker = checkerSeed % 2;
            int? dynamicWeight = checker == 1 && up && weightSeed % 3 != 0 ? weightSeed % 6 : null;
            Apply(table, health.OnCheckResult(rsSeed % 4, checker, up, dynamicWeight));
            var live = health.LiveWeight();

            // Hysteresis: a transition happens only past the band around the quorum.
            if (wasUp && !health.QuorumUp && !(live == 0 || live < health.Quorum - settings.Hysteresis)) return false.ToProperty();
            if (!wasUp && health.QuorumUp && live < health.Quorum + settings.Hysteresis) return false.ToProperty();

            var expected = new Dictionary<IPEndPoint, int>();
            var sorryServes = withSorry && !health.QuorumUp;
            foreach (var rs in health.RealServerStatuses())
            {
                if (rs.Alive && !sorryServes) expected[rs.RealServer] = rs.Weight;
                else if (inhibit) expected[rs.RealServer] = 0;
            }

            if (sorryServes) expected[Sorry] = 1;
            if (!expected.OrderBy(e => e.Key.ToString()).SequenceEqual(table.OrderBy(e => e.Key.ToString())))
                return false.ToProperty();
            if (health.SorryServerActive != sorryServes) return false.ToProperty();
        }

        return true.ToProperty();
    }

    private static void Apply(Dictionary<IPEndPoint, int> table, IReadOnlyList<HealthDecision> decisions)
    {
        foreach (var decision in decisions)
        {
            switch (decision)
            {
                case RealServerUp up:
                    table[up.RealServer] = up.Weight;
                    break;
                case RealServerDown down when down.Inhibit:
                    table[down.RealServer] = 0;
                    break;
                case RealServerDown down:
                    table.Remove(down.RealServer);
                    break;
                case RealServerWeightChanged changed:
                    table[changed.RealServer] = changed.Weight;
                    break;
                case SorryServerIn sorryIn:
                    foreach (var member in sorryIn.RealServersOut)
                    {
                        if (member.Inhibit) table[member.RealServer] = 0;
                        else table.Remove(member.RealServer);
                    }

                    table[sorryIn.SorryServer] = 1;
                    break;
                case SorryServerOut sorryOut:
                    if (sorryOut.SorryServerInhibit) table[sorryOut.SorryServer] = 0;
                    else table.Remove(sorryOut.SorryServer);
                    foreach (var member in sorryOut.RealServersBack) table[member.RealServer] = member.Weight;
                    break;
            }
        }
    }
}
