namespace LvsHa.Config.Tests;

/// <summary>Every keyword of the list is implemented: a file using all of them loads with no warning.</summary>
public class EveryKeywordTests
{
    private const string EveryKeyword = """
        global_defs {
            router_id r1
            script_user root
            enable_script_security
            metrics_listen 127.0.0.1 9105
            lvs_sync_daemon eth1 VI_1 id 1 maxlen 1400 port 8848 ttl 1 group 224.0.0.81
        }
        cluster {
            node_name d1
            listen 10.0.0.1 4053
            seed 10.0.0.1 4053
            seed 10.0.0.2 4053
            seed 10.0.0.3 4053
            split_brain_guard majority
            secret_file /etc/lvsha/cluster.secret
        }
        real_server_prep {
            user root
            port 22
            identity_file /etc/lvsha/id_ed25519
            known_hosts_file /etc/lvsha/known_hosts
            persist on
            auto_prepare off
        }
        bgp {
            local_as 65010
            router_id 10.0.0.1
            neighbor 10.0.0.254 remote_as 65000
            neighbor 2001:db8::fe remote_as 65000
            hold_time 9
            bfd on
        }
        vrrp_script chk {
            script "/bin/true"
            interval 1
            timeout 1
            weight -5
            rise 1
            fall 1
            user root
        }
        vrrp_instance VI_1 {
            state MASTER
            interface eth0
            virtual_router_id 1
            priority 200
            advert_int 1
            version 2
            unicast_src_ip 10.0.0.1
            unicast_peer {
                10.0.0.2
            }
            virtual_ipaddress {
                10.9.0.1/24 brd 10.9.0.255 dev eth0 scope global label eth0:1
            }
            virtual_ipaddress_excluded {
                10.9.1.1/24 dev eth1
            }
            track_interface {
                eth1 weight -10
            }
            track_script {
                chk
            }
            notify /bin/n
            notify_master /bin/m
            notify_backup /bin/b
            notify_fault /bin/f
            notify_stop /bin/s
            garp_master_delay 1
            garp_master_repeat 2
            garp_master_refresh 10
            garp_master_refresh_repeat 2
            authentication {
                auth_type PASS
                auth_pass pw
            }
        }
        vrrp_instance VI_2 {
            state BACKUP
            interface eth0
            virtual_router_id 2
            nopreempt
            preempt_delay 10
            virtual_ipaddress {
                2001:db8::1/64 dev eth0
            }
        }
        vrrp_instance VI_3 {
            interface eth2
            virtual_router_id 3
            virtual_ipaddress {
                10.9.3.1
            }
        }
        vrrp_instance VI_4 {
            interface eth2
            virtual_router_id 4
            virtual_ipaddress {
                10.9.4.1
            }
        }
        vrrp_sync_group G {
            group {
                VI_3
                VI_4
            }
            notify /bin/n
            notify_master /bin/m
            notify_backup /bin/b
            notify_fault /bin/f
            notify_stop /bin/s
        }
        virtual_server_group GRP {
            10.8.0.1 80
            10.8.0.2-3 80
            10.8.1.0/30 80
            2001:db8:8::1-2 80
            fwmark 5
        }
        virtual_server_group GRP4 {
            10.8.2.1 80
            fwmark 6
        }
        virtual_server 10.7.0.1 80 {
            lb_algo sh
            flag-1
            flag-2
            flag-3
            sh-port
            sh-fallback
            lb_kind DR
            persistence_timeout
            persistence_granularity 255.255.255.0
            persistence_engine sip
            protocol TCP
            quorum 1
            hysteresis 0
            quorum_up /bin/up
            quorum_down /bin/down
            sorry_server 10.7.9.9 80
            sorry_server_inhibit
            sorry_server_lvs_method DR
            alpha
            omega
            inhibit_on_failure
            weight 2
            delay_loop 5
            connect_timeout 3
            retry 2
            delay_before_retry 2
            warmup 1
            virtualhost www.example.com
            ha_suspend
            real_server 10.7.1.1 80 {
                weight 3
                lvs_method TUN type gue port 6080 remcsum
                inhibit_on_failure
                uthreshold 10
                lthreshold 1
                notify_up /bin/up
                notify_down /bin/down
                delay_loop 4
                connect_timeout 2
                retry 1
                delay_before_retry 1
                warmup 0
                alpha
                virtualhost rs.example.com
                ssh_host 192.0.2.1
                TCP_CHECK {
                    connect_ip 10.7.1.1
                    connect_port 80
                    bindto 10.7.0.2
                    bind_port 5555
                    bind_if eth0
                    fwmark 9
                    connect_timeout 1
                    retry 1
                    delay_before_retry 1
                    warmup 1
                    delay_loop 2
                    alpha
                }
                HTTP_GET {
                    http_protocol 1.0C
                    virtualhost h.example.com
                    url {
                        path /
                        status_code 200 300-302
                        digest 9b3a0c85a887a256d6939da88aabd8cd
                        virtualhost u.example.com
                    }
                }
                SSL_GET {
                    enable_sni
                    url {
                        path /s
                    }
                }
                MISC_CHECK {
                    misc_path "/bin/true 1"
                    misc_timeout 3
                    misc_dynamic
                    user nobody
                }
                DNS_CHECK {
                    type A
                    name example.com
                }
                UDP_CHECK {
                    payload 00ff
                    require_reply ff
                }
                SMTP_CHECK {
                    helo_name mx.example.com
                }
            }
        }
        virtual_server 10.7.0.1 53 {
            lvs_sched mh
            announce bgp
            mh-port
            mh-fallback
            ops
            lvs_method NAT
            protocol UDP
            persistence_timeout 60
            real_server 10.7.1.1 53 {
                lvs_method NAT
            }
        }
        virtual_server fwmark 7 {
            ip_family inet6
            lb_kind TUN
            real_server 2001:db8:7::1 {
            }
        }
        virtual_server group GRP4 {
            lb_kind DR
            protocol SCTP
            real_server 10.6.1.1 80 {
            }
        }
        """;

    [Fact]
    public void Load_EveryListedKeyword_IsImplementedWithoutWarning()
    {
        var r = ConfigLoader.LoadText(EveryKeyword, "every.conf");
        Assert.True(r.Diagnostics.Count == 0, string.Join('\n', r.Diagnostics));
        Assert.True(r.Success);
        Assert.Equal(4, r.Config!.VirtualServers.Count);
        Assert.Equal(7, r.Config.VirtualServers[0].RealServers[0].Checkers.Count);
    }
}
