using LvsHa.Config.Building;
using static LvsHa.Config.Tests.TestSupport;

namespace LvsHa.Config.Tests.Building;

/// <summary>Unknown keywords are errors with a suggestion; keepalived keywords LvsHa lacks follow the one table.</summary>
public class KeywordTests
{
    private const string Rs = "protocol TCP\nreal_server 10.0.1.1 80 {\n}";

    [Fact]
    public void Load_TypoInVirtualServer_IsErrorNamingBlockAndNearestKeyword()
    {
        var r = Load(Vs("10.0.0.1 80", "protocol TCP\n  lb_algoo rr\n" + "real_server 10.0.1.1 80 {\n}"));
        Assert.False(r.Success);
        var e = SingleError(r, "unknown keyword 'lb_algoo' in virtual_server; did you mean 'lb_algo'?");
        Assert.Equal(new SourceLocation("test.conf", 3, 3), e.Location);
    }

    [Theory]
    [InlineData("global_defs {\n  router_idd r1\n}\n", "unknown keyword 'router_idd' in global_defs; did you mean 'router_id'?")]
    [InlineData("vrrp_instance V {\n  interface eth0\n  virtual_router_id 1\n  priorty 100\n}\n", "unknown keyword 'priorty' in vrrp_instance; did you mean 'priority'?")]
    [InlineData("virtual_sever 10.0.0.1 80 {\n}\n", "unknown keyword 'virtual_sever' at the top level; did you mean 'virtual_server'?")]
    [InlineData("virtual_server 10.0.0.1 80 {\n  PERSISTENCE_TIMEOUT 60\n}\n", "unknown keyword 'PERSISTENCE_TIMEOUT' in virtual_server; did you mean 'persistence_timeout'?")]
    [InlineData("cluster {\n  node_name a\n  listen 10.0.0.1 1\n  sed 10.0.0.2 1\n  secret_file s\n}\n", "unknown keyword 'sed' in cluster; did you mean 'seed'?")]
    public void Load_TypoInAnyBlock_IsErrorWithSuggestion(string text, string message)
    {
        var r = Load(text);
        Assert.False(r.Success);
        SingleError(r, message);
    }

    [Fact]
    public void Load_UnknownKeywordFarFromAnyKnown_IsErrorWithoutSuggestion()
    {
        var r = Load(Vs("10.0.0.1 80", "frobnicate_everything yes\n" + Rs));
        var e = Assert.Single(r.Errors);
        Assert.Equal("unknown keyword 'frobnicate_everything' in virtual_server", e.Message);
        Assert.Equal(new SourceLocation("test.conf", 2, 1), e.Location);
    }

    [Theory]
    [InlineData("global_defs {\n notification_email {\n  a@b.c\n }\n notification_email_from x@y.z\n smtp_server 10.0.0.9\n smtp_connect_timeout 30\n enable_traps\n}\n", 5)]
    [InlineData("vrrp_instance V {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n  10.1.1.1\n }\n smtp_alert\n}\n", 1)]
    public void Load_CosmeticKeepalivedKeywords_AreWarnings(string text, int warnings)
    {
        var r = Load(text);
        Assert.True(r.Success, string.Join('\n', r.Diagnostics));
        Assert.Equal(warnings, r.Warnings.Count(w => w.Message.Contains("changes nothing the director does", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("vrrp_instance V {\n interface eth0\n virtual_router_id 1\n use_vmac\n}\n", "'use_vmac' in vrrp_instance", 4)]
    [InlineData("global_defs {\n lvs_flush\n}\n", "'lvs_flush' in global_defs", 2)]
    [InlineData("vrrp_track_process p {\n process x\n}\n", "'vrrp_track_process' at the top level", 1)]
    [InlineData("virtual_server 10.0.0.1 80 {\n real_server 10.0.1.1 80 {\n  BFD_CHECK {\n  }\n }\n}\n", "'BFD_CHECK' in real_server", 3)]
    public void Load_BehaviourChangingKeepalivedKeywords_AreErrors(string text, string contains, int line)
    {
        var r = Load(text);
        Assert.False(r.Success);
        var e = SingleError(r, contains + " is known to keepalived but not supported by LvsHa");
        Assert.Equal(line, e.Location.Line);
    }

    [Theory]
    [InlineData("mcast_src_ip 10.0.0.1")]
    [InlineData("dont_track_primary")]
    [InlineData("garp_lower_prio_repeat 1")]
    [InlineData("skip_check_adv_addr")]
    public void Load_VrrpWireKeywordOfTheVrrpWork_IsNotFlagged(string line)
    {
        var r = Load($"vrrp_instance V {{\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {{\n  10.1.1.1\n }}\n {line}\n}}\n");
        Assert.True(r.Success, string.Join('\n', r.Diagnostics));
        Assert.Empty(r.Diagnostics);
    }

    [Theory]
    [InlineData("garp_interval 0.01", true)]  // keepalived 2.2.7 knows it only in garp_group
    [InlineData("gna_interval 0.01", true)]
    [InlineData("unicast_ttl 5", false)]      // known, not implemented: a warning
    [InlineData("garp_lower_prio_delay 1", false)]
    public void Load_VrrpKeywordsLvshaDoesNotImplement_WarnedOrRefused(string line, bool error)
    {
        var r = Load($"vrrp_instance V {{\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {{\n  10.1.1.1\n }}\n {line}\n}}\n");
        Assert.Equal(!error, r.Success);
        Assert.Single(r.Diagnostics);
    }

    [Fact]
    public void Load_LbKindInRealServer_IsAnErrorAsInKeepalivedT()
    {
        var r = Load(Vs("10.0.0.1 80", "protocol TCP\nreal_server 10.0.1.1 80 {\n lb_kind DR\n}"));
        Assert.False(r.Success);
        SingleError(r, "unknown keyword 'lb_kind' in real_server: keepalived does not know lb_kind in real_server either; use lvs_method");
    }

    public static TheoryData<string, string> EveryTableKeyword()
    {
        var data = new TheoryData<string, string>();
        foreach (var (block, known, _) in KeepalivedKeywords.All())
        {
            foreach (var k in known.Order(StringComparer.Ordinal))
                data.Add(block, k);
        }
        return data;
    }

    /// <summary>A configuration with <paramref name="line"/> inside <paramref name="block"/> (a table block name).</summary>
    internal static string InBlock(string block, string line) => block switch
    {
        "the top level" => line + "\n",
        "global_defs" or "cluster" or "real_server_prep" => $"{block} {{\n{line}\n}}\n",
        "virtual_server" => $"virtual_server 10.0.0.1 80 {{\n{line}\n}}\n",
        "real_server" => $"virtual_server 10.0.0.1 80 {{\nreal_server 10.0.1.1 80 {{\n{line}\n}}\n}}\n",
        "url" => $"virtual_server 10.0.0.1 80 {{\nreal_server 10.0.1.1 80 {{\nHTTP_GET {{\nurl {{\n{line}\n}}\n}}\n}}\n}}\n",
        "host" => $"virtual_server 10.0.0.1 25 {{\nreal_server 10.0.1.1 25 {{\nSMTP_CHECK {{\nhost {{\n{line}\n}}\n}}\n}}\n}}\n",
        "authentication" => $"vrrp_instance V {{\nauthentication {{\n{line}\n}}\n}}\n",
        "vrrp_instance" or "vrrp_script" or "vrrp_sync_group" or "track_file" => $"{block} X {{\n{line}\n}}\n",
        _ => $"virtual_server 10.0.0.1 80 {{\nreal_server 10.0.1.1 80 {{\n{block} {{\n{line}\n}}\n}}\n}}\n",
    };

    [Theory]
    [MemberData(nameof(EveryTableKeyword))]
    public void Load_KeywordKnownInTable_IsImplementedOrClassified(string block, string keyword)
    {
        var r = Load(InBlock(block, keyword));
        var flagged = r.Diagnostics.Where(d => d.Message.Contains($"'{keyword}'", StringComparison.Ordinal)
            && (d.Message.Contains("unknown keyword", StringComparison.Ordinal) || d.Message.Contains("not supported by LvsHa", StringComparison.Ordinal))).ToList();
        var support = KeepalivedKeywords.Support(block, keyword);
        if (support is null or Unimplemented.Accepted)
            Assert.True(flagged.Count == 0, $"{keyword} in {block}: " + string.Join('\n', flagged));
        else
            Assert.Single(flagged);
    }

    [Fact]
    public void Readme_ListsEveryUnimplementedKeyword()
    {
        var readme = File.ReadAllText(Path.Combine(Path.GetDirectoryName(SamplesDirectory())!, "src", "LvsHa.Config", "README.md"));
        foreach (var (block, _, unimplemented) in KeepalivedKeywords.All())
        {
            foreach (var (k, _) in unimplemented)
                Assert.True(readme.Contains($"`{k}`", StringComparison.Ordinal), $"README does not list `{k}` ({block})");
        }
    }

    [Theory]
    [InlineData("lb_algoo", "lb_algo", 1)]
    [InlineData("lb_alog", "lb_algo", 1)]
    [InlineData("persistance_timeout", "persistence_timeout", 1)]
    public void EditDistance_CloseWords_IsSmall(string a, string b, int expected) =>
        Assert.Equal(expected, KeepalivedKeywords.EditDistance(a, b, 3));
}
