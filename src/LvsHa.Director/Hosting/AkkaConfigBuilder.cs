using System.Globalization;
using System.Text;

namespace LvsHa.Director.Hosting;

/// <summary>Builds the HOCON of a director's ActorSystem from its options (pure, so the settings are tested).</summary>
public static class AkkaConfigBuilder
{
    /// <summary>ActorSystem name; equal on every director, or they could not form one cluster.</summary>
    public const string SystemName = "lvsha";

    /// <summary>Akka scheduler tick of a director without cluster block (nothing there needs finer timing).</summary>
    public static readonly TimeSpan LoneSchedulerTick = TimeSpan.FromMilliseconds(100);

    /// <summary>Cluster role every director carries; only members with it count towards the majority.</summary>
    public const string DirectorRole = "director";

    /// <summary>
    /// Makes DotNetty, Akka.Remote's TCP transport, allocate its buffers unpooled. Its pooled allocator keeps a 16 MiB
    /// arena chunk alive for a few heartbeats a second (16.7 of 19.8 MB of an idle clustered director's heap); without
    /// it the director's resident memory is about 6 MB lower (tests/lab/bench-idle.py, AOT, cluster of two: 59.4 MB
    /// pooled, 53.3 MB unpooled, in the same series of runs). Akka's
    /// <c>enable-pooling</c> covers the channels Akka configures; DotNetty's own default allocator, which the rest
    /// uses, is read from the environment when DotNetty is first used, so this runs before the ActorSystem starts.
    /// An operator's own setting of the variable is kept.
    /// </summary>
    public static void UseUnpooledTransportBuffers()
    {
        const string allocatorType = "io.netty.allocator.type";
        if (Environment.GetEnvironmentVariable(allocatorType) is null)
            Environment.SetEnvironmentVariable(allocatorType, "unpooled");
    }

    /// <summary>The HOCON for the given options.</summary>
    public static string Build(DirectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hocon = new StringBuilder();
        // Akka logs through AkkaLogBridge only: info for the director's own actors; the bridge keeps Akka's internals
        // at warning and above.
        hocon.AppendLine($$"""
            akka {
              loglevel = INFO
              loggers = ["{{TypeName(typeof(AkkaLogBridge))}}"]
              stdout-loglevel = OFF
              log-dead-letters = 0
              log-dead-letters-during-shutdown = off
              coordinated-shutdown.run-by-clr-shutdown-hook = off
            }
            """);

        // Akka's scheduler wakes the process every tick, busy or not (10 ms by default: 5 % of a core in an idle
        // director, measured with tests/lab/bench-idle.py). VRRP's timers do not use it (VrrpInstanceActor keeps
        // exact due times); what does (cluster heartbeats, probes, drift repair) tolerates the jitter.
        hocon.AppendLine(CultureInfo.InvariantCulture, $"akka.scheduler.tick-duration = {Ms(options.Cluster?.FailureDetector.SchedulerTick ?? LoneSchedulerTick)}");
        hocon.AppendLine(PeerFailureGate.Hocon);
        if (options.Cluster is { } cluster)
        {
            AppendCluster(hocon, cluster);
            hocon.AppendLine(LeaveQuickly);
        }

        return hocon.ToString();
    }

    private static void AppendCluster(StringBuilder hocon, ClusterOptions cluster)
    {
        var fd = cluster.FailureDetector;

        // Downing when the guard is on: Membership.MajorityDowning, not one of Akka's split-brain resolvers. Directors
        // are a fixed, configured set, so the majority is counted against the expected directors (keep-majority
        // would judge by the current membership and let an island of one count itself whole). Akka's static-quorum
        // downs a side below quorum *itself*: a heartbeat hiccup between the two survivors of a dead third director
        // stopped both (seen in the emulated VM). The guard needs no self-downing, since a minority is never master
        // (MajorityTracker); so only a majority side downs, and only the unreachable directors.
        // With the guard off the cluster only carries adverts and every director must act alone (plain VRRP): no
        // downing at all, because any rule downs one side of a 1-against-1 split and that side would stop and drop
        // its VIPs. A dead director then stays "unreachable" until it comes back; its new incarnation at the same
        // address replaces it. Two directors (no witness) get no downing either: the guard is inactive there
        // (ClusterOptions.GuardsMastership) and neither of two could ever be a majority without the other.
        var downing = cluster.GuardsMastership
            ? $$"""
              downing-provider-class = "{{TypeName(typeof(Membership.MajorityDowningProvider))}}"
            """
            : """
              downing-provider-class = ""
            """;

        hocon.AppendLine(DirectorMessageSerializer.Hocon);
        // The cluster's failure detector and the remote death watch's are the same detector with the same settings.
        var detector = string.Create(CultureInfo.InvariantCulture, $$"""
            implementation-class = "{{(fd.Deadline ? DeadlineDetector : PhiAccrualDetector)}}"
            heartbeat-interval = {{Ms(fd.HeartbeatInterval)}}
            acceptable-heartbeat-pause = {{Ms(fd.AcceptableHeartbeatPause)}}
            threshold = {{fd.Threshold.ToString(CultureInfo.InvariantCulture)}}
            min-std-deviation = {{Ms(fd.MinStdDeviation)}}
            """);
        hocon.AppendLine(CultureInfo.InvariantCulture, $$"""
            akka.actor.provider = cluster
            akka.remote {
              dot-netty.tcp {
                hostname = {{Quote(cluster.ListenAddress)}}
                public-hostname = {{Quote(cluster.ListenAddress)}}
                port = {{cluster.ListenPort}}
                # Every association is mutual TLS with the certificate derived from the cluster secret (ClusterCertificate).
                enable-ssl = on
                # connect_timeout (default 15 s) also bounds the TLS + Akka handshake, which takes seconds while a
                # director's process is still JIT-compiling on a busy host, and a timed-out handshake racing the
                # peer's own connection left associations stuck in the lab: keep it long. Reaction to failures
                # comes from the heartbeats below, not from this timeout.
                connection-timeout = {{Ms(cluster.ConnectTimeout)}}
                # Unpooled buffers: see UseUnpooledTransportBuffers.
                enable-pooling = false
              }
              # Peer death watch must not lag the cluster's own detector.
              watch-failure-detector {
                {{detector}}
              }
              # A peer that vanished without closing its connection (link down, power lost, SIGKILL behind a dead
              # link) leaves this side's TCP connection open until a retransmission reaches the peer's kernel, and
              # those back off to minutes; Akka's default pause (120 s) kept the association that long, and the
              # peer's restarted incarnation went unanswered meanwhile. connect_timeout is the silence a live peer is
              # allowed (TLS and Akka handshakes on a busy host); cluster heartbeats cross a live association at
              # least once a second.
              transport-failure-detector.acceptable-heartbeat-pause = {{Ms(cluster.ConnectTimeout)}}
              # Each director writes on a connection it opened. With passive connections (Akka's default) a
              # director also wrote on the peer's connection and read over its own peer's; when the peer's
              # connection then died in its handshake, the director had handed its reading to it and never took it
              # back: the association stayed up but deaf (akka/akka-core#24393, apache/pekko#3206). A reconnect
              # crossing a link's return did that to a restarted director in the lab. Without passive connections
              # a writer whose connection died reconnects, and the reader follows its new connection.
              use-passive-connections = off
              retry-gate-closed-for = 500ms
            }
            akka.cluster {
              # Empty on purpose: Membership.SeedJoiner joins (Akka's first-seed rule formed islands, see there).
              seed-nodes = []
              roles = ["{{DirectorRole}}"]
              seed-node-timeout = 2s
              retry-unsuccessful-join-after = 1s
              shutdown-after-unsuccessful-join-seed-nodes = off
              # Gossip and leader actions at Akka's 1 s: the guard reacts to this director's own heartbeat observations
              # (the reaper below publishes them without waiting for gossip), so only joins and downing wait for
              # these ticks. At the heartbeat's 200 ms they were a quarter of an idle director's CPU
              # (tests/lab/bench-idle.py: 2.33 % -> 1.73 % of a core).
              gossip-interval = 1s
              leader-actions-interval = 1s
              unreachable-nodes-reaper-interval = {{Ms(fd.ReaperInterval)}}
              periodic-tasks-initial-delay = 200ms
              failure-detector {
                {{detector}}
                expected-response-after = {{Ms(fd.HeartbeatInterval * 2)}}
                # Every director watches every other (clusters are small): each sees reachability first hand.
                monitored-by-nr-of-members = 16
              }
              run-coordinated-shutdown-when-down = on
              {{downing}}
            }
            """);
        if (cluster.GuardsMastership)
        {
            hocon.AppendLine(CultureInfo.InvariantCulture, $$"""
                {{Membership.MajorityDowningProvider.ConfigPath}} {
                  expected-directors = {{cluster.EffectiveExpectedDirectors}}
                  stable-after = {{Ms(cluster.StableAfter)}}
                }
                """);
        }
    }


    // Akka.Remote's failure detectors, as HOCON names them (FailureDetectorOptions.Deadline chooses).
    private const string DeadlineDetector = "Akka.Remote.DeadlineFailureDetector, Akka.Remote";
    private const string PhiAccrualDetector = "Akka.Remote.PhiAccrualFailureDetector, Akka.Remote";

    /// <summary>
    /// How long a stop may wait for the cluster: at most <see cref="LeaveBudget"/> in all. The VIPs are released
    /// before (before-service-unbind), so this only decides whether the peers see a graceful leave. With every peer
    /// reachable a leave completes in a few gossip rounds (200 ms each); with a dead or unreachable peer the cluster
    /// cannot converge and Akka's defaults (cluster-exiting 10 s, flush-wait-on-shutdown 2 s) made SIGTERM take
    /// ~12 s. The peers then see this director unreachable and down it, as they would after a kill.
    /// </summary>
    internal const string LeaveQuickly = """
        akka.coordinated-shutdown.phases {
          cluster-sharding-shutdown-region.timeout = 100ms
          cluster-leave.timeout = 400ms
          cluster-exiting.timeout = 500ms
          cluster-exiting-done.timeout = 300ms
          cluster-shutdown.timeout = 300ms
        }
        akka.remote.flush-wait-on-shutdown = 200ms
        akka.remote.shutdown-timeout = 1s
        """;

    /// <summary>Upper bound of the cluster's share of a stop (sum of the phase timeouts in <see cref="LeaveQuickly"/>).</summary>
    public static readonly TimeSpan LeaveBudget = TimeSpan.FromMilliseconds(100 + 400 + 500 + 300 + 300 + 200);

    /// <summary>A type as HOCON names it for Akka to load ("Namespace.Type, Assembly").</summary>
    public static string TypeName(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return $"{type.FullName}, {type.Assembly.GetName().Name}";
    }

    /// <summary>The Akka addresses of the cluster block's seeds, for <see cref="Membership.SeedJoiner"/>.</summary>
    public static IReadOnlyList<Akka.Actor.Address> SeedAddresses(ClusterOptions cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return [.. cluster.Seeds.Select(s => Akka.Actor.Address.Parse(SeedAddress(s))).Distinct()];
    }

    /// <summary>"host:port" to the Akka address of the director listening there.</summary>
    public static string SeedAddress(string seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var colon = seed.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(seed.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw new ArgumentException($"seed '{seed}' is not address:port", nameof(seed));
        }

        var host = seed[..colon];
        if (host.Contains(':') && !host.StartsWith('['))
        {
            host = $"[{host}]";
        }

        return $"akka.ssl.tcp://{SystemName}@{host}:{port}";
    }

    private static string Ms(TimeSpan t) => $"{(long)t.TotalMilliseconds}ms";

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
