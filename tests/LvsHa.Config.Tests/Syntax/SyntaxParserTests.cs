using LvsHa.Config.Syntax;

namespace LvsHa.Config.Tests.Syntax;

public class SyntaxParserTests
{
    [Fact]
    public void ParseText_NestedBlocks_BuildsTree()
    {
        var r = SyntaxParser.ParseText("virtual_server 10.0.0.1 80 {\n real_server 10.0.1.1 80 {\n  weight 2\n }\n}\n", "a.conf");
        Assert.Empty(r.Diagnostics);
        var vs = Assert.Single(r.Statements);
        Assert.Equal(["virtual_server", "10.0.0.1", "80"], vs.Words.Select(w => w.Text));
        var rs = Assert.Single(vs.Block!);
        Assert.Equal(new SourceLocation("a.conf", 2, 2), rs.Location);
        var weight = Assert.Single(rs.Block!);
        Assert.Null(weight.Block);
        Assert.Equal("2", weight.Argument(0).Text);
        Assert.Equal(new SourceLocation("a.conf", 3, 10), weight.Argument(0).Location);
    }

    [Fact]
    public void ParseText_OneLineBlocks_AreSplitIntoStatements()
    {
        var r = SyntaxParser.ParseText("real_server 10.0.1.1 80 { weight 2 TCP_CHECK { connect_timeout 3 } }", "a.conf");
        Assert.Empty(r.Diagnostics);
        var rs = Assert.Single(r.Statements);
        Assert.Equal(["weight 2 TCP_CHECK { ... }"], rs.Block!.Select(s => s.ToString()));
    }

    [Fact]
    public void ParseText_BraceOnNextLine_OpensBlockOfPreviousStatement()
    {
        var r = SyntaxParser.ParseText("global_defs\n{\n router_id x\n}\n", "a.conf");
        Assert.Empty(r.Diagnostics);
        Assert.Equal("router_id", Assert.Single(Assert.Single(r.Statements).Block!).Keyword);
    }

    [Fact]
    public void ParseText_MissingCloseBrace_ReportsOpeningKeywordLocation()
    {
        var r = SyntaxParser.ParseText("global_defs {\n router_id x\n}\nvirtual_server 10.0.0.1 80 {\n  lb_algo rr\n", "a.conf");
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal(new SourceLocation("a.conf", 4, 1), d.Location);
        Assert.Contains("unbalanced braces", d.Message, StringComparison.Ordinal);
        Assert.Contains("'virtual_server'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseText_ExtraCloseBrace_ReportsItsLocation()
    {
        var r = SyntaxParser.ParseText("global_defs {\n}\n  }\n", "a.conf");
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal(new SourceLocation("a.conf", 3, 3), d.Location);
        Assert.Contains("unbalanced braces", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseText_OpenBraceWithoutKeyword_IsAnError()
    {
        var r = SyntaxParser.ParseText("{\n weight 1\n}\n", "a.conf");
        Assert.Contains(r.Diagnostics, d => d.Message.Contains("without a keyword", StringComparison.Ordinal));
    }

    [Fact]
    public void ParseFile_IncludeRelativeGlob_IsSortedAndSpliced()
    {
        using var dir = new TempDir();
        dir.Write("conf.d/b.conf", "b_keyword 2\n");
        dir.Write("conf.d/a.conf", "a_keyword 1\n");
        dir.Write("conf.d/skip.txt", "never\n");
        var main = dir.Write("main.conf", "first\ninclude conf.d/*.conf\nlast\n");
        var r = SyntaxParser.ParseFile(main);
        Assert.Empty(r.Diagnostics);
        Assert.Equal(["first", "a_keyword", "b_keyword", "last"], r.Statements.Select(s => s.Keyword));
        Assert.Equal(Path.Combine(dir.Path, "conf.d/a.conf"), r.Statements[1].Location.File);
    }

    [Fact]
    public void ParseFile_IncludeInsideBlock_AddsToThatBlock()
    {
        using var dir = new TempDir();
        dir.Write("rs.conf", "real_server 10.0.0.2 80 {\n weight 1\n}\n");
        var main = dir.Write("main.conf", "virtual_server 10.0.0.1 80 {\n include rs.conf\n}\n");
        var r = SyntaxParser.ParseFile(main);
        Assert.Empty(r.Diagnostics);
        Assert.Equal("real_server", Assert.Single(Assert.Single(r.Statements).Block!).Keyword);
    }

    [Fact]
    public void ParseFile_IncludeOfMissingFile_IsAnErrorAtTheName()
    {
        using var dir = new TempDir();
        var main = dir.Write("main.conf", "include   nothere.conf\n");
        var d = Assert.Single(SyntaxParser.ParseFile(main).Diagnostics);
        Assert.Equal(new SourceLocation(main, 1, 11), d.Location);
        Assert.Contains("nothere.conf", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseFile_IncludeLoop_IsReportedNotFollowed()
    {
        using var dir = new TempDir();
        dir.Write("a.conf", "include b.conf\n");
        dir.Write("b.conf", "include a.conf\n");
        var r = SyntaxParser.ParseFile(Path.Combine(dir.Path, "a.conf"));
        var d = Assert.Single(r.Diagnostics);
        Assert.Contains("include loop", d.Message, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(dir.Path, "b.conf"), d.Location.File);
    }

    [Fact]
    public void ParseFile_ErrorInIncludedFile_NamesTheIncludedFile()
    {
        using var dir = new TempDir();
        var inc = dir.Write("sub/broken.conf", "\n\nvirtual_server 10.0.0.1 80 {\n");
        var main = dir.Write("main.conf", "include sub/broken.conf\n");
        var d = Assert.Single(SyntaxParser.ParseFile(main).Diagnostics);
        Assert.Equal(new SourceLocation(inc, 3, 1), d.Location);
    }

    [Fact]
    public void ParseFile_IncludeAbsolutePath_Works()
    {
        using var dir = new TempDir();
        var inc = dir.Write("x/abs.conf", "kw\n");
        var main = dir.Write("main.conf", $"include {inc}\n");
        Assert.Equal("kw", Assert.Single(SyntaxParser.ParseFile(main).Statements).Keyword);
    }
}
