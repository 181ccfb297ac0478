using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Remote.Transport.DotNetty;

namespace LvsHa.Director.Security;

/// <summary>
/// The TLS identity every director derives from the cluster secret: the same P-256 key pair on every director that
/// holds the secret, in a self-signed certificate. Mutual TLS then admits exactly the peers that prove possession of
/// that private key, i.e. of the secret; no CA, no certificate files to distribute.
/// </summary>
public static class ClusterCertificate
{
    // Order n of the NIST P-256 group.
    private static readonly BigInteger P256Order = BigInteger.Parse(
        "0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);

    /// <summary>The self-signed certificate with the private key derived from <paramref name="secret"/>.</summary>
    public static X509Certificate2 Create(ClusterSecret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        using var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = PrivateScalar(secret.TlsKeySeed) });
        var request = new CertificateRequest("CN=lvsha-cluster", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));

        // Validity is not what authenticates a peer (the key is); a fixed wide window keeps clocks out of the picture.
        using var created = request.CreateSelfSigned(
            new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2999, 1, 1, 0, 0, 0, TimeSpan.Zero));

        // SslStream wants a key it can use from the certificate store layer: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>
    /// A peer is admitted when its certificate carries the cluster's public key; chain and host name errors are
    /// expected (self-signed) and irrelevant. <paramref name="onRejected"/> is told about every rejected peer.
    /// </summary>
    public static CertificateValidationCallback Validator(X509Certificate2 own, Action<string, string>? onRejected = null)
    {
        ArgumentNullException.ThrowIfNull(own);
        var expected = own.PublicKey.EncodedKeyValue.RawData;
        return (certificate, _, peer, _, _) =>
        {
            if (certificate is null)
            {
                onRejected?.Invoke(peer ?? "?", "no certificate presented");
                return false;
            }

            if (!CryptographicOperations.FixedTimeEquals(certificate.PublicKey.EncodedKeyValue.RawData, expected))
            {
                onRejected?.Invoke(
                    peer ?? "?",
                    $"its certificate (subject {certificate.Subject}, key {KeyFingerprint(certificate)}) is not this cluster's (key {KeyFingerprint(own)})");
                return false;
            }

            return true;
        };
    }

    /// <summary>
    /// SHA-256 of the certificate's SubjectPublicKeyInfo, first 8 bytes in hex: what logs show of a peer's key
    /// (`openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | sha256sum` gives the full value).
    /// </summary>
    public static string KeyFingerprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()).AsSpan(0, 8));
    }

    // 48 uniform bytes reduced mod (n - 1), plus 1: a valid scalar with negligible bias (FIPS 186-4 B.4.1).
    private static byte[] PrivateScalar(byte[] seed)
    {
        var value = (new BigInteger(seed, isUnsigned: true, isBigEndian: true) % (P256Order - 1)) + 1;
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        var scalar = new byte[32];
        bytes.CopyTo(scalar, 32 - bytes.Length);
        return scalar;
    }
}
