using System.Net;
using System.Net.Sockets;
using LvsHa.Netlink.Ipvs;
using static LvsHa.Netlink.Tests.Ipvs.IpvsKernelFixture;

namespace LvsHa.Netlink.Tests.Ipvs;

// Real ip_vs kernel (the qemu lab VM, tests/lab/vm/run-in-vm.sh); ipvsadm is the independent reader. The VM routes
// 10/8, 192.168/16 and fd00::/8 to a dummy link, so DR/TUN destinations there are accepted.
[Trait("Category", "Kernel")]
[Collection(IpvsKernelCollection.Name)]
public sealed class IpvsKernelTests
{
    private static readonly IpvsServiceKey Web = IpvsServiceKey.ForAddress(IpvsProtocol.Tcp, IPAddress.Parse("10.0.0.1"), 80);

    private readonly IpvsClient _ipvs;

    public IpvsKernelTests(IpvsKernelFixture fixture)
    {
        _ipvs = fixture.Client;
        _ipvs.FlushAsync().GetAwaiter().GetResult();
    }

    private async Task ApplyAll(params IpvsOperation[] operations)
    {
        var results = await _ipvs.ExecuteAsync(operations);
        Assert.All(results, r => Assert.Null(r.Error));
    }

    private static IpvsDestination Destination(string address, ushort port, IpvsForwarding method, int weight = 1, IpvsTunnel? tunnel = null,
        uint upper = 0, uint lower = 0, IpvsServiceKey? service = null) =>
        new(service ?? Web, IPAddress.Parse(address), port, method, weight, upper, lower, tunnel);

    [Fact]
    public async Task AddService_EveryProtocolFamilyAndFlag_IpvsadmShowsEach()
    {
        var services = new[]
        {
            new IpvsService(Web, "wlc"),
            new IpvsService(IpvsServiceKey.ForAddress(IpvsProtocol.Tcp, IPAddress.Parse("10.0.0.2"), 80), "rr", IpvsServiceFlags.Persistent, 360, 24),
            new IpvsService(IpvsServiceKey.ForAddress(IpvsProtocol.Udp, IPAddress.Parse("fd00::1"), 53), "sh",
                IpvsServiceFlags.Persistent | IpvsServiceFlags.SchedulerFlag1 | IpvsServiceFlags.SchedulerFlag2, 300, 64, "sip"),
            new IpvsService(IpvsServiceKey.ForFwmark(AddressFamily.InterNetwork, 7), "mh", IpvsServiceFlags.SchedulerFlag1),
            new IpvsService(IpvsServiceKey.ForFwmark(AddressFamily.InterNetworkV6, 8), "wrr"),
            new IpvsService(IpvsServiceKey.ForAddress(IpvsProtocol.Sctp, IPAddress.Parse("192.168.1.1"), 9), "lc",
                IpvsServiceFlags.SchedulerFlag1 | IpvsServiceFlags.SchedulerFlag2 | IpvsServiceFlags.SchedulerFlag3),
            new IpvsService(IpvsServiceKey.ForAddress(IpvsProtocol.Udp, IPAddress.Parse("10.0.0.4"), 53), "rr", IpvsServiceFlags.OnePacket),
        };

        await ApplyAll(services.Select(s => (IpvsOperation)new IpvsOperation.AddService(s)).ToArray());

        Assert.Equal(new[]
        {
            "-A --sctp-service 192.168.1.1:9 -s lc -b flag-1,flag-2,flag-3",
            "-A -f 7 -s mh -b mh-fallback",
            "-A -f 8 -6 -s wrr",
            "-A -t 10.0.0.1:80 -s wlc",
            "-A -t 10.0.0.2:80 -s rr -p 360 -M 255.255.255.0",
            "-A -u 10.0.0.4:53 -s rr -o",
            "-A -u [fd00::1]:53 -s sh -p 300 -M 64 --pe sip -b sh-fallback,sh-port",
        }, SavedRules());
        var dumped = (await _ipvs.GetServicesAsync()).Select(e => e.Service).ToHashSet();
        Assert.Equal(services.Select(s => s with { NetmaskPrefixLength = s.EffectiveNetmaskPrefixLength }).ToHashSet(), dumped);
    }

    [Fact]
    public async Task UpdateService_SchedulerAndPersistence_ChangedInPlaceAndDestinationsKept()
    {
        await ApplyAll(new IpvsOperation.AddService(new IpvsService(Web, "wlc")),
            new IpvsOperation.AddDestination(Destination("10.0.1.5", 80, IpvsForwarding.Masquerade)));

        await ApplyAll(new IpvsOperation.UpdateService(new IpvsService(Web, "rr", IpvsServiceFlags.Persistent, 600)));

        Assert.Equal(new[] { "-A -t 10.0.0.1:80 -s rr -p 600", "-a -t 10.0.0.1:80 -r 10.0.1.5:80 -m -w 1" }, SavedRules());
        Assert.Equal(new IpvsService(Web, "rr", IpvsServiceFlags.Persistent, 600, 32), (await _ipvs.GetServiceAsync(Web))!.Service);
    }

    [Fact]
    public async Task DeleteService_OneOfTwo_OnlyTheOtherRemains()
    {
        var other = IpvsServiceKey.ForFwmark(AddressFamily.InterNetwork, 3);
        await ApplyAll(new IpvsOperation.AddService(new IpvsService(Web, "wlc")), new IpvsOperation.AddService(new IpvsService(other, "rr")));

        await ApplyAll(new IpvsOperation.DeleteService(Web));

        Assert.Equal(new[] { "-A -f 3 -s rr" }, SavedRules());
        Assert.Null(await _ipvs.GetServiceAsync(Web));
    }

    [Fact]
    public async Task AddDestination_EveryForwardingMethodAndTunnel_IpvsadmShowsEach()
    {
        var fwmark6 = IpvsServiceKey.ForFwmark(AddressFamily.InterNetworkV6, 8);
        var destinations = new[]
        {
            Destination("10.0.1.5", 8080, IpvsForwarding.Masquerade, 5, upper: 100, lower: 10),
            Destination("10.0.1.6", 80, IpvsForwarding.DirectRoute),
            Destination("10.0.1.7", 80, IpvsForwarding.Tunnel),
            Destination("10.0.1.8", 80, IpvsForwarding.Tunnel, tunnel: new IpvsTunnel(IpvsTunnelType.Gue, 6080, IpvsTunnelFlags.Checksum)),
            Destination("10.0.1.9", 80, IpvsForwarding.Tunnel, tunnel: new IpvsTunnel(IpvsTunnelType.Gre, 0, IpvsTunnelFlags.Checksum)),
            Destination("10.0.1.10", 80, IpvsForwarding.Tunnel, tunnel: new IpvsTunnel(IpvsTunnelType.Gue, 5555, IpvsTunnelFlags.NoChecksum)),
            Destination("10.0.1.11", 80, IpvsForwarding.Tunnel, tunnel: new IpvsTunnel(IpvsTunnelType.Gue, 5556, IpvsTunnelFlags.RemoteChecksum)),
            Destination("fd00::5", 0, IpvsForwarding.DirectRoute, 2, service: fwmark6),
        };
        await ApplyAll(new IpvsOperation.AddService(new IpvsService(Web, "wlc")), new IpvsOperation.AddService(new IpvsService(fwmark6, "wrr")));

        await ApplyAll(destinations.Select(d => (IpvsOperation)new IpvsOperation.AddDestination(d)).ToArray());

        Assert.Equal(new[]
        {
            "-A -f 8 -6 -s wrr",
            "-A -t 10.0.0.1:80 -s wlc",
            "-a -f 8 -6 -r [fd00::5]:0 -g -w 2",
            "-a -t 10.0.0.1:80 -r 10.0.1.10:80 -i -w 1 --tun-type gue --tun-port 5555 --tun-nocsum",
            "-a -t 10.0.0.1:80 -r 10.0.1.11:80 -i -w 1 --tun-type gue --tun-port 5556 --tun-remcsum",
            "-a -t 10.0.0.1:80 -r 10.0.1.5:8080 -m -w 5",
            "-a -t 10.0.0.1:80 -r 10.0.1.6:80 -g -w 1",
            "-a -t 10.0.0.1:80 -r 10.0.1.7:80 -i -w 1 --tun-type ipip",
            "-a -t 10.0.0.1:80 -r 10.0.1.8:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum",
            "-a -t 10.0.0.1:80 -r 10.0.1.9:80 -i -w 1 --tun-type gre --tun-csum",
        }, SavedRules());
        Assert.Matches(@"-> 10\.0\.1\.5:8080\s+100\s+10\s", Ipvsadm("-Ln --thresholds -t 10.0.0.1:80"));
        var dumped = (await _ipvs.GetDestinationsAsync(Web)).Select(e => e.Destination)
            .Concat((await _ipvs.GetDestinationsAsync(fwmark6)).Select(e => e.Destination)).ToHashSet();
        Assert.Equal(destinations.ToHashSet(), dumped);
    }

    [Fact]
    public async Task UpdateDestination_WeightMethodAndThresholds_ChangedInPlace()
    {
        await ApplyAll(new IpvsOperation.AddService(new IpvsService(Web, "wlc")),
            new IpvsOperation.AddDestination(Destination("10.0.1.5", 80, IpvsForwarding.Masquerade, 5)));

        await ApplyAll(new IpvsOperation.UpdateDestination(Destination("10.0.1.5", 80, IpvsForwarding.DirectRoute, 0, upper: 7, lower: 3)));

        Assert.Equal(new[] { "-A -t 10.0.0.1:80 -s wlc", "-a -t 10.0.0.1:80 -r 10.0.1.5:80 -g -w 0" }, SavedRules());
        Assert.Equal(Destination("10.0.1.5", 80, IpvsForwarding.DirectRoute, 0, upper: 7, lower: 3),
            Assert.Single(await _ipvs.GetDestinationsAsync(Web)).Destination);
    }

    [Fact]
    public async Task DeleteDestination_OneOfTwo_OnlyTheOtherRemains()
    {
        await ApplyAll(new IpvsOperation.AddService(new IpvsService(Web, "wlc")),
            new IpvsOperation.AddDestination(Destination("10.0.1.5", 80, IpvsForwarding.Masquerade)),
            new IpvsOperation.AddDestination(Destination("10.0.1.6", 80, IpvsForwarding.Masquerade)));

        await ApplyAll(new IpvsOperation.DeleteDestination(Web, IPAddress.Parse("10.0.1.5"), 80));

        Assert.Equal(new[] { "-A -t 10.0.0.1:80 -s wlc", "-a -t 10.0.0.1:80 -r 10.0.1.6:80 -m -w 1" }, SavedRules());
    }

    [Fact]
    public async Task ExecuteAsync_RefusalsInTheMiddle_EveryOtherOperationAppliedAndEachErrorNamesItsObject()
    {
        var missing = IpvsServiceKey.ForAddress(IpvsProtocol.Tcp, IPAddress.Parse("10.0.0.9"), 80);
        var operations = new IpvsOperation[]
        {
            new IpvsOperation.AddService(new IpvsService(Web, "wlc")),
            new IpvsOperation.AddService(new IpvsService(Web, "rr")),
            new IpvsOperation.AddDestination(Destination("10.0.1.5", 80, IpvsForwarding.Masquerade)),
            new IpvsOperation.AddDestination(Destination("10.0.1.5", 80, IpvsForwarding.Masquerade)),
            new IpvsOperation.AddDestination(Destination("10.0.1.6", 80, IpvsForwarding.Masquerade, service: missing)),
            new IpvsOperation.DeleteDestination(Web, IPAddress.Parse("10.0.1.99"), 80),
            new IpvsOperation.DeleteService(missing),
            new IpvsOperation.AddService(new IpvsService(IpvsServiceKey.ForAddress(IpvsProtocol.Udp, IPAddress.Parse("10.0.0.7"), 53), "rr", NetmaskPrefixLength: 40)),
            new IpvsOperation.AddService(new IpvsService(IpvsServiceKey.ForFwmark(AddressFamily.InterNetwork, 5), "rr")),
        };

        var results = await _ipvs.ExecuteAsync(operations);

        Assert.Equal(operations, results.Select(r => r.Operation));
        Assert.Equal(new int?[] { null, Errno.EEXIST, null, Errno.EEXIST, Errno.ESRCH, Errno.ENOENT, Errno.ESRCH, Errno.EINVAL, null }, results.Select(r => r.Error?.Errno));
        Assert.StartsWith("adding service -t 10.0.0.1:80: File exists (EEXIST)", results[1].Error!.Message);
        Assert.StartsWith("adding destination -t 10.0.0.1:80 -r 10.0.1.5:80: File exists (EEXIST)", results[3].Error!.Message);
        Assert.StartsWith("adding destination -t 10.0.0.9:80 -r 10.0.1.6:80: No such process (ESRCH)", results[4].Error!.Message);
        Assert.StartsWith("deleting destination -t 10.0.0.1:80 -r 10.0.1.99:80: No such file or directory (ENOENT)", results[5].Error!.Message);
        Assert.StartsWith("deleting service -t 10.0.0.9:80: No such process (ESRCH)", results[6].Error!.Message);
        Assert.Equal("adding service -u 10.0.0.7:53: Invalid argument (EINVAL) (netmask prefix /40 is longer than 32)", results[7].Error!.Message);
        Assert.Equal(new[] { "-A -f 5 -s rr", "-A -t 10.0.0.1:80 -s wlc", "-a -t 10.0.0.1:80 -r 10.0.1.5:80 -m -w 1" }, SavedRules());
    }

    [Fact]
    public async Task AddService_SchedulerModuleMissing_ErrorNamesTheScheduler()
    {
        var results = await _ipvs.ExecuteAsync([new IpvsOperation.AddService(new IpvsService(Web, "twos"))]);

        var error = Assert.Single(results).Error;
        Assert.NotNull(error);
        Assert.Equal(Errno.ENOENT, error.Errno);
        Assert.Contains("adding service -t 10.0.0.1:80", error.Message);
        Assert.Contains("scheduler \"twos\"", error.Message);
        Assert.Contains("ip_vs_twos", error.Message);
        Assert.Empty(SavedRules());
    }

    [Fact]
    public async Task ExecuteAsync_EmptyList_CompletesAtOnceWithNoResults()
    {
        var task = _ipvs.ExecuteAsync([]);
        Assert.True(task.IsCompletedSuccessfully);
        Assert.Empty(await task);
    }

    [Fact]
    public async Task FlushAsync_TableWithServices_IpvsadmShowsNothing()
    {
        await ApplyAll(new IpvsOperation.AddService(new IpvsService(Web, "wlc")),
            new IpvsOperation.AddDestination(Destination("10.0.1.5", 80, IpvsForwarding.Masquerade)));
        Assert.NotEmpty(SavedRules());

        await _ipvs.FlushAsync();

        Assert.Empty(SavedRules());
        Assert.Empty(await _ipvs.GetServicesAsync());
    }

    [Fact]
    public async Task GetInfoAsync_MatchesIpvsadmHeader()
    {
        var info = await _ipvs.GetInfoAsync();
        Assert.Contains($"IP Virtual Server version {info.Version} (size={info.ConnectionTableSize})", Ipvsadm("-Ln"));
    }

    [Fact]
    public async Task SetTimeoutsAsync_NewValues_IpvsadmAndGetAgree()
    {
        var before = await _ipvs.GetTimeoutsAsync();
        Assert.Contains($"Timeout (tcp tcpfin udp): {before.Tcp} {before.TcpFin} {before.Udp}", Ipvsadm("-Ln --timeout"));
        try
        {
            await _ipvs.SetTimeoutsAsync(new IpvsTimeouts(600, 60, 200));

            Assert.Contains("Timeout (tcp tcpfin udp): 600 60 200", Ipvsadm("-Ln --timeout"));
            Assert.Equal(new IpvsTimeouts(600, 60, 200), await _ipvs.GetTimeoutsAsync());
        }
        finally
        {
            await _ipvs.SetTimeoutsAsync(before);
        }
    }

    [Fact]
    public async Task SyncDaemon_StartMasterAndBackupThenStop_IpvsadmFollows()
    {
        try
        {
            await _ipvs.StartSyncDaemonAsync(new IpvsSyncDaemon(IpvsSyncDaemonRole.Master, "lab0", 5));
            await _ipvs.StartSyncDaemonAsync(new IpvsSyncDaemon(IpvsSyncDaemonRole.Backup, "lab0", 6, 1400, 9000, 3, IPAddress.Parse("239.1.2.3")));

            Assert.Equal(
                "backup sync daemon (mcast=lab0, syncid=6, maxlen=1400, group=239.1.2.3, port=9000, ttl=3)\n" +
                "master sync daemon (mcast=lab0, syncid=5, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)",
                string.Join('\n', Ipvsadm("-L --daemon").Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)));
            var daemons = await _ipvs.GetSyncDaemonsAsync();
            Assert.Contains(new IpvsSyncDaemon(IpvsSyncDaemonRole.Master, "lab0", 5, 1472, 8848, 1, IPAddress.Parse("224.0.0.81")), daemons);
            Assert.Contains(new IpvsSyncDaemon(IpvsSyncDaemonRole.Backup, "lab0", 6, 1400, 9000, 3, IPAddress.Parse("239.1.2.3")), daemons);
        }
        finally
        {
            await _ipvs.StopSyncDaemonAsync(IpvsSyncDaemonRole.Master);
            await _ipvs.StopSyncDaemonAsync(IpvsSyncDaemonRole.Backup);
        }
        Assert.Empty(await _ipvs.GetSyncDaemonsAsync());
        Assert.DoesNotContain("sync daemon", Ipvsadm("-L --daemon"));
    }

    [Fact]
    public async Task StartSyncDaemon_UnknownInterface_ThrowsNamingTheDaemon()
    {
        var error = await Assert.ThrowsAsync<IpvsException>(() =>
            _ipvs.StartSyncDaemonAsync(new IpvsSyncDaemon(IpvsSyncDaemonRole.Master, "lvsha-none", 1)));
        Assert.Equal(Errno.ENODEV, error.Errno);
        Assert.StartsWith("starting the master sync daemon on lvsha-none (syncid 1): No such device (ENODEV)", error.Message);
    }

    [Fact]
    public async Task Stats_AfterLocalConnections_MatchIpvsadmCounters()
    {
        // The VM's own address on the lab link is the virtual service; the real server listens on the same address.
        var vip = IPAddress.Parse("10.255.255.254");
        var key = IpvsServiceKey.ForAddress(IpvsProtocol.Tcp, vip, 81);
        using var listener = new TcpListener(vip, 8081);
        listener.Start();
        await ApplyAll(new IpvsOperation.AddService(new IpvsService(key, "rr")),
            new IpvsOperation.AddDestination(new IpvsDestination(key, vip, 8081, IpvsForwarding.Masquerade, 1)));

        for (var i = 0; i < 3; i++)
        {
            using var client = new TcpClient();
            await client.ConnectAsync(vip, 81);
            using var accepted = await listener.AcceptTcpClientAsync();
            await client.GetStream().WriteAsync(new byte[100]);
            var buffer = new byte[100];
            await accepted.GetStream().ReadExactlyAsync(buffer);
        }
        // The kernel publishes per-CPU counters to readers from its rate estimator, every 2 s: wait for two rounds.
        await Task.Delay(4500);

        var service = Assert.Single(await _ipvs.GetServicesAsync());
        var destination = Assert.Single(await _ipvs.GetDestinationsAsync(key));
        Assert.Equal(3ul, service.Stats.Connections);
        Assert.True(service.Stats.InPackets >= 6 && service.Stats.InBytes >= 300, service.Stats.ToString());
        Assert.Equal(service.Stats.Connections, destination.Stats.Connections);
        var line = Ipvsadm("-Ln --stats --exact").Split('\n').Single(l => l.StartsWith("TCP  10.255.255.254:81", StringComparison.Ordinal));
        Assert.Equal(new[] { "TCP", "10.255.255.254:81", service.Stats.Connections.ToString(), service.Stats.InPackets.ToString(), service.Stats.OutPackets.ToString(),
            service.Stats.InBytes.ToString(), service.Stats.OutBytes.ToString() }, line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
