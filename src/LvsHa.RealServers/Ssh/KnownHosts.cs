using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace LvsHa.RealServers.Ssh;

/// <summary>The outcome of checking a host key against known_hosts.</summary>
public enum HostKeyVerdict
{
    /// <summary>A line for this host has exactly this key.</summary>
    Match,

    /// <summary>The host has lines, none with this key: possibly a man in the middle.</summary>
    Mismatch,

    /// <summary>No line names this host.</summary>
    Unknown,

    /// <summary>The key is marked @revoked.</summary>
    Revoked,
}

/// <summary>An OpenSSH known_hosts file: plain and hashed (|1|) host names, [host]:port, any key type; keys compared by blob.</summary>
public sealed class KnownHosts
{
    private static readonly HashSet<string> SupportedTypes =
        ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa", "ssh-dss", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com"];

    private KnownHosts(IReadOnlyList<KnownHostEntry> entries, int skippedLines)
    {
        Entries = entries;
        SkippedLines = skippedLines;
    }

    /// <summary>The usable lines.</summary>
    public IReadOnlyList<KnownHostEntry> Entries { get; }

    /// <summary>Lines that were neither comments nor usable (malformed); they never match anything.</summary>
    public int SkippedLines { get; }

    /// <summary>Reads and parses a file; a missing or unreadable file is a <see cref="KnownHostsFormatException"/>.</summary>
    public static KnownHosts Load(string path)
    {
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KnownHostsFormatException($"cannot read known_hosts file {path}: {e.Message}", e);
        }
    }

    /// <summary>Parses known_hosts text; malformed lines are counted and ignored, never thrown.</summary>
    public static KnownHosts Parse(string text)
    {
        var entries = new List<KnownHostEntry>();
        int skipped = 0;
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (TryParseLine(line) is { } entry)
            {
                entries.Add(entry);
            }
            else
            {
                skipped++;
            }
        }

        return new KnownHosts(entries, skipped);
    }

    /// <summary>The name known_hosts uses for a host and port: "host" for 22, "[host]:port" otherwise.</summary>
    public static string LookupName(string host, int port) => port == 22 ? host : $"[{host}]:{port}";

    /// <summary>OpenSSH's SHA256 fingerprint of a key blob.</summary>
    public static string Sha256Fingerprint(ReadOnlySpan<byte> blob) =>
        "SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');

    /// <summary>The key types known for a host (to offer only those host key algorithms).</summary>
    public IReadOnlySet<string> KeyTypesFor(string host, int port)
    {
        string name = LookupName(host, port);
        return Entries.Where(e => e.Marker == KnownHostMarker.None && e.Matches(name)).Select(e => e.KeyType).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Checks a presented key blob for a host.</summary>
    public HostKeyVerdict Check(string host, int port, ReadOnlySpan<byte> blob)
    {
        string name = LookupName(host, port);
        bool hostKnown = false;
        foreach (KnownHostEntry entry in Entries)
        {
            bool sameKey = blob.SequenceEqual(entry.KeyBlob);
            if (entry.Marker == KnownHostMarker.Revoked && sameKey)
            {
                return HostKeyVerdict.Revoked;
            }
        }

        foreach (KnownHostEntry entry in Entries)
        {
            if (entry.Marker != KnownHostMarker.None || !entry.Matches(name))
            {
                continue;
            }

            hostKnown = true;
            if (blob.SequenceEqual(entry.KeyBlob))
            {
                return HostKeyVerdict.Match;
            }
        }

        return hostKnown ? HostKeyVerdict.Mismatch : HostKeyVerdict.Unknown;
    }

    private static KnownHostEntry? TryParseLine(string line)
    {
        string[] fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        int i = 0;
        var marker = KnownHostMarker.None;
        if (fields.Length > 0 && fields[0].StartsWith('@'))
        {
            marker = fields[0] switch
            {
                "@revoked" => KnownHostMarker.Revoked,
                "@cert-authority" => KnownHostMarker.CertAuthority,
                _ => (KnownHostMarker)(-1),
            };
            if ((int)marker < 0)
            {
                return null;
            }

            i = 1;
        }

        if (fields.Length < i + 3)
        {
            return null;
        }

        string hosts = fields[i];
        string keyType = fields[i + 1];
        byte[]? blob = TryBase64(fields[i + 2]);
        if (blob is null || !SupportedTypes.Contains(keyType) || BlobType(blob) != keyType)
        {
            return null;
        }

        if (hosts.StartsWith("|1|", StringComparison.Ordinal))
        {
            string[] parts = hosts.Split('|');
            byte[]? salt = parts.Length == 4 ? TryBase64(parts[2]) : null;
            byte[]? hash = parts.Length == 4 ? TryBase64(parts[3]) : null;
            return salt is { Length: 20 } && hash is { Length: 20 }
                ? new KnownHostEntry(marker, [], salt, hash, keyType, blob)
                : null;
        }

        return new KnownHostEntry(marker, hosts.Split(',', StringSplitOptions.RemoveEmptyEntries), null, null, keyType, blob);
    }

    private static string? BlobType(byte[] blob)
    {
        if (blob.Length < 4)
        {
            return null;
        }

        uint length = BinaryPrimitives.ReadUInt32BigEndian(blob);
        return length <= (uint)(blob.Length - 4) ? Encoding.ASCII.GetString(blob, 4, (int)length) : null;
    }

    private static byte[]? TryBase64(string text)
    {
        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out int written) ? buffer[..written] : null;
    }
}
