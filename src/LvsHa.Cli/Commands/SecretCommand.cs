using System.CommandLine;
using LvsHa.Director.Security;

namespace LvsHa.Cli.Commands;

/// <summary>`lvsha secret generate FILE`: writes a new cluster secret (the one way to get a secret `run` accepts for sure).</summary>
public static class SecretCommand
{
    /// <summary>Builds `secret` with its `generate` sub-command.</summary>
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "Where to write the secret (refused when it exists)." };
        var generate = new Command("generate",
            $"Write a new cluster secret: \"{ClusterSecret.GeneratedPrefix}\" and {ClusterSecret.GeneratedBytes} random bytes in base64, mode 0600. " +
            "A generated secret is used as it is; one written otherwise is stretched at every start (PBKDF2, 600,000 rounds). Never overwrites a file. " +
            "Copy the same file to every director (secret_file in the cluster block), owned by root.\n" + ExitCodes.Help)
        {
            file,
        };
        generate.SetAction(parse => Generate(parse.GetValue(file)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return new Command("secret", "Manage the directors' cluster secret.") { generate };
    }

    /// <summary>Writes a new secret to <paramref name="path"/>; returns the exit code.</summary>
    public static int Generate(string path, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            ClusterSecret.WriteNew(path);
        }
        catch (ClusterSecretException e)
        {
            error.WriteLine($"lvsha secret generate: {e.Message}");
            return ExitCodes.Failed;
        }

        output.WriteLine($"{path}: new cluster secret (fingerprint {ClusterSecret.Load(path).Fingerprint}); copy it to every director");
        return ExitCodes.Ok;
    }
}
