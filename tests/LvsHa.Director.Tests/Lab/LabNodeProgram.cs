namespace LvsHa.Director.Tests.Lab;

/// <summary>Entry point of the director processes the lab tests start: `lvsha ARGS`, the real command line.</summary>
public static class LabNodeProgram
{
    public static int Main(string[] args)
    {
        if (args is ["lvsha", .. var cli])
        {
            return LvsHa.Cli.LvsHaCli.Run(cli, Console.Out, Console.Error);
        }

        Console.Error.WriteLine("usage: LvsHa.Director.Tests lvsha ARGS");
        return 64;
    }
}
