using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using LvsHa.Director.Hosting;
using LvsHa.Director.Membership;
using LvsHa.Director.Security;

namespace LvsHa.Director.Tests.Lab;

/// <summary>
/// A peer holding the cluster secret (so it passes the directors' mutual TLS) whose JSON serializer is Akka's stock
/// one: it sends a director <see cref="Gadget"/>s as JSON, top level and nested in an actor selection, then a seed
/// probe, and prints the director's answer. `LvsHa.Director.Tests json-peer SECRET_FILE LISTEN_ADDRESS DIRECTOR_ADDRESS MARK_PATH`.
/// </summary>
public static class JsonPeer
{
    public const string Command = "json-peer";

    /// <summary>Printed with the director's answer to the probe sent after the JSON.</summary>
    public const string Answered = "director answered after the JSON";

    public static int Run(string secretFile, string listen, string director, string markPath)
    {
        var certificate = ClusterCertificate.Create(ClusterSecret.Load(secretFile));
        var tls = new DotNettySslSetup(certificate, suppressValidation: false, requireMutualAuthentication: true,
            validateCertificateHostname: false, ClusterCertificate.Validator(certificate));
        // The director's bindings (it speaks to the seed joiner), with Akka's own JSON serializer put back under "json".
        var config = ConfigurationFactory.ParseString($$"""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp {
              hostname = "{{listen}}"
              port = {{LabCluster.Port}}
              enable-ssl = on
            }
            {{DirectorMessageSerializer.Hocon}}
            akka.actor.serializers.json = "Akka.Serialization.NewtonSoftJsonSerializer, Akka"
            """);
        using var system = ActorSystem.Create(AkkaConfigBuilder.SystemName, ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config), tls));
        var selection = system.ActorSelection($"akka.ssl.tcp://{AkkaConfigBuilder.SystemName}@{director}:{LabCluster.Port}/user/{SeedJoiner.Name}");
        var joiner = selection.ResolveOne(TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
        joiner.Tell(Gadget.Aimed(markPath));
        joiner.Tell(Gadget.Aimed(markPath));
        selection.Tell(new List<object> { Gadget.Aimed(markPath) });
        var reply = joiner.Ask<SeedProbeReply>(SeedProbe.Instance, TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
        Console.WriteLine($"{Answered}: member={reply.IsMember}");
        return 0;
    }
}

/// <summary>
/// A type whose property setter writes a file, as deserialization gadgets do: Newtonsoft JSON calls the setter when
/// it builds one from a payload; <see cref="Aimed"/> builds one without calling it.
/// </summary>
public sealed class Gadget
{
    private string? _mark;

    public string? Mark
    {
        get => _mark;
        set
        {
            _mark = value;
            if (value is not null)
                File.WriteAllText(value, "a peer's JSON made this process build a Gadget");
        }
    }

    public static Gadget Aimed(string markPath) => new() { _mark = markPath };
}
