using LvsHa.Config.Syntax;

namespace LvsHa.Config.Tests.Syntax;

public class LexerTests
{
    private static List<Token> Lex(string text, DiagnosticBag? bag = null)
    {
        var lexer = new Lexer(text, "f.conf", bag ?? new DiagnosticBag());
        var tokens = new List<Token>();
        for (var t = lexer.Next(); t.Kind != TokenKind.EndOfFile; t = lexer.Next())
            tokens.Add(t);
        return tokens;
    }

    [Fact]
    public void Next_WordsAndBraces_KeepLineAndColumn()
    {
        var tokens = Lex("virtual_server 10.0.0.1 80 {\n  lb_algo rr\n}");
        Assert.Equal(
            [(TokenKind.Word, "virtual_server", 1, 1), (TokenKind.Word, "10.0.0.1", 1, 16), (TokenKind.Word, "80", 1, 25),
             (TokenKind.OpenBrace, "{", 1, 28), (TokenKind.EndOfLine, "", 1, 29), (TokenKind.Word, "lb_algo", 2, 3),
             (TokenKind.Word, "rr", 2, 11), (TokenKind.EndOfLine, "", 2, 13), (TokenKind.CloseBrace, "}", 3, 1)],
            tokens.Select(t => (t.Kind, t.Text, t.Line, t.Column)));
    }

    [Theory]
    [InlineData("weight 3 # a comment")]
    [InlineData("weight 3 ! a comment")]
    [InlineData("weight 3# glued comment")]
    [InlineData("weight 3!glued")]
    public void Next_CommentsAnywhereOnLine_AreSkipped(string text)
    {
        Assert.Equal(["weight", "3"], Lex(text).Where(t => t.Kind == TokenKind.Word).Select(t => t.Text));
    }

    [Fact]
    public void Next_QuotedString_KeepsSpacesAndCommentCharacters()
    {
        var tokens = Lex("misc_path \"/bin/check --host x # not a comment ! neither\"");
        Assert.Equal(TokenKind.QuotedString, tokens[1].Kind);
        Assert.Equal("/bin/check --host x # not a comment ! neither", tokens[1].Text);
        Assert.Equal(11, tokens[1].Column);
    }

    [Fact]
    public void Next_QuotedStringWithEscapes_Unescapes()
    {
        Assert.Equal("say \"hi\" \\", Lex("x \"say \\\"hi\\\" \\\\\"")[1].Text);
    }

    [Fact]
    public void Next_SingleQuote_IsPartOfWordAsInKeepalived()
    {
        Assert.Equal(["notify", "it's"], Lex("notify it's").Select(t => t.Text));
    }

    [Fact]
    public void Next_UnterminatedQuote_ReportsErrorAndStops()
    {
        var bag = new DiagnosticBag();
        var tokens = Lex("script \"/bin/true\nnext line", bag);
        Assert.Equal(1, bag.ErrorCount);
        Assert.Contains("unterminated", bag.Items[0].Message, StringComparison.Ordinal);
        Assert.Equal(new SourceLocation("f.conf", 1, 8), bag.Items[0].Location);
        Assert.Contains(tokens, t => t.Text == "next" && t.Line == 2);
    }

    [Fact]
    public void Next_BackslashAtEndOfLine_JoinsLines()
    {
        var tokens = Lex("notify_up \\\n  /bin/true\nweight 1");
        Assert.Equal(["notify_up", "/bin/true", "", "weight", "1"], tokens.Where(t => t.Kind != TokenKind.EndOfFile).Select(t => t.Text));
        Assert.Equal(2, tokens[1].Line);
    }

    [Fact]
    public void Next_ByteOrderMark_IsNotPartOfFirstWord()
    {
        Assert.Equal("global_defs", Lex("\uFEFFglobal_defs {")[0].Text);
    }

    [Fact]
    public void Next_CrLfLineEnds_AreWhitespace()
    {
        Assert.Equal(["a", "", "b"], Lex("a\r\nb").Select(t => t.Text));
    }
}
