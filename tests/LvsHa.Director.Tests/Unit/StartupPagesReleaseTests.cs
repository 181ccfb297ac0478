using LvsHa.Director.Hosting;

namespace LvsHa.Director.Tests.Unit;

public sealed class StartupPagesReleaseTests
{
    // Shaped as /proc/self/smaps of a native lvsha (fields cut to those that matter, values as measured).
    private const string Smaps = """
        5617693b0000-56176940a000 r--p 00000000 08:01 1234                       /usr/bin/lvsha
        Size:                360 kB
        Rss:                 360 kB
        Anonymous:             0 kB
        Locked:                0 kB
        56176940a000-56176aba2000 r-xp 0005a000 08:01 1234                       /usr/bin/lvsha
        Size:              24160 kB
        Rss:               13116 kB
        Anonymous:             0 kB
        Locked:                0 kB
        56176c001000-56176c9a5000 r--p 03bf4000 08:01 1234                       /usr/bin/lvsha
        Size:               9872 kB
        Rss:                2556 kB
        Anonymous:           120 kB
        Locked:                0 kB
        56176c9a7000-56176ca67000 rw-p 035f5000 08:01 1234                       /usr/bin/lvsha
        Size:                768 kB
        Rss:                 768 kB
        Anonymous:           768 kB
        Locked:                0 kB
        56176ca67000-56176daa4000 rw-p 00000000 00:00 0
        Size:              16628 kB
        Rss:               16064 kB
        Anonymous:         16064 kB
        Locked:                0 kB
        7f42a62c5000-7f42a6542000 r-xp 000c5000 08:01 99                         /usr/lib/x86_64-linux-gnu/libcrypto.so.3
        Size:               2548 kB
        Rss:                1972 kB
        Anonymous:             0 kB
        Locked:              100 kB
        7f42a7000000-7f42a7001000 r--s 00000000 08:01 77                         /run/some shared file
        Size:                  4 kB
        Rss:                   4 kB
        Anonymous:             0 kB
        Locked:                0 kB
        7f42a8000000-7f42a8010000 r--p 00000000 08:01 78                         /usr/lib/locale/C.utf8/LC_CTYPE
        Size:                 64 kB
        Rss:                   0 kB
        Anonymous:             0 kB
        Locked:                0 kB
        7ffc30cde000-7ffc30ce2000 r--p 00000000 00:00 0                          [vvar]
        Size:                 16 kB
        Rss:                   0 kB
        Anonymous:             0 kB
        Locked:                0 kB
        """;

    [Fact]
    public void In_OnlyReadOnlyPrivateFilePagesThatAreAllCleanAndResident()
    {
        var mappings = CleanFileMapping.In(Smaps);

        // Not: a mapping with copied-on-write pages (relocations), writable ones, anonymous memory, locked pages, a
        // shared mapping, nothing resident, a kernel pseudo-mapping.
        Assert.Equal(
            [
                new CleanFileMapping(0x5617693b0000, 0x5a000, "/usr/bin/lvsha", 360),
                new CleanFileMapping(0x56176940a000, 0x1798000, "/usr/bin/lvsha", 13116),
            ],
            mappings);
    }

    [Fact]
    public void DontNeed_ThisProcessesCodePages_DroppedAndReadAgainWhenUsed()
    {
        // The real thing on this test process: every clean code mapping dropped, and the process goes on running
        // code from them (the pages come back from the page cache).
        var before = CleanFileMapping.In(File.ReadAllText("/proc/self/smaps"));
        Assert.NotEmpty(before);
        Assert.All(before, m => Assert.True(StartupPagesRelease.DontNeed(m), $"madvise refused {m}"));

        var after = CleanFileMapping.In(File.ReadAllText("/proc/self/smaps"));
        GC.Collect();
        Assert.Equal("2,4", string.Join(",", Enumerable.Range(1, 2).Select(i => (i * 2).ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.True(after.Sum(m => m.ResidentKilobytes) < before.Sum(m => m.ResidentKilobytes),
            $"resident before {before.Sum(m => m.ResidentKilobytes)} kB, after {after.Sum(m => m.ResidentKilobytes)} kB");
    }
}
