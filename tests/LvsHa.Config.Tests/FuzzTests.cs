using FsCheck;
using FsCheck.Fluent;

namespace LvsHa.Config.Tests;

/// <summary>Random and mutated input: the loader never throws and never hangs, it reports diagnostics.</summary>
public sealed class FuzzTests : IDisposable
{
    private static readonly TimeSpan PerInputLimit = TimeSpan.FromSeconds(10);

    private static readonly string[] Vocabulary =
    [
        "{", "}", "{", "}", "\n", "\n", " ", "\"", "'", "#", "!", "\\\n", "\\", "virtual_server", "real_server", "vrrp_instance",
        "virtual_server_group", "group", "fwmark", "TCP_CHECK", "HTTP_GET", "url", "path", "lb_algo", "lb_kind", "lvs_method",
        "TUN", "DR", "NAT", "type", "gue", "gre", "port", "csum", "persistence_timeout", "persistence_granularity", "quorum",
        "weight", "sorry_server", "virtual_ipaddress", "track_script", "vrrp_script", "vrrp_sync_group", "cluster", "seed",
        "listen", "real_server_prep", "global_defs", "lvs_sync_daemon", "10.0.0.1", "10.0.0.1-300", "10.0.0.0/8", "::1",
        "2001:db8::1-ffff", "0", "-1", "65536", "4294967296", "99999999999999999999", "1e308", "NaN", "0.000001", "\u00e9",
        "\0", "\t", "\r", "@x", "$V=1", "$V", "${V}", "$V=$V $V", "$W=@^x $V", "$W", "@^x", "~SEQ(i,1,3)", "$_HASH", "status_code", "200-100", "digest", "protocol", "UDP", "ops", "ip_family", "inet6",
    ];

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string FileName => Path.Combine(_dir.Path, "fuzz.conf");

    private static List<string> Seeds()
    {
        var seeds = new List<string>();
        foreach (var f in Directory.EnumerateFiles(TestSupport.SamplesDirectory(), "*.conf", SearchOption.AllDirectories))
            seeds.Add(File.ReadAllText(f));
        foreach (var f in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Keepalived"), "*.conf", SearchOption.AllDirectories))
            seeds.Add(File.ReadAllText(f));
        return seeds;
    }

    private void AssertLoadsWithinLimit(string text)
    {
        // Run on another thread so a hang fails the test instead of blocking the run.
        var task = Task.Run(() =>
        {
            try
            {
                var r = ConfigLoader.LoadText(text, FileName);
                Assert.True(r.Success == r.Errors.Any() is false);
            }
            catch (ConfigException)
            {
                // The configuration error type is the one exception allowed.
            }
        });
        Assert.True(task.Wait(PerInputLimit), "loader did not finish within the limit for input:\n" + text);
        if (task.Exception is { } e)
            throw new Xunit.Sdk.XunitException("loader threw for input:\n" + text + "\n" + e);
    }

    [Fact]
    public void LoadText_SeededMutationsOfRealConfigs_NeverThrowOrHang()
    {
        var seeds = Seeds();
        var random = new Random(20261124);
        for (int i = 0; i < 3000; i++)
        {
            var text = seeds[random.Next(seeds.Count)];
            int mutations = 1 + random.Next(8);
            for (int m = 0; m < mutations; m++)
                text = Mutate(text, random);
            AssertLoadsWithinLimit(text);
        }
    }

    private static string Mutate(string text, Random random)
    {
        int pos = text.Length == 0 ? 0 : random.Next(text.Length);
        int len = Math.Min(text.Length - pos, random.Next(1, 40));
        return random.Next(5) switch
        {
            0 => text.Remove(pos, len),
            1 => text.Insert(pos, Vocabulary[random.Next(Vocabulary.Length)] + (random.Next(2) == 0 ? " " : "")),
            2 => text.Insert(pos, text.Substring(pos, len)),
            3 => text.Insert(pos, ((char)random.Next(0, 0x3000)).ToString()),
            _ => len == 0 ? text : text.Remove(pos, len).Insert(Math.Min(random.Next(text.Length - len + 1), text.Length - len), text.Substring(pos, len)),
        };
    }

    [Fact]
    public void LoadText_RandomTokenSoup_NeverThrowsOrHangs()
    {
        var random = new Random(42);
        for (int i = 0; i < 2000; i++)
        {
            int count = random.Next(1, 120);
            var text = string.Join(random.Next(3) == 0 ? "" : " ", Enumerable.Range(0, count).Select(_ => Vocabulary[random.Next(Vocabulary.Length)]));
            AssertLoadsWithinLimit(text);
        }
    }

    [Fact]
    public void LoadText_AnyString_NeverThrows()
    {
        Prop.ForAll<string>(text =>
        {
            AssertLoadsWithinLimit(text ?? "");
            return true;
        }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(1000));
    }
}
