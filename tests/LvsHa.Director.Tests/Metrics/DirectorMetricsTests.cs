using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using LvsHa.Director.Adverts;
using LvsHa.Director.Control;
using LvsHa.Director.Instances;
using LvsHa.Director.Lvs;
using LvsHa.Director.Metrics;
using LvsHa.Director.Security;
using LvsHa.Director.Tests.Lvs;
using LvsHa.Health.Checkers;
using LvsHa.Health.Scheduling;
using LvsHa.Netlink.Ipvs;
using static LvsHa.Testing.MetricsText;

namespace LvsHa.Director.Tests.Metrics;

public sealed class DirectorMetricsTests : TestKit
{
    private const string TwoRealServers = """
        virtual_server 10.0.0.1 80 {
            protocol TCP
            lb_kind NAT
            delay_loop 1
            real_server 10.0.1.1 80 {
                weight 2
                TCP_CHECK {
                    retry 0
                    warmup 0
                }
            }
            real_server 10.0.1.2 80 {
                TCP_CHECK {
                    retry 0
                    warmup 0
                }
            }
        }
        """;

    private static readonly IPEndPoint First = new(IPAddress.Parse("10.0.1.1"), 80);

    /// <summary>A behavior whose state the test sets; the actor reports what changed after each event.</summary>
    private sealed class SwitchedBehavior : IVrrpInstanceBehavior
    {
        public string State { get; set; } = "INIT";

        public string? Next { get; set; }

        public IReadOnlyList<LvsHa.Vrrp.VrrpAction> Handle(LvsHa.Vrrp.VrrpInput input, DateTimeOffset now)
        {
            if (Next is { } next)
            {
                State = next;
                Next = null;
            }

            return [];
        }
    }

    private sealed class NoTransport : IAdvertTransport
    {
        public void Publish(VrrpAdvertEnvelope envelope)
        {
        }
    }

    private sealed class SwitchCheck(ConcurrentDictionary<IPEndPoint, bool> up, IPEndPoint target) : IHealthCheck
    {
        public string Kind => "TCP_CHECK";

        public Task<CheckResult> CheckAsync(CancellationToken cancellationToken) =>
            Task.FromResult(up.GetValueOrDefault(target, true) ? CheckResult.Pass() : CheckResult.Fail("switched off"));
    }

    [Fact]
    public async Task VrrpInstanceActor_StateChanges_CountedAsTransitions()
    {
        var metrics = new DirectorMetrics();
        DirectorMetricsHosting.StartListener(Sys, metrics);
        var behavior = new SwitchedBehavior { Next = "BACKUP" };
        var instance = Sys.ActorOf(VrrpInstanceActor.PropsFor(new VrrpInstanceSetup(
            "VI_1", 51, behavior, new NoTransport(),
            new AdvertAuthenticator(ClusterSecret.FromString("metrics test secret, sixteen+").AdvertKey, "d1", TimeProvider.System, TimeSpan.FromSeconds(5)),
            InstanceEffects.None, null, TimeProvider.System)));

        await AwaitAssertAsync(async () =>
            Assert.Equal(1, Value(await ExportAsync(metrics.Registry), "lvsha_vrrp_instance_transitions_total", ("vrrp_instance", "VI_1"), ("from", "INIT"), ("to", "BACKUP"))),
            TimeSpan.FromSeconds(5));

        behavior.Next = "MASTER";
        instance.Tell(new LvsHa.Vrrp.TimerExpired(LvsHa.Vrrp.VrrpTimer.Advert));
        instance.Tell(new LvsHa.Vrrp.TimerExpired(LvsHa.Vrrp.VrrpTimer.Advert));
        await AwaitAssertAsync(async () =>
            Assert.Equal(1, Value(await ExportAsync(metrics.Registry), "lvsha_vrrp_instance_transitions_total", ("vrrp_instance", "VI_1"), ("from", "BACKUP"), ("to", "MASTER"))),
            TimeSpan.FromSeconds(5));
        // The second timer changed nothing: no MASTER -> MASTER series.
        Assert.Null(Value(await ExportAsync(metrics.Registry), "lvsha_vrrp_instance_transitions_total", ("vrrp_instance", "VI_1"), ("from", "MASTER"), ("to", "MASTER")));
    }

    [Fact]
    public async Task IpvsReconcilerActor_StartupDriftAndRefusals_CountedByKindTriggerAndResult()
    {
        var metrics = new DirectorMetrics();
        DirectorMetricsHosting.StartListener(Sys, metrics);
        var kernel = new InMemoryIpvs();
        var config = TestConfigs.Load(TwoRealServers);
        var reconciler = Sys.ActorOf(IpvsReconcilerActor.Props(kernel, config, new IpvsReconcilerOptions { DriftRepairInterval = TimeSpan.FromMilliseconds(200) }));

        // Start-up: one service, two destinations added.
        await AwaitAssertAsync(async () =>
        {
            var text = await ExportAsync(metrics.Registry);
            Assert.Equal(1, Value(text, "lvsha_ipvs_operations_total", ("operation", "add"), ("object", "service"), ("trigger", "startup"), ("result", "ok")));
            Assert.Equal(2, Value(text, "lvsha_ipvs_operations_total", ("operation", "add"), ("object", "destination"), ("trigger", "startup"), ("result", "ok")));
        }, TimeSpan.FromSeconds(5));

        // ipvsadm behind LvsHa's back: a weight changed; the drift repair puts it back and is counted.
        var destination = kernel.Snapshot().Entries[0].Destinations.Single(d => d.Address.Equals(First.Address));
        kernel.BehindTheBack(new IpvsOperation.UpdateDestination(destination with { Weight = 9 }));
        await AwaitAssertAsync(async () =>
        {
            var text = await ExportAsync(metrics.Registry);
            Assert.Equal(1, Value(text, "lvsha_ipvs_operations_total", ("operation", "edit"), ("object", "destination"), ("trigger", "drift"), ("result", "ok")));
            Assert.Equal(1, Value(text, "lvsha_ipvs_drift_repairs_total"));
        }, TimeSpan.FromSeconds(5));

        // A refusal is counted as refused and is no repair.
        kernel.Refuse = _ => new IpvsException(1, "test", "refused by the test");
        kernel.BehindTheBack(new IpvsOperation.DeleteDestination(destination.Service, destination.Address, destination.Port));
        await AwaitAssertAsync(async () =>
            Assert.True(Value(await ExportAsync(metrics.Registry), "lvsha_ipvs_operations_total", ("operation", "add"), ("object", "destination"), ("trigger", "drift"), ("result", "refused")) >= 1),
            TimeSpan.FromSeconds(5));
        Assert.Equal(1, Value(await ExportAsync(metrics.Registry), "lvsha_ipvs_drift_repairs_total"));
        Sys.Stop(reconciler);
    }

    [Fact]
    public async Task LvsHealthActor_CheckAttempts_CountedWithLatencyHistogramPerChecker()
    {
        var metrics = new DirectorMetrics();
        DirectorMetricsHosting.StartListener(Sys, metrics);
        var up = new ConcurrentDictionary<IPEndPoint, bool> { [First] = false };
        var options = new LvsHealthOptions
        {
            Scheduler = new HealthSchedulerOptions { CheckFactory = (_, rs, _, _) => new SwitchCheck(up, rs.Endpoint) },
        };
        Sys.ActorOf(LvsHealthActor.Props(CreateTestProbe().Ref, TestConfigs.Load(TwoRealServers), options));

        await AwaitAssertAsync(async () =>
        {
            var text = await ExportAsync(metrics.Registry);
            Assert.True(Value(text, "lvsha_health_checks_total", ("virtual_service", "10.0.0.1:80"), ("real_server", "10.0.1.1:80"), ("checker", "TCP_CHECK"), ("result", "down")) >= 1, text);
            Assert.True(Value(text, "lvsha_health_checks_total", ("virtual_service", "10.0.0.1:80"), ("real_server", "10.0.1.2:80"), ("checker", "TCP_CHECK"), ("result", "up")) >= 1, text);
            Assert.True(Value(text, "lvsha_health_check_duration_seconds_count", ("checker", "TCP_CHECK")) >= 2, text);
        }, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Apply_Snapshots_CurrentStateSetAndGoneObjectsRemoved()
    {
        var metrics = new DirectorMetrics();
        var service = IpvsServiceKey.ForAddress(IpvsProtocol.Tcp, IPAddress.Parse("10.0.0.1"), 80);
        IpvsServiceCounters Table(ulong connections, params string[] realServers) => new(
            new IpvsServiceEntry(new IpvsService(service, "rr"), IpvsStats.Zero with { Connections = connections, InBytes = 1000 }),
            [.. realServers.Select(a => new IpvsDestinationEntry(
                new IpvsDestination(service, IPAddress.Parse(a), 80, IpvsForwarding.Masquerade, 3), 5, 7, 0, IpvsStats.Zero with { Connections = connections }))]);
        static InstanceStatus Instance(string state, int priority) =>
            new("VI_1", 51, state, 10, 20, 1, new Dictionary<string, DateTimeOffset>(), null, priority, "10.0.0.9", ["10.0.0.50"]);
        static LvsStatus Health(params (string Address, bool Alive)[] realServers) => new([new VirtualServiceReport("10.0.0.1:80", true,
            [.. realServers.Select(r => new RealServerReport(new IPEndPoint(IPAddress.Parse(r.Address), 80), r.Alive, r.Alive ? 3 : 0, r.Alive, r.Alive ? 0 : 1, null, []))])]);
        var quorum = new QuorumReport(true, 2, 3, "majority");

        metrics.Apply(new MetricsSnapshot(new StatusReport("d1", null, quorum, [], [Instance("MASTER", 150)]),
            Health(("10.0.1.1", true), ("10.0.1.2", false)), [Table(40, "10.0.1.1", "10.0.1.2")]));
        var text = await ExportAsync(metrics.Registry);

        Assert.Equal(1, Value(text, "lvsha_vrrp_instance_state", ("vrrp_instance", "VI_1"), ("state", "MASTER")));
        Assert.Equal(0, Value(text, "lvsha_vrrp_instance_state", ("vrrp_instance", "VI_1"), ("state", "BACKUP")));
        Assert.Equal(150, Value(text, "lvsha_vrrp_instance_priority", ("vrrp_instance", "VI_1")));
        Assert.Equal(10, Value(text, "lvsha_vrrp_adverts_sent_total", ("vrrp_instance", "VI_1")));
        Assert.Equal((1, 2, 3), (Value(text, "lvsha_cluster_has_majority"), Value(text, "lvsha_cluster_reachable_directors"), Value(text, "lvsha_cluster_directors")));
        Assert.Equal(1, Value(text, "lvsha_real_server_up", ("virtual_service", "10.0.0.1:80"), ("real_server", "10.0.1.1:80")));
        Assert.Equal(0, Value(text, "lvsha_real_server_up", ("virtual_service", "10.0.0.1:80"), ("real_server", "10.0.1.2:80")));
        Assert.Equal(3, Value(text, "lvsha_real_server_weight", ("virtual_service", "10.0.0.1:80"), ("real_server", "10.0.1.1:80")));
        Assert.Equal(40, Value(text, "lvsha_ipvs_service_connections_total", ("service", "TCP 10.0.0.1:80")));
        Assert.Equal(1000, Value(text, "lvsha_ipvs_service_bytes_total", ("service", "TCP 10.0.0.1:80"), ("direction", "in")));
        Assert.Equal(5, Value(text, "lvsha_ipvs_real_server_active_connections", ("service", "TCP 10.0.0.1:80"), ("real_server", "10.0.1.2:80")));
        Assert.Equal(7, Value(text, "lvsha_ipvs_real_server_inactive_connections", ("service", "TCP 10.0.0.1:80"), ("real_server", "10.0.1.2:80")));

        // Failover to BACKUP, real server 2 removed by a reload, the service recreated (its counter went back).
        metrics.Apply(new MetricsSnapshot(new StatusReport("d1", null, quorum, [], [Instance("BACKUP", 100)]),
            Health(("10.0.1.1", true)), [Table(3, "10.0.1.1")]));
        text = await ExportAsync(metrics.Registry);

        Assert.Equal(0, Value(text, "lvsha_vrrp_instance_state", ("vrrp_instance", "VI_1"), ("state", "MASTER")));
        Assert.Equal(1, Value(text, "lvsha_vrrp_instance_state", ("vrrp_instance", "VI_1"), ("state", "BACKUP")));
        Assert.Null(Value(text, "lvsha_real_server_up", ("virtual_service", "10.0.0.1:80"), ("real_server", "10.0.1.2:80")));
        Assert.Null(Value(text, "lvsha_ipvs_real_server_active_connections", ("service", "TCP 10.0.0.1:80"), ("real_server", "10.0.1.2:80")));
        Assert.Equal(3, Value(text, "lvsha_ipvs_service_connections_total", ("service", "TCP 10.0.0.1:80")));
    }

    [Fact]
    public async Task Apply_BgpStatus_RoutesAndSessions()
    {
        var metrics = new DirectorMetrics();
        var quorum = new QuorumReport(true, 1, 1, "none (no cluster block)");
        StatusReport Report(string[] announced, string[] forwardable, string session) => new("d1", null, quorum, [], [])
        {
            Bgp = new LvsHa.Director.Bgp.BgpStatus([.. announced], [.. forwardable], false, false, [new("10.99.0.254", session)]),
        };

        metrics.Apply(new MetricsSnapshot(Report(["10.98.100.1/32"], ["10.98.100.1/32", "10.98.100.2/32"], "up Established"), null, null));
        var text = await ExportAsync(metrics.Registry);
        Assert.Equal(1, Value(text, "lvsha_bgp_route_announced", ("route", "10.98.100.1/32")));
        Assert.Equal(0, Value(text, "lvsha_bgp_route_announced", ("route", "10.98.100.2/32")));
        Assert.Equal(1, Value(text, "lvsha_bgp_session_established", ("neighbor", "10.99.0.254")));

        metrics.Apply(new MetricsSnapshot(Report([], [], "start Active"), null, null));
        text = await ExportAsync(metrics.Registry);
        Assert.Null(Value(text, "lvsha_bgp_route_announced", ("route", "10.98.100.1/32")));
        Assert.Equal(0, Value(text, "lvsha_bgp_session_established", ("neighbor", "10.99.0.254")));
    }

    [Fact]
    public async Task Reloads_CountedByResult_LastOneSaysWhetherTheFileOnDiskRuns()
    {
        var metrics = new DirectorMetrics();
        Assert.Equal(1, Value(await ExportAsync(metrics.Registry), "lvsha_config_last_reload_successful"));

        metrics.Record(new ConfigReloadObserved(Applied: true));
        metrics.Record(new ConfigReloadObserved(Applied: false));
        var text = await ExportAsync(metrics.Registry);

        Assert.Equal((1, 1, 0), (Value(text, "lvsha_config_reloads_total", ("result", "applied")),
            Value(text, "lvsha_config_reloads_total", ("result", "refused")), Value(text, "lvsha_config_last_reload_successful")));
        metrics.Record(new ConfigReloadObserved(Applied: true));
        Assert.Equal(1, Value(await ExportAsync(metrics.Registry), "lvsha_config_last_reload_successful"));
    }

    [Fact]
    public async Task Registry_IsItsOwn_TwoDirectorsInOneProcessDoNotShareSeries()
    {
        var one = new DirectorMetrics();
        var two = new DirectorMetrics();

        one.Record(new VrrpStateTransition("VI_1", 51, "BACKUP", "MASTER"));

        Assert.Equal(1, Value(await ExportAsync(one.Registry), "lvsha_vrrp_instance_transitions_total", ("vrrp_instance", "VI_1"), ("from", "BACKUP"), ("to", "MASTER")));
        Assert.Null(Value(await ExportAsync(two.Registry), "lvsha_vrrp_instance_transitions_total", ("vrrp_instance", "VI_1"), ("from", "BACKUP"), ("to", "MASTER")));
        Assert.DoesNotContain("lvsha_", await ExportAsync(Prometheus.Metrics.DefaultRegistry), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MeasuredHealthCheck_FailingOrThrowingAttempt_ReportedAsDown()
    {
        var seen = new List<HealthCheckObserved>();
        var endpoint = new IPEndPoint(IPAddress.Loopback, 80);
        var failing = new MeasuredHealthCheck(new ThrowingCheck(), "vs", endpoint, seen.Add);

        await Assert.ThrowsAsync<OperationCanceledException>(() => failing.CheckAsync(CancellationToken.None));

        var observed = Assert.Single(seen);
        Assert.Equal(("vs", "MISC_CHECK", false), (observed.VirtualService, observed.Checker, observed.Up));
        Assert.True(observed.Latency >= TimeSpan.FromMilliseconds(40), $"latency {observed.Latency}");
    }

    private sealed class ThrowingCheck : IHealthCheck
    {
        public string Kind => "MISC_CHECK";

        public async Task<CheckResult> CheckAsync(CancellationToken cancellationToken)
        {
            await Task.Delay(50, cancellationToken);
            throw new OperationCanceledException("attempt timed out");
        }
    }
}
