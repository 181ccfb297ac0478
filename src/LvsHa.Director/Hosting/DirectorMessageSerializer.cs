using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using LvsHa.Director.Adverts;
using LvsHa.Director.Membership;

namespace LvsHa.Director.Hosting;

/// <summary>
/// The wire form of the messages directors send each other (adverts, seed probes and their replies): a fixed binary
/// layout per message kind, named by a one-letter manifest. Akka's default serializer (Newtonsoft JSON with type
/// names) is kept off them for two reasons: a message names no .NET type a peer could make this director load, and an
/// advert a second costs a few hundred bytes of buffers instead of JSON's reflection (5 % of an idle director's CPU,
/// measured by perf). Anything malformed is refused with <see cref="SerializationException"/>, which Akka logs and
/// drops without touching the association.
/// </summary>
public sealed class DirectorMessageSerializer : SerializerWithStringManifest
{
    /// <summary>Akka's serializer id for these messages (ids below 100 are Akka's own).</summary>
    public const int Id = 7340;

    /// <summary>
    /// The serializer and its bindings, as HOCON for the director's ActorSystem; with <see cref="JsonRefusingSerializer"/>
    /// under Akka's name for its JSON serializer ("json", bound to System.Object), so Akka never creates its own and
    /// a type bound to neither this nor one of Akka's serializers is refused both ways; and with
    /// <see cref="MiscMessageGuard"/>, <see cref="SystemMessageGuard"/> and <see cref="RemoteDeploymentRefusal"/> under
    /// the names of the three Akka.Remote serializers that resolve .NET type names a peer writes (exceptions, remote
    /// deployment).
    /// </summary>
    public static string Hocon => $$"""
        akka.actor {
          serializers.lvsha = "{{AkkaConfigBuilder.TypeName(typeof(DirectorMessageSerializer))}}"
          serializers.json = "{{AkkaConfigBuilder.TypeName(typeof(JsonRefusingSerializer))}}"
          serializers.akka-misc = "{{AkkaConfigBuilder.TypeName(typeof(MiscMessageGuard))}}"
          serializers.daemon-create = "{{AkkaConfigBuilder.TypeName(typeof(RemoteDeploymentRefusal))}}"
          serializers.akka-system-msg = "{{AkkaConfigBuilder.TypeName(typeof(SystemMessageGuard))}}"
          serialization-bindings {
            "{{AkkaConfigBuilder.TypeName(typeof(VrrpAdvertEnvelope))}}" = lvsha
            "{{AkkaConfigBuilder.TypeName(typeof(SeedProbe))}}" = lvsha
            "{{AkkaConfigBuilder.TypeName(typeof(SeedProbeReply))}}" = lvsha
          }
        }
        """;

    // Longest string or byte field accepted (node names, instance names, advert payloads and MACs are far shorter).
    private const int MaxField = 4096;
    private const int MaxMembers = 256;

    private const string Advert = "A";
    private const string Probe = "P";
    private const string ProbeReply = "R";

    /// <summary>Created by Akka from the bindings in <see cref="Hocon"/>.</summary>
    public DirectorMessageSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <inheritdoc />
    public override string Manifest(object o) => o switch
    {
        VrrpAdvertEnvelope => Advert,
        SeedProbe => Probe,
        SeedProbeReply => ProbeReply,
        _ => throw new ArgumentException($"{o?.GetType()} is not a director message", nameof(o)),
    };

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            switch (obj)
            {
                case VrrpAdvertEnvelope a:
                    w.Write(a.Instance);
                    w.Write(a.VirtualRouterId);
                    w.Write(a.SenderNode);
                    w.Write(a.Incarnation);
                    w.Write(a.Sequence);
                    w.Write(a.TimestampUnixMs);
                    WriteBytes(w, a.Payload);
                    WriteBytes(w, a.Mac);
                    break;
                case SeedProbe:
                    break;
                case SeedProbeReply r:
                    w.Write(r.IsMember);
                    w.Write(r.Members.Length);
                    foreach (var member in r.Members)
                        w.Write(member);
                    break;
                default:
                    throw new ArgumentException($"{obj?.GetType()} is not a director message", nameof(obj));
            }
        }

        return buffer.ToArray();
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var r = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        try
        {
            object message = manifest switch
            {
                Advert => new VrrpAdvertEnvelope(
                    Instance: ReadString(r), VirtualRouterId: r.ReadInt32(), SenderNode: ReadString(r), Incarnation: r.ReadInt64(),
                    Sequence: r.ReadInt64(), TimestampUnixMs: r.ReadInt64(), Payload: ReadBytes(r), Mac: ReadBytes(r)),
                Probe => SeedProbe.Instance,
                ProbeReply => new SeedProbeReply(r.ReadBoolean(), ReadMembers(r)),
                _ => throw new SerializationException($"unknown director message kind '{manifest}'"),
            };
            if (r.BaseStream.Position != bytes.Length)
                throw new SerializationException($"director message '{manifest}': {bytes.Length - r.BaseStream.Position} bytes beyond its end");
            return message;
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or IOException)
        {
            throw new SerializationException($"director message '{manifest}' is malformed: {e.Message}", e);
        }
    }

    private static void WriteBytes(BinaryWriter w, byte[] bytes)
    {
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    private static byte[] ReadBytes(BinaryReader r)
    {
        var length = r.ReadInt32();
        if (length is < 0 or > MaxField)
            throw new SerializationException($"a field of {length} bytes (at most {MaxField})");
        var bytes = r.ReadBytes(length);
        return bytes.Length == length ? bytes : throw new EndOfStreamException();
    }

    // BinaryReader.ReadString trusts the length prefix; a peer's length is checked first.
    private static string ReadString(BinaryReader r)
    {
        var start = r.BaseStream.Position;
        var length = r.Read7BitEncodedInt();
        if (length is < 0 or > MaxField)
            throw new SerializationException($"a text of {length} bytes (at most {MaxField})");
        r.BaseStream.Position = start;
        return r.ReadString();
    }

    private static string[] ReadMembers(BinaryReader r)
    {
        var count = r.ReadInt32();
        if (count is < 0 or > MaxMembers)
            throw new SerializationException($"{count} members (at most {MaxMembers})");
        var members = new string[count];
        for (var i = 0; i < count; i++)
            members[i] = ReadString(r);
        return members;
    }
}
