namespace LvsHa.Config.Tests;

/// <summary>Tests that change the process working directory; they run alone so no other test sees it.</summary>
[CollectionDefinition(nameof(WorkingDirectoryTests), DisableParallelization = true)]
public sealed class WorkingDirectoryCollection;

[Collection(nameof(WorkingDirectoryTests))]
public class WorkingDirectoryTests
{
    [Fact]
    public void Load_RelativeMainFile_IncludedFilesStayRelative()
    {
        using var dir = new TempDir();
        dir.Write("conf/inc/x.conf", "bogus_top_level 1\n");
        dir.Write("conf/main.conf", "include inc/*.conf\n");
        var cwd = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = dir.Path;
            var w = Assert.Single(ConfigLoader.Load("conf/main.conf").Errors);
            Assert.Equal(new SourceLocation("conf/inc/x.conf", 1, 1), w.Location);
        }
        finally
        {
            Environment.CurrentDirectory = cwd;
        }
    }
}
