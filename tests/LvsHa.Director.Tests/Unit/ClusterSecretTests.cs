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

    [Fact]
    public void Load_TrailingNewline_IsIgnored()
    {
        var path = WriteFile("sixteen-byte-sec\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal(ClusterSecret.FromString("sixteen-byte-sec").Fingerprint, ClusterSecret.Load(path).Fingerprint);
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
        Assert.Equal(["peer-b: certificate key is not derived from this cluster's secret", "peer-c: no certificate presented"], rejected);
    }
}
