using System.Net.Security;
using LvsHa.Director.Security;

namespace LvsHa.Director.Tests.Unit;

public sealed class ClusterSecretTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lvsha-dir-secret-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WriteFile(string content, UnixFileMode mode)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    [Fact]
    public void FromString_TooShort_Throws() =>
        Assert.Throws<ClusterSecretException>(() => ClusterSecret.FromString("short"));

    private const string Strong = "Q2FsbCBtZSBJc2htYWVsLiBTb21lIHllYXJzIGFnby4=";

    [Fact]
    public void Load_TrailingNewline_IsIgnored()
    {
        var path = WriteFile(Strong + "\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal(ClusterSecret.FromString(Strong).Fingerprint, ClusterSecret.Load(path).Fingerprint);
    }

    [Theory]
    [InlineData("a long enough cluster secret")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab")]
    [InlineData("password1234password1234password1234")]
    public void Load_WeakSecret_ThrowsPointingToGenerate(string weak)
    {
        var path = WriteFile(weak, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var error = Assert.Throws<ClusterSecretException>(() => ClusterSecret.Load(path));
        Assert.Contains("lvsha secret generate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EstimatedBits_RandomSecretsInEveryEncoding_Pass_HexOf16Bytes_Fails()
    {
        for (var i = 0; i < 200; i++)
        {
            var bytes = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
            Assert.True(ClusterSecret.EstimatedBits(bytes) >= ClusterSecret.MinimumEstimatedBits);
            Assert.True(ClusterSecret.EstimatedBits(System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(bytes))) >= ClusterSecret.MinimumEstimatedBits);
            Assert.True(ClusterSecret.EstimatedBits(System.Text.Encoding.ASCII.GetBytes(Convert.ToHexStringLower(bytes))) >= ClusterSecret.MinimumEstimatedBits);
        }

        var short16 = System.Text.Encoding.ASCII.GetBytes(Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
        Assert.True(ClusterSecret.EstimatedBits(short16) < ClusterSecret.MinimumEstimatedBits);
    }

    [Fact]
    public void Load_GroupReadableFile_Throws()
    {
        var path = WriteFile(Strong, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        Assert.Contains("chmod 600", Assert.Throws<ClusterSecretException>(() => ClusterSecret.Load(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AsRootFileOwnedBySomeoneElse_Throws()
    {
        var path = WriteFile(Strong, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        LvsHa.Director.Tests.Lab.LabCommand.Run("chown", "12345", path);
        Assert.Contains("chown root", Assert.Throws<ClusterSecretException>(() => ClusterSecret.Load(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteNew_NewFile_Mode0600PassesLoad_ExistingFile_Refused()
    {
        var path = Path.Combine(_folder, "generated");
        ClusterSecret.WriteNew(path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var first = File.ReadAllText(path);
        Assert.StartsWith(ClusterSecret.GeneratedPrefix, first, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(first.Trim()[ClusterSecret.GeneratedPrefix.Length..]).Length);
        _ = ClusterSecret.Load(path);

        Assert.Throws<ClusterSecretException>(() => ClusterSecret.WriteNew(path));
        Assert.Equal(first, File.ReadAllText(path));
    }

    // Known answers computed apart from this code (Python's hashlib and hmac): directors of different builds must
    // derive the same keys from the same file. Generated: HMAC-SHA256 keyed "lvsha cluster key v1" over the 32 bytes
    // 00..1f; chosen: PBKDF2-HMAC-SHA256, 600,000 rounds, salt "lvsha cluster secret v2"; then the fingerprint's HKDF.
    [Theory]
    [InlineData("lvsha-key:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", "cdc07957")]
    [InlineData("a long enough cluster secret", "4afe0705")]
    public void Fingerprint_GeneratedKeyAndChosenSecret_KnownAnswers(string secret, string fingerprint) =>
        Assert.Equal(fingerprint, ClusterSecret.FromString(secret).Fingerprint);

    [Theory]
    [InlineData("lvsha-key:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxw")]
    [InlineData("lvsha-key:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gIQ==")]
    [InlineData("lvsha-key:not base64 at all, but long enough to pass as a chosen secret")]
    public void Load_GeneratedPrefixWithoutA32ByteKey_RefusedAsDamaged_NeverStretchedInstead(string damaged)
    {
        var path = WriteFile(damaged, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var error = Assert.Throws<ClusterSecretException>(() => ClusterSecret.Load(path));
        Assert.Contains($"secret_file {path}: the secret starts with \"lvsha-key:\" but the rest is not the base64 of 32 bytes", error.Message, StringComparison.Ordinal);
        Assert.Throws<ClusterSecretException>(() => ClusterSecret.FromString(damaged));
    }

    [Fact]
    public void Load_WorldReadableFile_ThrowsWithChmodHint()
    {
        var path = WriteFile("a long enough cluster secret", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var error = Assert.Throws<ClusterSecretException>(() => ClusterSecret.Load(path));
        Assert.Contains("chmod 600", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_ThrowsNamingIt()
    {
        var path = Path.Combine(_folder, "missing");
        var error = Assert.Throws<ClusterSecretException>(() => ClusterSecret.Load(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_DifferentPurposes_Differ()
    {
        var secret = ClusterSecret.FromString("a long enough cluster secret");
        Assert.NotEqual(secret.AdvertKey, secret.TlsKeySeed[..32]);
        Assert.Equal(secret.AdvertKey, ClusterSecret.FromString("a long enough cluster secret").AdvertKey);
    }

    [Fact]
    public void Create_SameSecretTwice_SameTlsPublicKeyWithPrivateKey()
    {
        using var a = ClusterCertificate.Create(ClusterSecret.FromString("a long enough cluster secret"));
        using var b = ClusterCertificate.Create(ClusterSecret.FromString("a long enough cluster secret"));
        Assert.True(a.HasPrivateKey);
        Assert.Equal(a.PublicKey.EncodedKeyValue.RawData, b.PublicKey.EncodedKeyValue.RawData);
    }

    [Fact]
    public void Validator_PeerWithSameSecret_Accepted_OtherSecret_RejectedWithReason()
    {
        using var own = ClusterCertificate.Create(ClusterSecret.FromString("a long enough cluster secret"));
        using var same = ClusterCertificate.Create(ClusterSecret.FromString("a long enough cluster secret"));
        using var other = ClusterCertificate.Create(ClusterSecret.FromString("another long cluster secret"));
        var rejected = new List<string>();
        var validator = ClusterCertificate.Validator(own, (peer, reason) => rejected.Add($"{peer}: {reason}"));

        Assert.True(validator(same, null!, "peer-a", SslPolicyErrors.RemoteCertificateChainErrors, null!));
        Assert.False(validator(other, null!, "peer-b", SslPolicyErrors.RemoteCertificateChainErrors, null!));
        Assert.False(validator(null!, null!, "peer-c", SslPolicyErrors.RemoteCertificateNotAvailable, null!));
        Assert.Equal(
            [
                $"peer-b: its certificate (subject CN=lvsha-cluster, key {ClusterCertificate.KeyFingerprint(other)}) is not this cluster's (key {ClusterCertificate.KeyFingerprint(own)})",
                "peer-c: no certificate presented",
            ],
            rejected);
        Assert.Matches("^sha256:[0-9a-f]{16}$", ClusterCertificate.KeyFingerprint(own));
        Assert.NotEqual(ClusterCertificate.KeyFingerprint(own), ClusterCertificate.KeyFingerprint(other));
    }
}
