using LvsHa.RealServers.Ssh;

namespace LvsHa.RealServers.Tests.Ssh;

public sealed class KnownHostsTests
{
    // Golden values made with OpenSSH: ssh-keygen -t ed25519/ecdsa, ssh-keygen -l, ssh-keygen -H.
    private const string Key1 = "AAAAC3NzaC1lZDI1NTE5AAAAIAMEtDVZJ9GPC87E+7Bt258GsocEw5+L6y7PSKUYcNa/";
    private const string Key1Fingerprint = "SHA256:nUHfybuS2LbUtvvVRv3aOTbPs4J4URU8IZv9ekf4h4o";
    private const string Key2 = "AAAAC3NzaC1lZDI1NTE5AAAAIDOmGj4cz0Khx56yn7aOBo1OMO1vERHYRL4cr64qXMTV";
    private const string Key3 = "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBKW+/rUgTC2vgs6tPJJ5OuWFfWuT4Xsd+efi99KDof4rZfTyQepvF14OpfmV2VcMezy2WnyETrBU5RNNCUSnqMk=";
    private const string Key3Fingerprint = "SHA256:rf+Gk4IleRtOAtfYVUyLwaSbNApfI8z08yr2D0ig7Ak";

    private const string HashedFile =
        "|1|RmikNXhLE2ZSnduK3dDqXMPZ+FY=|BXJ7j751ZnPZyfHRf/xhZZ4Xjp8= ssh-ed25519 " + Key1 + "\n" +
        "|1|PttCjtMJ0V/XLyJUNgqWAJdUFDA=|vRYK+o8KfOp+4xGiD+Cnt49bIsk= ecdsa-sha2-nistp256 " + Key3 + "\n";

    private static byte[] Blob(string base64) => Convert.FromBase64String(base64);

    [Fact]
    public void Check_PlainEntryWithSameKey_Match()
    {
        var known = KnownHosts.Parse($"# comment\n\nrs1,10.0.0.5 ssh-ed25519 {Key1} root@rs1\n");
        Assert.Equal(HostKeyVerdict.Match, known.Check("10.0.0.5", 22, Blob(Key1)));
        Assert.Equal(HostKeyVerdict.Match, known.Check("RS1", 22, Blob(Key1)));
    }

    [Fact]
    public void Check_PlainEntryWithOtherKey_Mismatch()
    {
        var known = KnownHosts.Parse($"10.0.0.5 ssh-ed25519 {Key1}\n");
        Assert.Equal(HostKeyVerdict.Mismatch, known.Check("10.0.0.5", 22, Blob(Key2)));
    }

    [Fact]
    public void Check_HostNotListed_Unknown()
    {
        var known = KnownHosts.Parse($"10.0.0.5 ssh-ed25519 {Key1}\n");
        Assert.Equal(HostKeyVerdict.Unknown, known.Check("10.0.0.6", 22, Blob(Key1)));
    }

    [Fact]
    public void Check_HashedEntriesFromSshKeygen_MatchHostAndBracketedPort()
    {
        var known = KnownHosts.Parse(HashedFile);
        Assert.Equal(HostKeyVerdict.Match, known.Check("10.0.0.5", 22, Blob(Key1)));
        Assert.Equal(HostKeyVerdict.Match, known.Check("10.0.0.5", 2222, Blob(Key3)));
        Assert.Equal(HostKeyVerdict.Mismatch, known.Check("10.0.0.5", 22, Blob(Key2)));
        Assert.Equal(HostKeyVerdict.Unknown, known.Check("10.0.0.5", 2223, Blob(Key3)));
        Assert.Equal(HostKeyVerdict.Unknown, known.Check("10.0.0.6", 22, Blob(Key1)));
    }

    [Fact]
    public void Check_PortEntry_DoesNotMatchPort22AndPort22EntryDoesNotMatchOtherPorts()
    {
        var known = KnownHosts.Parse($"[10.0.0.5]:2222 ssh-ed25519 {Key1}\n10.0.0.7 ssh-ed25519 {Key2}\n");
        Assert.Equal(HostKeyVerdict.Match, known.Check("10.0.0.5", 2222, Blob(Key1)));
        Assert.Equal(HostKeyVerdict.Unknown, known.Check("10.0.0.5", 22, Blob(Key1)));
        Assert.Equal(HostKeyVerdict.Unknown, known.Check("10.0.0.7", 2222, Blob(Key2)));
    }

    [Fact]
    public void Check_WildcardAndNegation_FollowOpenSsh()
    {
        var known = KnownHosts.Parse($"10.0.0.*,!10.0.0.66 ssh-ed25519 {Key1}\n");
        Assert.Equal(HostKeyVerdict.Match, known.Check("10.0.0.5", 22, Blob(Key1)));
        Assert.Equal(HostKeyVerdict.Unknown, known.Check("10.0.0.66", 22, Blob(Key1)));
        Assert.Equal(HostKeyVerdict.Unknown, known.Check("10.0.1.5", 22, Blob(Key1)));
    }

    [Fact]
    public void Check_RevokedKey_RevokedEvenWhenAlsoListed()
    {
        var known = KnownHosts.Parse($"10.0.0.5 ssh-ed25519 {Key1}\n@revoked * ssh-ed25519 {Key1}\n");
        Assert.Equal(HostKeyVerdict.Revoked, known.Check("10.0.0.5", 22, Blob(Key1)));
    }

    [Fact]
    public void Check_CertAuthorityLine_NeverVouchesForAHostKey()
    {
        var known = KnownHosts.Parse($"@cert-authority 10.0.0.5 ssh-ed25519 {Key1}\n");
        Assert.Equal(HostKeyVerdict.Unknown, known.Check("10.0.0.5", 22, Blob(Key1)));
    }

    [Theory]
    [InlineData("10.0.0.5 ssh-ed25519")]
    [InlineData("10.0.0.5 ssh-ed25519 not-base64!!")]
    [InlineData("10.0.0.5 ecdsa-sha2-nistp256 " + Key1)]
    [InlineData("10.0.0.5 ssh-foo " + Key1)]
    [InlineData("@bogus 10.0.0.5 ssh-ed25519 " + Key1)]
    [InlineData("|1|short|short ssh-ed25519 " + Key1)]
    [InlineData("10.0.0.5 ssh-ed25519 AAAA")]
    public void Parse_MalformedLine_SkippedAndNeverMatches(string line)
    {
        var known = KnownHosts.Parse(line + "\n");
        Assert.Empty(known.Entries);
        Assert.Equal(1, known.SkippedLines);
        Assert.Equal(HostKeyVerdict.Unknown, known.Check("10.0.0.5", 22, Blob(Key1)));
    }

    [Fact]
    public void Sha256Fingerprint_SameAsSshKeygen()
    {
        Assert.Equal(Key1Fingerprint, KnownHosts.Sha256Fingerprint(Blob(Key1)));
        Assert.Equal(Key3Fingerprint, KnownHosts.Sha256Fingerprint(Blob(Key3)));
    }

    [Fact]
    public void KeyTypesFor_HashedAndPlain_TypesOfMatchingLinesOnly()
    {
        var known = KnownHosts.Parse(HashedFile + $"10.0.0.9 ssh-ed25519 {Key2}\n");
        Assert.Equal(["ecdsa-sha2-nistp256"], known.KeyTypesFor("10.0.0.5", 2222));
        Assert.Equal(["ssh-ed25519"], known.KeyTypesFor("10.0.0.5", 22));
        Assert.Empty(known.KeyTypesFor("10.0.0.8", 22));
    }

    [Fact]
    public void Load_MissingFile_ThrowsOwnException()
    {
        var e = Assert.Throws<KnownHostsFormatException>(() => KnownHosts.Load("/nonexistent/lvsha/known_hosts"));
        Assert.Contains("/nonexistent/lvsha/known_hosts", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RandomText_NeverThrows()
    {
        var random = new Random(42);
        const string alphabet = "|1ab@ ,[]:*!?\n\t=+/AZaz09#";
        for (int i = 0; i < 2000; i++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 120)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            KnownHosts known = KnownHosts.Parse(text);
            Assert.NotEqual(HostKeyVerdict.Match, known.Check("10.0.0.5", 22, Blob(Key1)));
        }
    }
}
