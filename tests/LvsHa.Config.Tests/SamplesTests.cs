namespace LvsHa.Config.Tests;

public class SamplesTests
{
    public static TheoryData<string> SampleFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(TestSupport.SamplesDirectory(), "d*.conf", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(TestSupport.SamplesDirectory(), f));
        return data;
    }

    private static LvsHaConfig LoadSample(string relative)
    {
        var r = ConfigLoader.Load(Path.Combine(TestSupport.SamplesDirectory(), relative));
        Assert.True(r.Success && r.Diagnostics.Count == 0, relative + ":\n" + string.Join('\n', r.Diagnostics));
        return r.Config!;
    }

    [Fact]
    public void Samples_FourDeploymentsTwoDirectorsEach_Exist()
    {
        Assert.Equal(8, SampleFiles().Count);
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Load_Sample_IsValidWithoutWarningsAndComplete(string relative)
    {
        var config = LoadSample(relative);
        Assert.NotEmpty(config.VirtualServers);
        Assert.NotEmpty(config.VrrpInstances);
        Assert.NotNull(config.Cluster);
        Assert.NotEqual(0, config.RealServerPrep.Location.Line);
        Assert.Equal(2, config.Cluster!.Seeds.Count);
        string node = Path.GetFileNameWithoutExtension(relative);
        Assert.Equal(node, config.Cluster.NodeName);
    }

    [Fact]
    public void Load_WebSample_IsDrWlcWithHttpChecks()
    {
        var c = LoadSample("web-dr-wlc/d1.conf");
        Assert.All(c.VirtualServers, vs => Assert.Equal((Scheduler.Wlc, LvsMethod.Dr), (vs.Scheduler, vs.Method.Method)));
        Assert.Equal("10.0.1.23", c.VirtualServers[0].RealServers[2].SshHost);
        Assert.IsType<HttpChecker>(c.VirtualServers[0].RealServers[0].Checkers[0]);
        Assert.Equal(VrrpState.Master, c.VrrpInstances[0].State);
        Assert.Equal(VrrpState.Backup, LoadSample("web-dr-wlc/d2.conf").VrrpInstances[0].State);
    }

    [Fact]
    public void Load_StickySample_IsShOnGroupWithPersistence()
    {
        var vs = Assert.Single(LoadSample("sticky-dr-sh/d1.conf").VirtualServers);
        Assert.Equal((Scheduler.Sh, SchedulerFlags.Flag1, 1800, 24), (vs.Scheduler, vs.SchedulerFlags, vs.PersistenceTimeout, vs.PersistencePrefixLength));
        Assert.Equal(2, vs.Endpoints.Count);
    }

    [Fact]
    public void Load_CrossSiteSample_IsTunSed()
    {
        var c = LoadSample("cross-site-tun-sed/d1.conf");
        Assert.All(c.VirtualServers, vs => Assert.Equal((Scheduler.Sed, LvsMethod.Tun), (vs.Scheduler, vs.Method.Method)));
        Assert.Equal(TunnelType.Gre, c.VirtualServers[0].RealServers[2].Method.Tunnel);
        Assert.Equal(3, c.VrrpInstances[0].Version);
    }

    [Fact]
    public void Load_NatSample_IsNatRrWithSyncGroup()
    {
        var c = LoadSample("small-nat-rr/d2.conf");
        Assert.All(c.VirtualServers, vs => Assert.Equal((Scheduler.Rr, LvsMethod.Nat), (vs.Scheduler, vs.Method.Method)));
        Assert.Equal(8080, c.VirtualServers[0].RealServers[0].Port);
        Assert.Equal(["VI_OUTSIDE", "VI_INSIDE"], Assert.Single(c.VrrpSyncGroups).Instances);
        Assert.Equal("VI_INSIDE", c.Global.LvsSyncDaemon!.VrrpInstance);
    }
}
