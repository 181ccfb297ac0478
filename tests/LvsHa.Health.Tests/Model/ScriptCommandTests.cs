using LvsHa.Health.Model;

namespace LvsHa.Health.Tests.Model;

public class ScriptCommandTests
{
    [Fact]
    public void Parse_QuotesAndEscapes_SplitLikeKeepalived()
    {
        var c = ScriptCommand.Parse("  /usr/bin/check \"a b\" 'c \\d' e\\ f  g ");

        Assert.Equal("/usr/bin/check", c.Program);
        Assert.Equal(["a b", "c \\d", "e f", "g"], c.Arguments);
    }

    [Fact]
    public void Parse_EmptyQuotedArgument_Kept()
    {
        Assert.Equal([""], ScriptCommand.Parse("/bin/x ''").Arguments);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("/bin/x \"open")]
    public void Parse_Invalid_FormatException(string line)
    {
        Assert.Throws<FormatException>(() => ScriptCommand.Parse(line));
    }
}
