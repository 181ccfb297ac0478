using LvsHa.Config;
using LvsHa.Ipvs;

namespace LvsHa.Ipvs.Tests;

public class WantedTableTests
{
    private static string[] StartupLines(string config)
    {
        var result = ConfigLoader.LoadText(config, "/tmp/lvsha-test.conf");
        Assert.True(result.Config is not null, string.Join("\n", result.Diagnostics));
        var table = WantedTable.Build(result.Config!, StartupHealth.Instance);
        return table.Entries
            .SelectMany(e => new[] { "-A " + IpvsCommandText.Service(e.Service) }
                .Concat(e.Destinations.Select(d => "-a " + IpvsCommandText.Destination(d))))
            .ToArray();
    }

    [Fact]
    public void Build_NoProtocol_IsUdpAsKeepalived()
    {
        var lines = StartupLines("virtual_server 10.0.0.1 53 {\n lb_algo rr\n lb_kind DR\n real_server 10.0.1.1 53 {\n }\n}\n");

        Assert.Equal(new[] { "-A -u 10.0.0.1:53 -s rr", "-a -u 10.0.0.1:53 -r 10.0.1.1:53 -g -w 1" }, lines);
    }

    [Fact]
    public void Build_AlphaCheckersAndInhibit_StartOutOrAtWeightZero()
    {
        var lines = StartupLines("""
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lb_algo wlc
                lb_kind DR
                alpha
                real_server 10.0.1.1 80 {
                    TCP_CHECK {
                    }
                }
                real_server 10.0.1.2 80 {
                    inhibit_on_failure
                    weight 7
                    TCP_CHECK {
                    }
                }
                real_server 10.0.1.3 80 {
                    weight 2
                }
            }
            """);

        Assert.Equal(new[]
        {
            "-A -t 10.0.0.1:80 -s wlc",
            "-a -t 10.0.0.1:80 -r 10.0.1.2:80 -g -w 0",
            "-a -t 10.0.0.1:80 -r 10.0.1.3:80 -g -w 2",
        }, lines);
    }

    [Fact]
    public void Build_QuorumPlusHysteresisNotReached_SorryServerAlone()
    {
        var lines = StartupLines("""
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lb_algo rr
                lb_kind DR
                quorum 3
                hysteresis 1
                sorry_server 10.0.9.1 80
                real_server 10.0.1.1 80 {
                    weight 2
                }
                real_server 10.0.1.2 80 {
                    weight 1
                }
            }
            """);

        Assert.Equal(new[] { "-A -t 10.0.0.1:80 -s rr", "-a -t 10.0.0.1:80 -r 10.0.9.1:80 -g -w 1" }, lines);
    }

    [Fact]
    public void Build_QuorumMetWithInhibitedSorryServer_SorryServerAtWeightZero()
    {
        var lines = StartupLines("""
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lb_algo rr
                lb_kind DR
                quorum 2
                sorry_server 10.0.9.1 80
                sorry_server_inhibit
                real_server 10.0.1.1 80 {
                    weight 2
                }
            }
            """);

        Assert.Equal(new[]
        {
            "-A -t 10.0.0.1:80 -s rr",
            "-a -t 10.0.0.1:80 -r 10.0.1.1:80 -g -w 2",
            "-a -t 10.0.0.1:80 -r 10.0.9.1:80 -g -w 0",
        }, lines);
    }

    [Fact]
    public void Build_Group_OneServicePerAddressPortAndFwmark()
    {
        var lines = StartupLines("""
            virtual_server_group web {
                10.0.0.1 80
                10.0.0.10-11 8080
                fwmark 21
            }
            virtual_server group web {
                protocol TCP
                lb_algo wlc
                lb_kind DR
                real_server 10.0.1.1 80 {
                }
            }
            """);

        Assert.Equal(new[]
        {
            "-A -t 10.0.0.1:80 -s wlc", "-a -t 10.0.0.1:80 -r 10.0.1.1:80 -g -w 1",
            "-A -t 10.0.0.10:8080 -s wlc", "-a -t 10.0.0.10:8080 -r 10.0.1.1:8080 -g -w 1",
            "-A -t 10.0.0.11:8080 -s wlc", "-a -t 10.0.0.11:8080 -r 10.0.1.1:8080 -g -w 1",
            "-A -f 21 -s wlc", "-a -f 21 -r 10.0.1.1:0 -g -w 1",
        }, lines);
    }

    [Fact]
    public void Build_PersistenceAndFlags_AsKeepalivedSendsThem()
    {
        var lines = StartupLines("""
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lb_algo sh
                sh-port
                lb_kind NAT
                persistence_timeout
                persistence_granularity 255.255.255.0
                real_server 10.0.1.1 8080 {
                }
            }
            """);

        Assert.Equal(new[]
        {
            "-A -t 10.0.0.1:80 -s sh -b sh-port -p 360 -M 255.255.255.0",
            "-a -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 1",
        }, lines);
    }

    [Fact]
    public void Build_SorryServerInUse_AliveInhibitServersStayAtWeightZero()
    {
        var lines = StartupLines("""
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lb_algo rr
                lb_kind DR
                quorum 3
                hysteresis 1
                sorry_server 10.0.9.1 80
                real_server 10.0.1.1 80 {
                    weight 2
                    inhibit_on_failure
                }
                real_server 10.0.1.2 80 {
                    weight 1
                }
            }
            """);

        Assert.Equal(new[]
        {
            "-A -t 10.0.0.1:80 -s rr",
            "-a -t 10.0.0.1:80 -r 10.0.1.1:80 -g -w 0",
            "-a -t 10.0.0.1:80 -r 10.0.9.1:80 -g -w 1",
        }, lines);
    }
}
