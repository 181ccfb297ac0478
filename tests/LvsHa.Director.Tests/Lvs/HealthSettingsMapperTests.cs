using System.Net;
using LvsHa.Director.Lvs;
using LvsHa.Health.Model;

namespace LvsHa.Director.Tests.Lvs;

public class HealthSettingsMapperTests
{
    private const string Config = """
        virtual_server 10.0.0.1 80 {
            protocol TCP
            lb_algo rr
            lb_kind NAT
            delay_loop 7
            quorum 3
            hysteresis 1
            quorum_up "/usr/local/bin/quorum 'is up'"
            quorum_down "/usr/local/bin/quorum down"
            sorry_server 10.0.9.9 8080
            sorry_server_inhibit
            omega
            virtualhost vs.example
            real_server 10.0.1.1 8080 {
                weight 3
                inhibit_on_failure
                notify_up "/usr/local/bin/notify up"
                notify_down "/usr/local/bin/notify down"
                HTTP_GET {
                    url {
                        path /health
                        status_code 204
                        digest 9e107d9d372bb6826bd81d3542a419d6
                    }
                    url {
                        path /
                    }
                    connect_timeout 2
                    retry 4
                    delay_before_retry 6
                    http_protocol 1.1
                    virtualhost checker.example
                }
            }
            real_server 10.0.1.2 8080 {
                weight 2
                delay_loop 9
                MISC_CHECK {
                    misc_path "/usr/local/bin/check --fast"
                    misc_timeout 4
                    misc_dynamic
                }
                TCP_CHECK {
                    connect_ip 10.0.2.2
                    connect_port 9000
                    bindto 10.0.0.5
                    bind_port 4000
                    warmup 0
                }
            }
        }
        virtual_server 10.0.0.2 53 {
            protocol UDP
            lb_kind DR
            alpha
            real_server 10.0.1.3 53 {
                DNS_CHECK {
                    type A
                    name example.org
                }
                UDP_CHECK {
                    payload 0a0b0c
                    require_reply 0aXX
                }
            }
            real_server 10.0.1.4 53 {
                SMTP_CHECK {
                }
            }
        }
        """;

    private static MappedVirtualService Service(int index) => HealthSettingsMapper.Map(TestConfigs.Load(Config))[index];

    [Fact]
    public void Map_VirtualServer_CarriesQuorumScriptsSorryServerAndDefaults()
    {
        var settings = Service(0).Settings;

        Assert.Equal("10.0.0.1:80", settings.Name);
        Assert.Equal(3, settings.Quorum);
        Assert.Equal(1, settings.Hysteresis);
        Assert.Equal("/usr/local/bin/quorum", settings.QuorumUp!.Program);
        Assert.Equal(["is up"], settings.QuorumUp.Arguments);
        Assert.Equal(["down"], settings.QuorumDown!.Arguments);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.9.9"), 8080), settings.SorryServer);
        Assert.True(settings.SorryServerInhibit);
        Assert.True(settings.Omega);
        Assert.Equal("vs.example", settings.VirtualHost);
        Assert.Equal(TimeSpan.FromSeconds(7), settings.Timing.DelayLoop);
        Assert.Equal(2, settings.RealServers.Count);
    }

    [Fact]
    public void Map_HttpGet_UrlsProtocolTimingAndConnectDefaults()
    {
        var realServer = Service(0).Settings.RealServers[0];
        var http = Assert.IsType<HttpCheckSpec>(Assert.Single(realServer.Checkers));

        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.1.1"), 8080), realServer.Endpoint);
        Assert.Equal(3, realServer.Weight);
        Assert.True(realServer.InhibitOnFailure);
        Assert.Equal("/usr/local/bin/notify", realServer.NotifyUp!.Program);
        Assert.Equal(["down"], realServer.NotifyDown!.Arguments);
        Assert.Equal(IPAddress.Parse("10.0.1.1"), http.ConnectIp);
        Assert.Equal(8080, http.ConnectPort);
        Assert.Null(http.BindTo);
        Assert.Null(http.BindPort);
        Assert.Equal(HttpProtocol.Http11, http.Protocol);
        Assert.False(http.UseTls);
        Assert.Equal("checker.example", http.VirtualHost);
        Assert.Equal(2, http.Urls.Count);
        Assert.Equal("/health", http.Urls[0].Path);
        Assert.Equal("9e107d9d372bb6826bd81d3542a419d6", http.Urls[0].Digest);
        Assert.True(http.Urls[0].Accepts(204));
        Assert.False(http.Urls[0].Accepts(200));
        Assert.True(http.Urls[1].Accepts(200));
        Assert.Equal(TimeSpan.FromSeconds(2), http.Timing.ConnectTimeout);
        Assert.Equal(4, http.Timing.Retry);
        Assert.Equal(TimeSpan.FromSeconds(6), http.Timing.DelayBeforeRetry);
        Assert.Equal(TimeSpan.FromSeconds(7), http.Timing.DelayLoop);
        Assert.Equal(TimeSpan.FromSeconds(7), http.Timing.Warmup);
        Assert.False(http.Timing.Alpha);
    }

    [Fact]
    public void Map_MiscAndTcpCheck_MiscConnectsNowhereTcpKeepsConnectAndBind()
    {
        var realServer = Service(0).Settings.RealServers[1];
        var misc = Assert.IsType<MiscCheckSpec>(realServer.Checkers[0]);
        var tcp = Assert.IsType<TcpCheckSpec>(realServer.Checkers[1]);

        Assert.Equal("/usr/local/bin/check --fast", misc.Command);
        Assert.Equal(TimeSpan.FromSeconds(4), misc.Timeout);
        Assert.True(misc.Dynamic);
        Assert.Null(misc.ConnectIp);
        Assert.Null(misc.ConnectPort);
        Assert.Equal(0, misc.Timing.Retry);
        Assert.Equal(TimeSpan.FromSeconds(9), misc.Timing.DelayLoop);
        Assert.Equal(TimeSpan.FromSeconds(9), realServer.Timing.DelayLoop);

        Assert.Equal(IPAddress.Parse("10.0.2.2"), tcp.ConnectIp);
        Assert.Equal(9000, tcp.ConnectPort);
        Assert.Equal(IPAddress.Parse("10.0.0.5"), tcp.BindTo);
        Assert.Equal(4000, tcp.BindPort);
        Assert.Equal(TimeSpan.Zero, tcp.Timing.Warmup);
        Assert.Equal(1, tcp.Timing.Retry);
        Assert.Equal(TimeSpan.FromSeconds(1), tcp.Timing.DelayBeforeRetry);
        Assert.Equal(TimeSpan.FromSeconds(5), tcp.Timing.ConnectTimeout);
    }

    [Fact]
    public void Map_DnsUdpSmtp_ValuesAlphaAndDrPort()
    {
        var service = Service(1).Settings;
        var first = service.RealServers[0];
        var dns = Assert.IsType<DnsCheckSpec>(first.Checkers[0]);
        var udp = Assert.IsType<UdpCheckSpec>(first.Checkers[1]);
        var smtp = Assert.IsType<SmtpCheckSpec>(Assert.Single(service.RealServers[1].Checkers));

        Assert.True(service.Timing.Alpha);
        Assert.Equal("A", dns.Type);
        Assert.Equal("example.org", dns.Name);
        Assert.Equal(3, dns.Timing.Retry);
        Assert.True(dns.Timing.Alpha);
        Assert.Equal(53, dns.ConnectPort);
        Assert.Equal(new byte[] { 0x0a, 0x0b, 0x0c }, udp.Payload!.Value.ToArray());
        Assert.True(udp.RequireReply);
        Assert.Equal(new byte?[] { 0, 0xa, null, null }, udp.ReplyNibbles);
        Assert.Equal(SmtpCheckSpec.DefaultHeloName, smtp.HeloName);
        Assert.Equal(IPAddress.Parse("10.0.1.4"), smtp.ConnectIp);
    }

    [Fact]
    public void Map_NoCheckers_RealServerAlwaysUpAndNamesUnique()
    {
        var config = TestConfigs.Load("""
            virtual_server fwmark 5 {
                protocol TCP
                lb_kind DR
                real_server 10.0.1.1 {
                }
            }
            """);

        var mapped = Assert.Single(HealthSettingsMapper.Map(config));

        Assert.Equal("fwmark 5", mapped.Name);
        Assert.Empty(Assert.Single(mapped.Settings.RealServers).Checkers);
        Assert.Null(mapped.Settings.SorryServer);
    }

    [Fact]
    public void Map_BindIfFwmarkAndMiscUser_Carried()
    {
        var config = TestConfigs.Load("""
            virtual_server 10.0.0.1 80 {
                protocol TCP
                real_server 10.0.1.1 80 {
                    TCP_CHECK {
                        bind_if eth7
                        fwmark 42
                    }
                    HTTP_GET {
                        url {
                            path /
                        }
                    }
                    MISC_CHECK {
                        misc_path /bin/true
                        user nobody nogroup
                    }
                }
            }
            """);

        var checkers = Assert.Single(Assert.Single(HealthSettingsMapper.Map(config)).Settings.RealServers).Checkers;
        var tcp = Assert.IsType<TcpCheckSpec>(checkers[0]);
        var http = Assert.IsType<HttpCheckSpec>(checkers[1]);
        var misc = Assert.IsType<MiscCheckSpec>(checkers[2]);

        Assert.Equal("eth7", tcp.BindInterface);
        Assert.Equal(42u, tcp.Fwmark);
        Assert.Null(http.BindInterface);
        Assert.Null(http.Fwmark);
        Assert.Equal(new ScriptUser("nobody:nogroup", 65534, 65534), misc.User);
    }

    [Fact]
    public void Map_MiscUserUnknown_ConfigErrorNamingFileAndLine()
    {
        var config = TestConfigs.Load("""
            virtual_server 10.0.0.1 80 {
                protocol TCP
                real_server 10.0.1.1 80 {
                    MISC_CHECK {
                        misc_path /bin/true
                        user lvsha-no-such-user
                    }
                }
            }
            """);

        var error = Assert.Throws<LvsHa.Config.ConfigException>(() => HealthSettingsMapper.Map(config));

        Assert.StartsWith("/tmp/lvsha-lvs-test.conf:4:", error.Message, StringComparison.Ordinal);
        Assert.Contains("no such user 'lvsha-no-such-user'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_FileCheck_TheFileAndWeightOnlyNoConnectionNoTiming()
    {
        var config = TestConfigs.Load("""
            track_file TRACK {
                file /run/app/weight
                weight 2 reverse
            }
            virtual_server 10.0.0.1 80 {
                protocol TCP
                alpha
                real_server 10.0.1.1 80 {
                    FILE_CHECK {
                        track_file TRACK
                    }
                    FILE_CHECK {
                        track_file TRACK
                        weight 10
                    }
                }
            }
            """);

        var checkers = HealthSettingsMapper.Map(config)[0].Settings.RealServers[0].Checkers;

        Assert.Equal([new FileCheckSpec("/run/app/weight", 2, true), new FileCheckSpec("/run/app/weight", 10, false)], checkers);
    }
}
