using System.Net;
using static LvsHa.Config.Tests.TestSupport;

namespace LvsHa.Config.Tests.Building;

public class CheckerTests
{
    private static HealthChecker Checker(string checker, string vsExtra = "", string rsExtra = "", string method = "NAT") =>
        Assert.Single(LoadValid(Vs("10.0.0.1 80", $"protocol TCP\nlb_kind {method}\n{vsExtra}\nreal_server 10.0.1.1 8080 {{\n{rsExtra}\n{checker}\n}}"))
            .VirtualServers[0].RealServers[0].Checkers);

    [Theory]
    [InlineData("TCP_CHECK", 1, 1)]
    [InlineData("SMTP_CHECK", 1, 1)]
    [InlineData("UDP_CHECK", 1, 1)]
    [InlineData("DNS_CHECK", 3, 60)]
    [InlineData("PING_CHECK", 1, 1)]
    public void Load_CheckerDefaults_AreKeepalived(string keyword, int retry, int delayBeforeRetry)
    {
        var c = Checker(keyword + " {\n}");
        Assert.Equal(keyword, c.Keyword);
        Assert.Equal(retry, c.Retry);
        Assert.Equal(TimeSpan.FromSeconds(delayBeforeRetry), c.DelayBeforeRetry);
        Assert.Equal(TimeSpan.FromSeconds(5), c.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(60), c.DelayLoop);
        Assert.Equal(TimeSpan.FromSeconds(60), c.Warmup);
        Assert.Equal(IPAddress.Parse("10.0.1.1"), c.ConnectIp);
        Assert.Equal(8080, c.ConnectPort);
        Assert.False(c.Alpha);
    }

    [Fact]
    public void Load_HttpDefaults_ThreeSecondsBeforeRetry()
    {
        var c = Assert.IsType<HttpChecker>(Checker("HTTP_GET {\n url {\n  path /\n }\n}"));
        Assert.Equal((1, TimeSpan.FromSeconds(3), "1.0", false), (c.Retry, c.DelayBeforeRetry, c.HttpProtocol, c.UseTls));
    }

    [Fact]
    public void Load_MiscDefaults_NoRetryAndNoPort()
    {
        var c = Assert.IsType<MiscChecker>(Checker("MISC_CHECK {\n misc_path \"/bin/check 1\"\n}"));
        Assert.Equal((0, 0, "/bin/check 1", TimeSpan.FromSeconds(60)), (c.Retry, c.ConnectPort, c.Path, c.Timeout));
    }

    [Fact]
    public void Load_CheckerValues_InheritCheckerThenRealThenVirtualServer()
    {
        var c = Checker("TCP_CHECK {\n retry 7\n}", vsExtra: "connect_timeout 2\nretry 4\ndelay_before_retry 9\nwarmup 1\ndelay_loop 20\nalpha",
            rsExtra: "delay_before_retry 6\ndelay_loop 10");
        Assert.Equal((7, TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), true),
            (c.Retry, c.DelayBeforeRetry, c.ConnectTimeout, c.Warmup, c.DelayLoop, c.Alpha));
    }

    [Fact]
    public void Load_NbGetRetry_IsRetry()
    {
        Assert.Equal(5, Checker("HTTP_GET {\n nb_get_retry 5\n url {\n  path /\n }\n}").Retry);
    }

    [Fact]
    public void Load_CommonConnectionKeys_AreRead()
    {
        var c = Checker("TCP_CHECK {\n connect_ip 10.0.2.2\n connect_port 81\n bindto 10.0.0.9\n bind_port 5000\n bind_if eth1\n fwmark 3\n connect_timeout 0.5\n}");
        Assert.Equal((IPAddress.Parse("10.0.2.2"), 81, IPAddress.Parse("10.0.0.9"), 5000, "eth1", 3u, TimeSpan.FromMilliseconds(500)),
            (c.ConnectIp, c.ConnectPort, c.BindTo, c.BindPort, c.BindInterface, c.Fwmark, c.ConnectTimeout));
    }

    [Fact]
    public void Load_DrCheckerPort_IsTheVirtualPort()
    {
        Assert.Equal(80, Checker("TCP_CHECK {\n}", method: "DR").ConnectPort);
    }

    [Fact]
    public void Load_SslGet_ReadsUrlsAndSni()
    {
        var c = Assert.IsType<HttpChecker>(Checker("""
            SSL_GET {
                http_protocol 1.1
                enable_sni
                virtualhost secure.example.com
                url {
                    path /a
                    status_code 200 301-302
                    digest 9B3A0C85A887A256D6939DA88AABD8CD
                    virtualhost other.example.com
                }
                url {
                    path /b
                }
            }
            """));
        Assert.True(c.UseTls);
        Assert.Equal("SSL_GET", c.Keyword);
        Assert.True(c.EnableSni);
        Assert.Equal("1.1", c.HttpProtocol);
        Assert.Equal("secure.example.com", c.Virtualhost);
        Assert.Equal(2, c.Urls.Count);
        Assert.Equal([200, 301, 302], c.Urls[0].StatusCodes);
        Assert.Equal("9b3a0c85a887a256d6939da88aabd8cd", c.Urls[0].Digest);
        Assert.Equal("other.example.com", c.Urls[0].Virtualhost);
        Assert.Empty(c.Urls[1].StatusCodes);
    }

    [Fact]
    public void Load_HttpVirtualhost_FallsBackToRealThenVirtualServer()
    {
        var c = Assert.IsType<HttpChecker>(Checker("HTTP_GET {\n url {\n path /\n }\n}", vsExtra: "virtualhost vs.example", rsExtra: "virtualhost rs.example"));
        Assert.Equal("rs.example", c.Virtualhost);
    }

    [Fact]
    public void Load_MiscCheck_ReadsAllKeys()
    {
        var c = Assert.IsType<MiscChecker>(Checker("MISC_CHECK {\n misc_path \"/usr/local/bin/check arg\"\n misc_timeout 4\n misc_dynamic\n user nobody nogroup\n}"));
        Assert.Equal(("/usr/local/bin/check arg", TimeSpan.FromSeconds(4), true, "nobody nogroup"), (c.Path, c.Timeout, c.Dynamic, c.User));
    }

    [Fact]
    public void Load_DnsUdpSmtp_ReadTheirKeys()
    {
        var dns = Assert.IsType<DnsChecker>(Checker("DNS_CHECK {\n type aaaa\n name www.example.com\n}"));
        Assert.Equal(("AAAA", "www.example.com"), (dns.QueryType, dns.QueryName));
        var udp = Assert.IsType<UdpChecker>(Checker("UDP_CHECK {\n payload ab 12\n require_reply ab XX\n}"));
        Assert.Equal(("ab12", true, "abxx"), (udp.Payload, udp.RequireReply, udp.ReplyPattern));
        var smtp = Assert.IsType<SmtpChecker>(Checker("SMTP_CHECK {\n helo_name mx.example.com\n}"));
        Assert.Equal("mx.example.com", smtp.HeloName);
    }

    [Theory]
    [InlineData("HTTP_GET {\n}", "needs at least one 'url")]
    [InlineData("HTTP_GET {\n url {\n status_code 200\n }\n}", "url block needs 'path'")]
    [InlineData("HTTP_GET {\n url {\n path /\n status_code 200-99\n }\n}", "invalid status_code '200-99'")]
    [InlineData("HTTP_GET {\n url {\n path /\n digest xyz\n }\n}", "invalid digest 'xyz'")]
    [InlineData("HTTP_GET {\n http_protocol 2\n url {\n path /\n }\n}", "invalid http_protocol '2'")]
    [InlineData("MISC_CHECK {\n}", "MISC_CHECK needs 'misc_path'")]
    [InlineData("DNS_CHECK {\n type PTR\n}", "invalid DNS_CHECK type 'PTR'")]
    [InlineData("TCP_CHECK {\n connect_port 0\n}", "connect_port 0 is out of range")]
    [InlineData("TCP_CHECK {\n connect_ip 1.2.3\n}", "invalid connect_ip '1.2.3'")]
    [InlineData("TCP_CHECK {\n connect_timeout soon\n}", "invalid connect_timeout 'soon'")]
    [InlineData("UDP_CHECK {\n payload zz\n}", "invalid hex string")]
    public void Load_BadCheckerValues_HavePreciseErrors(string checker, string message)
    {
        SingleError(Load(Vs("10.0.0.1 80", $"protocol TCP\nreal_server 10.0.1.1 80 {{\n{checker}\n}}")), message);
    }

    [Fact]
    public void Load_CheckerWithoutPort_IsAnError()
    {
        SingleError(Load("virtual_server_group G {\n10.0.0.1 80\n}\n" + Vs("group G", "protocol TCP\nlb_kind DR\nreal_server 10.0.1.1 {\nTCP_CHECK {\n}\n}")),
            "has no port to connect to");
    }

    [Fact]
    public void Load_UnimplementedCheckerKeywordThatChangesChecks_IsError()
    {
        var r = Load(Vs("10.0.0.1 80", "protocol TCP\nreal_server 10.0.1.1 80 {\nHTTP_GET {\n fast_recovery\n url {\n path /\n regex ok\n }\n}\nBFD_CHECK {\n}\n}"));
        Assert.False(r.Success);
        Assert.Equal(new SourceLocation("test.conf", 5, 2), SingleError(r, "'fast_recovery' in HTTP_GET is known to keepalived but not supported").Location);
        SingleError(r, "'regex' in url");
        SingleError(r, "'BFD_CHECK' in real_server");
    }

    [Fact]
    public void Load_ConnectTimeoutInMiscCheck_IsUnknownAsInKeepalived()
    {
        var r = Load(Vs("10.0.0.1 80", "protocol TCP\nreal_server 10.0.1.1 80 {\nMISC_CHECK {\n misc_path /bin/true\n connect_timeout 3\n}\n}"));
        Assert.Equal(new SourceLocation("test.conf", 6, 2), SingleError(r, "unknown keyword 'connect_timeout' in MISC_CHECK").Location);
    }

    [Fact]
    public void Load_CosmeticCheckerKeyword_IsWarning()
    {
        var r = Load(Vs("10.0.0.1 80", "protocol TCP\nreal_server 10.0.1.1 80 {\nTCP_CHECK {\n log_all_failures\n}\n}"));
        Assert.True(r.Success);
        SingleWarning(r, "'log_all_failures' in TCP_CHECK is not supported by LvsHa; ignored");
    }

    [Fact]
    public void Load_NbGetRetryInTcpCheck_IsAnErrorAsInKeepalivedT()
    {
        // keepalived -t: "Unknown keyword 'nb_get_retry'", exit 5 (at run time it ignores the line).
        var r = Load(Vs("10.0.0.1 80", "protocol TCP\nreal_server 10.0.1.1 80 {\nTCP_CHECK {\n nb_get_retry 7\n}\n}"));
        Assert.False(r.Success);
        var error = SingleError(r, "unknown keyword 'nb_get_retry' in TCP_CHECK: keepalived reads nb_get_retry only in HTTP_GET and SSL_GET; use retry");
        Assert.Equal(new SourceLocation("test.conf", 5, 2), error.Location);
    }

    [Fact]
    public void Load_NbGetRetryInHttpGet_IsRetry()
    {
        // keepalived -t: "nb_get_retry is deprecated - please use 'retry'" (exit 5), and it reads the value.
        var r = Load(Vs("10.0.0.1 80", "protocol TCP\nreal_server 10.0.1.1 80 {\nHTTP_GET {\n nb_get_retry 7\n url {\n path /\n }\n}\n}"));
        Assert.Equal(7, r.Config!.VirtualServers[0].RealServers[0].Checkers[0].Retry);
        Assert.Equal(new SourceLocation("test.conf", 5, 2), SingleWarning(r, "nb_get_retry is deprecated: read as retry").Location);
    }

    [Fact]
    public void Load_PingCheckOfAPortlessRealServer_NeedsNoPort()
    {
        // keepalived's own sample (doc/samples/keepalived.conf.PING_CHECK) pings; a fwmark real server has no port.
        var c = Assert.Single(LoadValid(Vs("fwmark 7", "lb_kind DR\nreal_server 10.0.1.1 {\nPING_CHECK {\n retry 4\n connect_timeout 2\n}\n}"))
            .VirtualServers[0].RealServers[0].Checkers);
        Assert.IsType<PingChecker>(c);
        Assert.Equal((4, TimeSpan.FromSeconds(2)), (c.Retry, c.ConnectTimeout));
    }

    [Fact]
    public void Load_SmtpCheckHostBlocks_EachHostIsACheckerAsInKeepalived()
    {
        // keepalived's doc/samples/keepalived.conf.SMTP_CHECK: no connection keyword in the block, so its hosts are
        // the checkers; they take the block's helo_name and timing.
        var hostsOnly = LoadValid(Vs("10.0.0.1 25", "protocol TCP\nreal_server 10.0.1.1 25 {\nSMTP_CHECK {\n helo_name lb.example\n retry 2\n" +
            " host {\n  connect_ip 10.0.2.1\n  connect_port 2525\n }\n host {\n  connect_ip 10.0.2.2\n  connect_timeout 9\n }\n}\n}"))
            .VirtualServers[0].RealServers[0].Checkers;
        Assert.Equal(2, hostsOnly.Count);
        Assert.All(hostsOnly, c => Assert.Equal(("lb.example", 2), (((SmtpChecker)c).HeloName, c.Retry)));
        Assert.Equal((IPAddress.Parse("10.0.2.1"), 2525, TimeSpan.FromSeconds(5)), (hostsOnly[0].ConnectIp, hostsOnly[0].ConnectPort, hostsOnly[0].ConnectTimeout));
        Assert.Equal((IPAddress.Parse("10.0.2.2"), 25, TimeSpan.FromSeconds(9)), (hostsOnly[1].ConnectIp, hostsOnly[1].ConnectPort, hostsOnly[1].ConnectTimeout));

        // With a connection keyword of its own the block checks too, and each host is one more checker.
        var both = LoadValid(Vs("10.0.0.1 25", "protocol TCP\nreal_server 10.0.1.1 25 {\nSMTP_CHECK {\n connect_timeout 3\n host {\n  connect_ip 10.0.2.1\n }\n}\n}"))
            .VirtualServers[0].RealServers[0].Checkers;
        Assert.Equal([IPAddress.Parse("10.0.1.1"), IPAddress.Parse("10.0.2.1")], both.Select(c => c.ConnectIp));
        Assert.All(both, c => Assert.Equal(TimeSpan.FromSeconds(3), c.ConnectTimeout));
    }
}
