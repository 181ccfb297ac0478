using System.Security.Cryptography;
using System.Text;

namespace LvsHa.Director.Security;

/// <summary>The shared secret of the cluster and the keys derived from it (one key per purpose).</summary>
public sealed class ClusterSecret
{
    /// <summary>Shortest secret accepted: shorter ones are guessable offline from a captured advert's HMAC.</summary>
    public const int MinimumLength = 16;

    private readonly byte[] _secret;

    private ClusterSecret(byte[] secret) => _secret = secret;

    /// <summary>Key of the HMAC-SHA256 over every advert envelope.</summary>
    public byte[] AdvertKey => Derive("lvsha advert hmac v1", 32);

    /// <summary>Seed of the P-256 private key of the cluster's TLS certificate.</summary>
    public byte[] TlsKeySeed => Derive("lvsha tls p256 v1", 48);

    /// <summary>Short fingerprint that identifies the secret in logs without revealing it.</summary>
    public string Fingerprint => Convert.ToHexStringLower(Derive("lvsha fingerprint v1", 4));

    /// <summary>A secret from bytes (trailing whitespace, e.g. the newline of `echo secret > file`, is ignored).</summary>
    public static ClusterSecret FromBytes(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.Length;
        while (end > 0 && bytes[end - 1] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            end--;
        }

        if (end < MinimumLength)
        {
            throw new ClusterSecretException($"the cluster secret has {end} bytes; at least {MinimumLength} are required");
        }

        return new ClusterSecret(bytes[..end].ToArray());
    }

    /// <summary>A secret from a string (tests and tools).</summary>
    public static ClusterSecret FromString(string secret) => FromBytes(Encoding.UTF8.GetBytes(secret));

    /// <summary>Reads secret_file; refuses a file other users may read, as sshd does with private keys.</summary>
    public static ClusterSecret Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                var mode = File.GetUnixFileMode(path);
                if ((mode & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.GroupWrite)) != 0)
                {
                    throw new ClusterSecretException($"secret_file {path} is readable or writable by other users (mode {Convert.ToString((int)mode, 8)}); chmod 600 it");
                }
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new ClusterSecretException($"cannot read secret_file {path}: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ClusterSecretException($"cannot read secret_file {path}: {e.Message}");
        }

        try
        {
            return FromBytes(bytes);
        }
        catch (ClusterSecretException e)
        {
            throw new ClusterSecretException($"secret_file {path}: {e.Message}");
        }
    }

    private byte[] Derive(string purpose, int length) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _secret, length, salt: [], info: Encoding.ASCII.GetBytes(purpose));
}
