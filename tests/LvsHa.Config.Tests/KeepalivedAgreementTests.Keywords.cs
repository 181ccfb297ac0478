using LvsHa.Config.Building;
using LvsHa.Config.Tests.Building;

namespace LvsHa.Config.Tests;

public sealed partial class KeepalivedAgreementTests
{
    /// <summary>
    /// Table entries keepalived 2.2.7 as packaged by Debian does not know: vrrp_ipsets is compiled out there;
    /// garp_interval and gna_interval in vrrp_instance are accepted on the VRRP work's behalf (keepalived has them in
    /// garp_group only).
    /// </summary>
    private static readonly HashSet<(string, string)> KnownExceptions =
        [("global_defs", "vrrp_ipsets"), ("vrrp_instance", "garp_interval"), ("vrrp_instance", "gna_interval")];

    [Fact]
    public void KeywordTable_EveryKeepalivedKeyword_IsKnownToKeepalived()
    {
        var unknown = new List<string>();
        int checkedCount = 0;
        foreach (var (block, known, _) in KeepalivedKeywords.All())
        {
            foreach (var keyword in known.Where(k => !KeepalivedKeywords.IsLvsHaOwn(block, k) && !KnownExceptions.Contains((block, k))))
            {
                using var dir = new TempDir();
                var file = dir.Write("k.conf", KeywordTests.InBlock(block, keyword + " 1"));
                var (_, output) = _ns.KeepalivedCheck(file);
                checkedCount++;
                if (output.Contains($"Unknown keyword '{keyword}'", StringComparison.Ordinal))
                    unknown.Add($"{keyword} in {block}");
            }
        }
        Assert.True(checkedCount > 400, $"only {checkedCount} keywords checked");
        Assert.True(unknown.Count == 0, "keepalived -t does not know: " + string.Join(", ", unknown));
    }
}
