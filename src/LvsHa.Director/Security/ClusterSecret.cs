using System.Security.Cryptography;
using System.Text;

namespace LvsHa.Director.Security;

/// <summary>The shared secret of the cluster and the keys derived from it (one key per purpose).</summary>
public sealed class ClusterSecret
{
    /// <summary>Shortest secret accepted at all (tests and tools; a secret_file must also pass <see cref="MinimumEstimatedBits"/>).</summary>
    public const int MinimumLength = 16;

    /// <summary>
    /// Least estimated strength of a secret_file, in bits (<see cref="EstimatedBits"/>): what 32 random bytes in any
    /// encoding (raw, base64, hex) and a long passphrase pass, and short or repetitive strings fail.
    /// </summary>
    public const double MinimumEstimatedBits = 128;

    /// <summary>
    /// PBKDF2-HMAC-SHA256 rounds that stretch a secret the operator chose once at start (OWASP's 2023 figure; 0.37 s
    /// natively, 13.9 s in the emulated VM).
    /// </summary>
    public const int StretchIterations = 600_000;

    /// <summary>Random bytes in a generated secret.</summary>
    public const int GeneratedBytes = 32;

    /// <summary>
    /// What a generated secret starts with: "lvsha-key:" and the base64 of <see cref="GeneratedBytes"/> random bytes.
    /// The prefix says the secret is a random key, which is not stretched: 256 random bits cannot be guessed, and
    /// 19 bits more work per guess would cost every start 14 s in the emulated VM for nothing. Anything else is
    /// taken for a secret someone chose, and stretched. Guessing which one a file holds from how it looks would let
    /// a chosen secret that looks random skip the stretching.
    /// </summary>
    public const string GeneratedPrefix = "lvsha-key:";

    private static readonly byte[] StretchSalt = Encoding.ASCII.GetBytes("lvsha cluster secret v2");

    private static readonly byte[] GeneratedSalt = Encoding.ASCII.GetBytes("lvsha cluster key v1");

    // The master key: every key below is derived from it, never from the secret itself, so a guess at a chosen
    // secret from anything a director sends (its TLS certificate's public key) costs StretchIterations rounds.
    private readonly byte[] _master;

    private ClusterSecret(byte[] master) => _master = master;

    /// <summary>Key of the HMAC-SHA256 over every advert envelope.</summary>
    public byte[] AdvertKey => Derive("lvsha advert hmac v1", 32);

    /// <summary>Seed of the P-256 private key of the cluster's TLS certificate.</summary>
    public byte[] TlsKeySeed => Derive("lvsha tls p256 v1", 48);

    /// <summary>Short fingerprint that identifies the secret in logs without revealing it.</summary>
    public string Fingerprint => Convert.ToHexStringLower(Derive("lvsha fingerprint v1", 4));

    /// <summary>
    /// A secret from bytes (trailing whitespace, e.g. the newline of `echo secret > file`, is ignored): a generated
    /// key (<see cref="GeneratedPrefix"/>) is used as it is, anything else is stretched.
    /// </summary>
    public static ClusterSecret FromBytes(ReadOnlySpan<byte> bytes)
    {
        var secret = Trim(bytes);
        if (GeneratedKey(secret) is { } key)
        {
            return new ClusterSecret(HKDF.Extract(HashAlgorithmName.SHA256, key, GeneratedSalt));
        }

        if (secret.Length < MinimumLength)
        {
            throw new ClusterSecretException($"the cluster secret has {secret.Length} bytes; at least {MinimumLength} are required");
        }

        return new ClusterSecret(Rfc2898DeriveBytes.Pbkdf2(secret, StretchSalt, StretchIterations, HashAlgorithmName.SHA256, 32));
    }

    /// <summary>A secret from a string (tests and tools).</summary>
    public static ClusterSecret FromString(string secret) => FromBytes(Encoding.UTF8.GetBytes(secret));

    /// <summary>
    /// Estimated strength of <paramref name="secret"/> in bits: its length times the Shannon entropy of its own byte
    /// distribution. Nothing can measure how a chosen string was chosen; this only tells short and repetitive
    /// secrets from ones that look random: 32 random bytes give ~150 bits raw, ~220 base64, ~245 hex; 16 random
    /// bytes in hex (~115) and "a long enough cluster secret" (~100) fail.
    /// </summary>
    public static double EstimatedBits(ReadOnlySpan<byte> secret)
    {
        Span<int> counts = stackalloc int[256];
        foreach (var b in secret)
        {
            counts[b]++;
        }

        double bits = 0;
        foreach (var count in counts)
        {
            if (count > 0)
            {
                bits -= count * Math.Log2((double)count / secret.Length);
            }
        }

        return bits;
    }

    /// <summary>A new secret: <see cref="GeneratedPrefix"/>, <see cref="GeneratedBytes"/> random bytes in base64, a newline.</summary>
    public static string Generate() => GeneratedPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(GeneratedBytes)) + "\n";

    /// <summary>Writes a new secret to <paramref name="path"/> (mode 0600); never overwrites an existing file.</summary>
    public static void WriteNew(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(path, options);
            stream.Write(Encoding.ASCII.GetBytes(Generate()));
            stream.Flush(flushToDisk: true);
        }
        catch (IOException e) when (File.Exists(path))
        {
            throw new ClusterSecretException($"{path} exists; not overwriting it ({e.Message})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClusterSecretException($"cannot create {path}: {e.Message}");
        }
    }

    /// <summary>
    /// Reads and checks secret_file (<see cref="ReadChecked"/>) and stretches it: what `lvsha run` does at start.
    /// </summary>
    public static ClusterSecret Load(string path) => FromBytes(ReadChecked(path));

    /// <summary>
    /// Reads secret_file and refuses, as sshd does with private keys, a file group or others may read or write, one
    /// not owned by root when this process runs as root, and a secret below <see cref="MinimumEstimatedBits"/>.
    /// What `lvsha check` runs (no key derivation).
    /// </summary>
    public static byte[] ReadChecked(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
            var (mode, owner) = Stat(file);
            if ((mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            {
                throw new ClusterSecretException($"secret_file {path} is readable or writable by group or others (mode {Convert.ToString((int)mode, 8)}); chmod 600 it");
            }

            var self = (uint)Tmds.Linux.LibC.geteuid();
            if (self == 0 && owner != 0)
            {
                throw new ClusterSecretException($"secret_file {path} is owned by uid {owner}, not root; chown root it");
            }

            var length = RandomAccess.GetLength(file);
            bytes = new byte[length];
            var read = 0;
            while (read < bytes.Length)
            {
                var n = RandomAccess.Read(file, bytes.AsSpan(read), read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            bytes = bytes[..read];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClusterSecretException($"cannot read secret_file {path}: {e.Message}");
        }

        var secret = Trim(bytes);
        try
        {
            if (GeneratedKey(secret) is not null)
            {
                return bytes;
            }
        }
        catch (ClusterSecretException e)
        {
            throw new ClusterSecretException($"secret_file {path}: {e.Message}");
        }

        var bits = EstimatedBits(secret);
        if (secret.Length < MinimumLength || bits < MinimumEstimatedBits)
        {
            throw new ClusterSecretException(
                $"secret_file {path}: the secret is too weak ({secret.Length} bytes, estimated {bits:F0} bits, at least {MinimumEstimatedBits:F0} required); create one with `lvsha secret generate FILE`");
        }

        return bytes;
    }

    /// <summary>
    /// The random key of a generated secret, or null when <paramref name="secret"/> is a chosen one (no
    /// <see cref="GeneratedPrefix"/>); a prefix followed by anything but the base64 of <see cref="GeneratedBytes"/>
    /// bytes is refused (a damaged copy), never taken for a chosen secret.
    /// </summary>
    private static byte[]? GeneratedKey(ReadOnlySpan<byte> secret)
    {
        var prefix = Encoding.ASCII.GetBytes(GeneratedPrefix);
        if (!secret.StartsWith(prefix))
        {
            return null;
        }

        var key = new byte[GeneratedBytes];
        var text = Encoding.ASCII.GetString(secret[prefix.Length..]);
        if (!Convert.TryFromBase64String(text, key, out var written) || written != GeneratedBytes)
        {
            throw new ClusterSecretException(
                $"the secret starts with \"{GeneratedPrefix}\" but the rest is not the base64 of {GeneratedBytes} bytes (a damaged copy?); copy the file again, or create one with `lvsha secret generate FILE`");
        }

        return key;
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.Length;
        while (end > 0 && bytes[end - 1] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            end--;
        }

        return bytes[..end];
    }

    private static unsafe (UnixFileMode Mode, uint Owner) Stat(Microsoft.Win32.SafeHandles.SafeFileHandle file)
    {
        Tmds.Linux.stat st;
        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
            if (Tmds.Linux.LibC.fstat((int)file.DangerousGetHandle(), &st) != 0)
            {
                throw new IOException($"fstat failed (errno {Tmds.Linux.LibC.errno})");
            }
        }
        finally
        {
            if (added)
            {
                file.DangerousRelease();
            }
        }

        return ((UnixFileMode)((uint)st.st_mode & 0xfff), (uint)st.st_uid);
    }

    private byte[] Derive(string purpose, int length) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _master, length, salt: [], info: Encoding.ASCII.GetBytes(purpose));
}
