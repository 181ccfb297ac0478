using System.Security.Cryptography;
using System.Text;

namespace LvsHa.RealServers.Ssh;

/// <summary>The marker in front of a known_hosts line.</summary>
public enum KnownHostMarker
{
    /// <summary>An ordinary host key line.</summary>
    None,

    /// <summary>@revoked: this key must never be accepted.</summary>
    Revoked,

    /// <summary>@cert-authority: a CA key for host certificates (not used by prepare).</summary>
    CertAuthority,
}

/// <summary>One parsed known_hosts line: host patterns (plain or one hashed name), key type and key blob.</summary>
public sealed record KnownHostEntry(KnownHostMarker Marker, IReadOnlyList<string> Patterns, byte[]? HashSalt, byte[]? Hash, string KeyType, byte[] KeyBlob)
{
    /// <summary>Whether this line names the host (lookup name is "host" for port 22, "[host]:port" otherwise).</summary>
    public bool Matches(string lookupName)
    {
        if (HashSalt is not null && Hash is not null)
        {
            // OpenSSH's hashed host names (|1|) are defined as HMAC-SHA1; the format fixes the algorithm, not us.
#pragma warning disable CA5350
            byte[] computed = HMACSHA1.HashData(HashSalt, Encoding.UTF8.GetBytes(lookupName));
#pragma warning restore CA5350
            return CryptographicOperations.FixedTimeEquals(computed, Hash);
        }

        bool matched = false;
        foreach (string pattern in Patterns)
        {
            bool negated = pattern.StartsWith('!');
            string p = negated ? pattern[1..] : pattern;
            if (Wildcard(p, lookupName))
            {
                if (negated)
                {
                    // OpenSSH: a matching negated pattern rejects the line whatever else matches.
                    return false;
                }

                matched = true;
            }
        }

        return matched;
    }

    /// <summary>OpenSSH's SHA256 fingerprint of the key ("SHA256:" + unpadded base64).</summary>
    public string Fingerprint => KnownHosts.Sha256Fingerprint(KeyBlob);

    private static bool Wildcard(string pattern, string text)
    {
        // Iterative glob with '*' and '?', case-insensitive like OpenSSH's match_hostname.
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t])))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
