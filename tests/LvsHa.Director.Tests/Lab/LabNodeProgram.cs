using System.Text.Json;
using LvsHa.Director.Hosting;

namespace LvsHa.Director.Tests.Lab;

/// <summary>Entry point of the director processes the lab tests start: `lab-node OPTIONS.json` or `lvsha ARGS`.</summary>
public static class LabNodeProgram
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<int> Main(string[] args)
    {
        // `lvsha ARGS`: the real command line (lvsha run / lvsha status) for the VRRP lab.
        if (args is ["lvsha", .. var cli])
        {
            return LvsHa.Cli.LvsHaCli.Run(cli, Console.Out, Console.Error);
        }

        if (args is not ["lab-node", var optionsFile])
        {
            await Console.Error.WriteLineAsync("usage: LvsHa.Director.Tests lab-node OPTIONS.json");
            return 64;
        }

        var options = JsonSerializer.Deserialize<DirectorOptions>(await File.ReadAllTextAsync(optionsFile), Json)
            ?? throw new InvalidOperationException("null options");
        using var stop = new CancellationTokenSource();
        return await DirectorHost.RunAsync(options, stop.Token);
    }
}
