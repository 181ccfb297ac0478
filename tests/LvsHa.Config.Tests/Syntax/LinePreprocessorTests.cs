using LvsHa.Config.Syntax;
using static LvsHa.Config.Tests.TestSupport;

namespace LvsHa.Config.Tests.Syntax;

/// <summary>keepalived's line rules: `@ID` / `@^ID` conditions, `$NAME=` definitions and `$NAME` substitution.</summary>
public class LinePreprocessorTests
{
    private static IReadOnlyList<string> Lines(string text, string configId = "d1")
    {
        var r = SyntaxParser.ParseText(text, "p.conf", configId);
        Assert.Empty(r.Diagnostics);
        return [.. r.Statements.Select(s => s.ToString())];
    }

    [Fact]
    public void ParseText_ConditionMatchingConfigId_KeepsTheRestOfTheLine()
    {
        Assert.Equal(["router_id a", "router_id c"], Lines("@d1 router_id a\n@d2 router_id b\n@^d2 router_id c\n@^d1 router_id d\n"));
    }

    [Fact]
    public void ParseText_ConditionInsideBlock_AppliesToThatLine()
    {
        var r = SyntaxParser.ParseText("global_defs {\n  @d2 router_id b\n  @d1   router_id a\n}\n", "p.conf", "d1");
        var s = Assert.Single(Assert.Single(r.Statements).Block!);
        Assert.Equal("router_id a", s.ToString());
        Assert.Equal(new SourceLocation("p.conf", 3, 9), s.Location);
    }

    [Fact]
    public void ParseText_ConditionWithNothingAfterTheId_IsDropped()
    {
        Assert.Empty(Lines("@d1\n@d1   \n"));
    }

    [Fact]
    public void ParseText_ConditionOnABlockOpener_DropsOrKeepsTheWholeBlockHeader()
    {
        var lines = Lines("@d2 virtual_server 10.0.0.2 80 {\n@d1 virtual_server 10.0.0.1 80 {\n lb_algo rr\n}\n");
        Assert.Equal(["virtual_server 10.0.0.1 80 { ... }"], lines);
    }

    [Fact]
    public void ParseText_DefinitionAndSubstitution_ReplaceWithColumnOfTheDollar()
    {
        var r = SyntaxParser.ParseText("$VIP=10.0.0.1 # comment\nvirtual_server $VIP $PORTx\n$PORT=80\nreal_server ${VIP} $PORT\n", "p.conf", "d1");
        Assert.Empty(r.Diagnostics);
        Assert.Equal(["virtual_server 10.0.0.1 $PORTx", "real_server 10.0.0.1 80"], r.Statements.Select(s => s.ToString()));
        Assert.Equal(new SourceLocation("p.conf", 4, 20), r.Statements[1].Argument(1).Location);
    }

    [Fact]
    public void ParseText_UndefinedParameter_IsLeftAsWritten()
    {
        var s = Assert.Single(SyntaxParser.ParseText("$A=1\nnotify \"/bin/x $1 $HOME $A\"\n", "p.conf", "d1").Statements);
        Assert.Equal("/bin/x $1 $HOME $A", s.Argument(0).Text);
    }

    [Fact]
    public void ParseText_DefinitionWithBlankBeforeEquals_IsNotADefinition()
    {
        var r = ConfigLoader.LoadText("$PORT = 80\n", "p.conf", "d1");
        Assert.Contains("neither a parameter definition", SingleError(r, "'$PORT'").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseText_ParameterHoldingACondition_IsConditionedToo()
    {
        Assert.Equal(["router_id x"], Lines("$ONLY2=@d2 router_id y\n$ONLY1=@d1 router_id x\n$ONLY2\n$ONLY1\n"));
    }

    [Fact]
    public void ParseText_ConditionalDefinition_DefinesOnlyForThatId()
    {
        Assert.Equal(["router_id one"], Lines("@d1 $R=one\n@d2 $R=two\nrouter_id $R\n"));
    }

    [Fact]
    public void ParseText_SelfReferencingParameter_IsAnErrorNotAHang()
    {
        var r = SyntaxParser.ParseText("$A=$A $A\nrouter_id $A\n", "p.conf", "d1");
        var d = Assert.Single(r.Diagnostics);
        Assert.Contains("parameter substitution does not end", d.Message, StringComparison.Ordinal);
        Assert.Equal(new SourceLocation("p.conf", 2, 11), d.Location);
    }

    [Fact]
    public void ParseText_MultiLineDefinition_IsAnErrorAndConsumesItsLines()
    {
        var r = SyntaxParser.ParseText("$M=a \\\n b \\\n c\nrouter_id x\n", "p.conf", "d1");
        var d = Assert.Single(r.Diagnostics);
        Assert.Contains("multi-line parameter definition '$M' is not supported", d.Message, StringComparison.Ordinal);
        Assert.Equal(["router_id x"], r.Statements.Select(s => s.ToString()));
        Assert.Equal(4, r.Statements[0].Location.Line);
    }

    [Fact]
    public void ParseText_SeqLine_IsAnError()
    {
        var d = Assert.Single(SyntaxParser.ParseText("  ~SEQ(i, 1, 3) router_id $i\n", "p.conf", "d1").Diagnostics);
        Assert.Equal(new SourceLocation("p.conf", 1, 3), d.Location);
        Assert.Contains("'~SEQ'", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("router_id ${_RANDOM 1 9}x\n", 11)]
    [InlineData("notify \"/bin/x $_INSTANCE\"\n", 16)]
    public void ParseText_BuiltinParameter_IsAnError(string text, int column)
    {
        var d = Assert.Single(SyntaxParser.ParseText(text, "p.conf", "d1").Diagnostics);
        Assert.Equal(new SourceLocation("p.conf", 1, column), d.Location);
        Assert.Contains("built-in parameter", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseFile_DefinitionInIncludedFile_IsUsedAfterTheInclude()
    {
        using var dir = new TempDir();
        dir.Write("defs.conf", "$ID=r7\n");
        var main = dir.Write("main.conf", "include defs.conf\nrouter_id $ID\n");
        var r = SyntaxParser.ParseFile(main, "d1");
        Assert.Empty(r.Diagnostics);
        Assert.Equal("router_id r7", Assert.Single(r.Statements).ToString());
    }

    [Fact]
    public void DefaultConfigId_IsTheHostNameUpToTheFirstDot()
    {
        var id = LinePreprocessor.DefaultConfigId();
        Assert.Equal(Environment.MachineName.Split('.')[0], id);
        Assert.DoesNotContain('.', id);
    }

    [Fact]
    public void Load_WithoutConfigId_MatchesTheShortHostName()
    {
        var c = LoadValid($"global_defs {{\n @{LinePreprocessor.DefaultConfigId()} router_id mine\n @^{LinePreprocessor.DefaultConfigId()} router_id other\n}}\n");
        Assert.Equal("mine", c.Global.RouterId);
    }
}
