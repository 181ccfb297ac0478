namespace LvsHa.Director.Tests.Lab;

/// <summary>Entry point of the processes the lab tests start: `lvsha ARGS`, the real command line, or a <see cref="JsonPeer"/>.</summary>
public static class LabNodeProgram
{
    public static int Main(string[] args)
    {
        if (args is ["lvsha", .. var cli])
        {
            return LvsHa.Cli.LvsHaCli.Run(cli, Console.Out, Console.Error);
        }

        if (args is [JsonPeer.Command, var secret, var listen, var director, var mark])
        {
            return JsonPeer.Run(secret, listen, director, mark);
        }

        Console.Error.WriteLine("usage: LvsHa.Director.Tests lvsha ARGS");
        return 64;
    }
}
