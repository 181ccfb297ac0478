namespace LvsHa.Config.Building;

/// <summary>What LvsHa does with a keyword keepalived 2.2.7 knows but LvsHa does not implement.</summary>
internal enum Unimplemented
{
    /// <summary>Ignoring it changes nothing the director does (mail, SNMP, process names, ...): a warning.</summary>
    Warn,

    /// <summary>Ignoring it would change what the director does: an error, the configuration is refused.</summary>
    Refuse,

    /// <summary>
    /// VRRP wire keywords the VRRP-wire work implements in the block's own switch; until it is merged they are
    /// accepted without a word (neither flagged nor implemented here).
    /// </summary>
    Accepted,
}

/// <summary>
/// The one table of keywords per block: every keyword keepalived 2.2.7 knows there (read from its parsers,
/// `install_keyword` calls), LvsHa's own additions, and for each keyword keepalived knows but LvsHa does not
/// implement whether ignoring it is harmless (warning) or not (error). <see cref="ValueReader.NotSupported"/> is the
/// one place that applies it; src/LvsHa.Config/README.md lists the same table for operators.
/// </summary>
internal static class KeepalivedKeywords
{
    private const string CheckerCommon =
        "connect_ip connect_port bindto bind_port bind_if connect_timeout fwmark retry delay_before_retry warmup delay_loop alpha log_all_failures";

    private static readonly Dictionary<string, BlockKeywords> Blocks = new(StringComparer.Ordinal)
    {
        ["the top level"] = new(
            "global_defs linkbeat_use_polling net_namespace net_namespace_ipvs namespace_with_ipsets use_pid_dir instance " +
            "child_wait_time SSL virtual_server_group virtual_server track_group static_ipaddress static_routes static_rules " +
            "vrrp_sync_group garp_group linkbeat_interfaces vrrp_instance vrrp_script vrrp_track_process " +
            "interface_up_down_delays bfd_instance track_file vrrp_track_file",
            lvsHa: "cluster real_server_prep bgp",
            warn: "use_pid_dir instance child_wait_time",
            refuse: "linkbeat_use_polling net_namespace net_namespace_ipvs namespace_with_ipsets SSL track_group static_ipaddress " +
                    "static_routes static_rules garp_group linkbeat_interfaces vrrp_track_process interface_up_down_delays " +
                    "bfd_instance"),
        ["global_defs"] = new(
            "process_names process_name vrrp_process_name checker_process_name lvs_process_name bfd_process_name router_id " +
            "notification_email_from smtp_server smtp_helo_name smtp_connect_timeout notification_email smtp_alert " +
            "startup_script startup_script_timeout shutdown_script shutdown_script_timeout max_auto_priority " +
            "min_auto_priority_delay smtp_alert_vrrp smtp_alert_checker checker_log_all_failures dynamic_interfaces " +
            "no_email_faults default_interface disable_local_igmp lvs_timeouts lvs_flush lvs_flush_on_stop lvs_flush_onstop " +
            "lvs_sync_daemon vrrp_mcast_group4 vrrp_mcast_group6 vrrp_garp_master_delay vrrp_garp_master_repeat " +
            "vrrp_garp_master_refresh vrrp_garp_master_refresh_repeat vrrp_garp_lower_prio_delay vrrp_garp_lower_prio_repeat " +
            "vrrp_down_timer_adverts vrrp_garp_interval vrrp_gna_interval vrrp_min_garp vrrp_garp_extra_if " +
            "vrrp_vmac_garp_intvl vrrp_lower_prio_no_advert vrrp_higher_prio_send_advert vrrp_version vrrp_iptables " +
            "vrrp_ipsets nftables nftables_priority nftables_ifindex nftables_ipvs nftables_ipvs_priority " +
            "nftables_ipvs_start_fwmark nftables_counters vrrp_check_unicast_src vrrp_skip_check_adv_addr vrrp_strict " +
            "vrrp_priority vrrp_no_swap vrrp_rt_priority vrrp_cpu_affinity vrrp_rlimit_rttime vrrp_rlimit_rtime notify_fifo " +
            "notify_fifo_script vrrp_notify_fifo vrrp_notify_fifo_script vrrp_notify_priority_changes " +
            "fifo_write_vrrp_states_on_reload lvs_notify_fifo lvs_notify_fifo_script checker_priority checker_no_swap " +
            "checker_rt_priority checker_cpu_affinity checker_rlimit_rttime checker_rlimit_rtime bfd_priority bfd_no_swap " +
            "bfd_rt_priority bfd_cpu_affinity bfd_rlimit_rttime bfd_rlimit_rtime snmp_socket enable_traps enable_snmp_vrrp " +
            "enable_snmp_keepalived enable_snmp_rfc enable_snmp_rfcv2 enable_snmp_rfcv3 enable_snmp_checker enable_dbus " +
            "dbus_service_name script_user enable_script_security vrrp_netlink_cmd_rcv_bufs vrrp_netlink_cmd_rcv_bufs_force " +
            "vrrp_netlink_monitor_rcv_bufs vrrp_netlink_monitor_rcv_bufs_force process_monitor_rcv_bufs " +
            "process_monitor_rcv_bufs_force lvs_netlink_cmd_rcv_bufs lvs_netlink_cmd_rcv_bufs_force " +
            "lvs_netlink_monitor_rcv_bufs lvs_netlink_monitor_rcv_bufs_force rs_init_notifies no_checker_emails " +
            "vrrp_rx_bufs_policy vrrp_rx_bufs_multiplier vrrp_startup_delay log_unknown_vrids vmac_prefix vmac_addr_prefix " +
            "umask random_seed reload_check_config reload_time_file reload_repeat reload_file include_check config_save_dir " +
            "tmp_config_directory data_use_instance",
            lvsHa: "metrics_listen",
            warn: "vrrp_garp_lower_prio_delay process_names process_name vrrp_process_name checker_process_name lvs_process_name bfd_process_name " +
                  "checker_log_all_failures " +
                  "max_auto_priority min_auto_priority_delay vrrp_priority vrrp_no_swap vrrp_rt_priority vrrp_cpu_affinity " +
                  "vrrp_rlimit_rttime vrrp_rlimit_rtime checker_priority checker_no_swap checker_rt_priority " +
                  "checker_cpu_affinity checker_rlimit_rttime checker_rlimit_rtime bfd_priority bfd_no_swap bfd_rt_priority " +
                  "bfd_cpu_affinity bfd_rlimit_rttime bfd_rlimit_rtime snmp_socket enable_traps enable_snmp_vrrp " +
                  "enable_snmp_keepalived enable_snmp_rfc enable_snmp_rfcv2 enable_snmp_rfcv3 enable_snmp_checker " +
                  "enable_dbus dbus_service_name vrrp_netlink_cmd_rcv_bufs vrrp_netlink_cmd_rcv_bufs_force " +
                  "vrrp_netlink_monitor_rcv_bufs vrrp_netlink_monitor_rcv_bufs_force process_monitor_rcv_bufs " +
                  "process_monitor_rcv_bufs_force lvs_netlink_cmd_rcv_bufs lvs_netlink_cmd_rcv_bufs_force " +
                  "lvs_netlink_monitor_rcv_bufs lvs_netlink_monitor_rcv_bufs_force vrrp_rx_bufs_policy " +
                  "vrrp_rx_bufs_multiplier log_unknown_vrids vmac_prefix vmac_addr_prefix umask random_seed " +
                  "reload_check_config include_check config_save_dir tmp_config_directory data_use_instance",
            refuse: "startup_script startup_script_timeout shutdown_script shutdown_script_timeout dynamic_interfaces " +
                    "default_interface disable_local_igmp lvs_flush lvs_flush_on_stop lvs_flush_onstop " +
                    "vrrp_down_timer_adverts vrrp_min_garp vrrp_garp_extra_if vrrp_vmac_garp_intvl " +
                    "vrrp_lower_prio_no_advert vrrp_higher_prio_send_advert vrrp_iptables vrrp_ipsets nftables " +
                    "nftables_priority nftables_ifindex nftables_ipvs nftables_ipvs_priority nftables_ipvs_start_fwmark " +
                    "nftables_counters vrrp_check_unicast_src notify_fifo notify_fifo_script vrrp_notify_fifo " +
                    "vrrp_notify_fifo_script vrrp_notify_priority_changes fifo_write_vrrp_states_on_reload lvs_notify_fifo " +
                    "lvs_notify_fifo_script rs_init_notifies vrrp_startup_delay reload_time_file reload_repeat reload_file",
            accepted: "vrrp_version vrrp_mcast_group4 vrrp_mcast_group6 vrrp_skip_check_adv_addr vrrp_strict " +
                      "vrrp_garp_master_delay vrrp_garp_master_repeat vrrp_garp_master_refresh " +
                      "vrrp_garp_master_refresh_repeat vrrp_garp_interval vrrp_gna_interval vrrp_garp_lower_prio_repeat"),
        ["virtual_server"] = new(
            "ip_family retry delay_before_retry warmup connect_timeout delay_loop inhibit_on_failure lb_algo lvs_sched hashed " +
            "ops flag-1 flag-2 flag-3 sh-port sh-fallback mh-port mh-fallback lb_kind lvs_method persistence_engine " +
            "persistence_timeout persistence_granularity protocol ha_suspend smtp_alert virtualhost snmp_name alpha omega " +
            "quorum_up quorum_down quorum hysteresis weight sorry_server sorry_server_inhibit sorry_server_lvs_method real_server",
            lvsHa: "announce",
            warn: "hashed snmp_name"),
        ["real_server"] = new(
            "weight lvs_method uthreshold lthreshold inhibit_on_failure notify_up notify_down alpha retry delay_before_retry " +
            "warmup connect_timeout delay_loop smtp_alert virtualhost snmp_name " +
            "TCP_CHECK HTTP_GET SSL_GET MISC_CHECK DNS_CHECK UDP_CHECK SMTP_CHECK PING_CHECK FILE_CHECK BFD_CHECK",
            lvsHa: "ssh_host",
            warn: "snmp_name",
            refuse: "BFD_CHECK"),
        ["TCP_CHECK"] = new(CheckerCommon, warn: "log_all_failures"),
        ["PING_CHECK"] = new(CheckerCommon, warn: "log_all_failures"),
        ["HTTP_GET"] = new(CheckerCommon + " nb_get_retry virtualhost http_protocol enable_sni fast_recovery url",
            warn: "log_all_failures enable_sni", refuse: "fast_recovery"),
        ["SSL_GET"] = new(CheckerCommon + " nb_get_retry virtualhost http_protocol enable_sni fast_recovery url",
            warn: "log_all_failures", refuse: "fast_recovery"),
        ["url"] = new("path digest status_code virtualhost regex regex_no_match regex_options regex_min_offset regex_max_offset regex_stack",
            refuse: "regex regex_no_match regex_options regex_min_offset regex_max_offset regex_stack"),
        ["MISC_CHECK"] = new("retry delay_before_retry warmup delay_loop alpha log_all_failures misc_path misc_timeout misc_dynamic user",
            warn: "log_all_failures"),
        ["DNS_CHECK"] = new(CheckerCommon + " type name", warn: "log_all_failures"),
        ["UDP_CHECK"] = new(CheckerCommon + " payload require_reply min_reply_length max_reply_length",
            warn: "log_all_failures", refuse: "min_reply_length max_reply_length"),
        ["SMTP_CHECK"] = new(CheckerCommon + " helo_name host", warn: "log_all_failures"),
        ["host"] = new(CheckerCommon, warn: "log_all_failures"),
        ["FILE_CHECK"] = new("track_file weight"),
        ["vrrp_instance"] = new(
            "use_vmac use_vmac_addr vmac_xmit_base use_ipvlan unicast_peer unicast_fault_no_peer check_unicast_src " +
            "old_unicast_checksum native_ipv6 state interface vrf dont_track_primary track_interface track_script track_file " +
            "track_process track_bfd mcast_src_ip unicast_src_ip mcast_dst_ip track_src_ip virtual_router_id unicast_ttl " +
            "version priority advert_int virtual_ipaddress virtual_ipaddress_excluded promote_secondaries " +
            "linkbeat_use_polling virtual_routes virtual_rules accept no_accept skip_check_adv_addr strict_mode preempt " +
            "nopreempt preempt_delay debug notify_backup notify_master notify_fault notify_stop notify_deleted notify " +
            "notify_master_rx_lower_pri smtp_alert notify_priority_changes lvs_sync_daemon_interface garp_master_delay " +
            "garp_master_refresh garp_master_repeat garp_master_refresh_repeat garp_lower_prio_delay garp_lower_prio_repeat " +
            "down_timer_adverts garp_extra_if vmac_garp_intvl lower_prio_no_advert higher_prio_send_advert " +
            "kernel_rx_buf_size authentication",
            warn: "debug preempt kernel_rx_buf_size notify_priority_changes garp_lower_prio_delay unicast_ttl",
            refuse: "use_vmac use_vmac_addr vmac_xmit_base use_ipvlan unicast_fault_no_peer check_unicast_src " +
                    "old_unicast_checksum native_ipv6 vrf track_process track_bfd mcast_dst_ip track_src_ip " +
                    "linkbeat_use_polling virtual_routes virtual_rules accept no_accept strict_mode " +
                    "notify_deleted notify_master_rx_lower_pri lvs_sync_daemon_interface down_timer_adverts garp_extra_if " +
                    "vmac_garp_intvl lower_prio_no_advert higher_prio_send_advert",
            accepted: "mcast_src_ip dont_track_primary garp_lower_prio_repeat skip_check_adv_addr"),
        ["authentication"] = new("auth_type auth_pass"),
        ["vrrp_script"] = new("script interval timeout weight rise fall user init_fail"),
        ["track_file"] = new("file weight init_file"),
        ["vrrp_sync_group"] = new(
            "group track_interface track_script track_file track_process track_bfd notify_backup notify_master notify_fault " +
            "notify_stop notify smtp_alert global_tracking sync_group_tracking_weight notify_priority_changes",
            warn: "notify_priority_changes",
            refuse: "track_process track_bfd global_tracking sync_group_tracking_weight"),
        ["cluster"] = new("", lvsHa: "node_name listen seed split_brain_guard secret_file heartbeat_pause connect_timeout"),
        ["real_server_prep"] = new("", lvsHa: "user port identity_file known_hosts_file persist auto_prepare"),
        ["bgp"] = new("", lvsHa: "local_as router_id neighbor hold_time bfd"),
    };

    /// <summary>What an unknown keyword was probably meant as, where a plain "unknown" would puzzle: keywords keepalived
    /// knows elsewhere but not in this block (`keepalived -t` reports them as unknown too).</summary>
    private static readonly Dictionary<(string Block, string Keyword), string> Notes = new()
    {
        [("TCP_CHECK", "nb_get_retry")] = "keepalived reads nb_get_retry only in HTTP_GET and SSL_GET; use retry",
        [("PING_CHECK", "nb_get_retry")] = "keepalived reads nb_get_retry only in HTTP_GET and SSL_GET; use retry",
        [("MISC_CHECK", "nb_get_retry")] = "keepalived reads nb_get_retry only in HTTP_GET and SSL_GET; use retry",
        [("DNS_CHECK", "nb_get_retry")] = "keepalived reads nb_get_retry only in HTTP_GET and SSL_GET; use retry",
        [("UDP_CHECK", "nb_get_retry")] = "keepalived reads nb_get_retry only in HTTP_GET and SSL_GET; use retry",
        [("SMTP_CHECK", "nb_get_retry")] = "keepalived reads nb_get_retry only in HTTP_GET and SSL_GET; use retry",
        [("real_server", "lb_kind")] = "keepalived does not know lb_kind in real_server either; use lvs_method",
    };

    /// <summary>A note explaining why the keyword is unknown there, or null.</summary>
    public static string? Note(string block, string keyword) => Notes.GetValueOrDefault((block, keyword));

    /// <summary>How LvsHa treats <paramref name="keyword"/> in <paramref name="block"/>; null when keepalived does not know it there either.</summary>
    public static Unimplemented? Support(string block, string keyword) =>
        Blocks.TryGetValue(block, out var b) && b.Unimplemented.TryGetValue(keyword, out var u) ? u : null;

    /// <summary>True when keepalived 2.2.7 (or LvsHa itself) knows <paramref name="keyword"/> in <paramref name="block"/>.</summary>
    public static bool IsKnown(string block, string keyword) => Blocks.TryGetValue(block, out var b) && b.Known.Contains(keyword);

    /// <summary>True for LvsHa's own keywords (cluster, real_server_prep, ssh_host, metrics_listen), which keepalived does not know.</summary>
    public static bool IsLvsHaOwn(string block, string keyword) => Blocks.TryGetValue(block, out var b) && b.LvsHaOwn.Contains(keyword);

    /// <summary>Every block the table describes and its known keywords (for tests and the README).</summary>
    public static IEnumerable<(string Block, IReadOnlySet<string> Known, IReadOnlyDictionary<string, Unimplemented> Unimplemented)> All() =>
        Blocks.Select(kv => (kv.Key, (IReadOnlySet<string>)kv.Value.Known, (IReadOnlyDictionary<string, Unimplemented>)kv.Value.Unimplemented));

    /// <summary>The known keyword of <paramref name="block"/> closest to <paramref name="keyword"/>, when it is close enough to be a typo.</summary>
    public static string? Nearest(string block, string keyword)
    {
        if (!Blocks.TryGetValue(block, out var b))
            return null;
        // keepalived's keywords are case-sensitive: `LB_ALGO` is unknown, but plainly meant `lb_algo`.
        if (b.Known.FirstOrDefault(k => string.Equals(k, keyword, StringComparison.OrdinalIgnoreCase)) is { } sameLetters)
            return sameLetters;
        // One edit for short words, two for ordinary keywords, three for long ones: close, never a wild guess.
        int limit = keyword.Length <= 4 ? 1 : keyword.Length <= 12 ? 2 : 3;
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in b.Known.Order(StringComparer.Ordinal))
        {
            if (b.Unimplemented.TryGetValue(candidate, out var u) && u == Unimplemented.Refuse)
                continue;
            int d = EditDistance(keyword, candidate, limit);
            if (d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= limit ? best : null;
    }

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent swaps); above <paramref name="limit"/> returns limit+1.</summary>
    internal static int EditDistance(string a, string b, int limit)
    {
        if (Math.Abs(a.Length - b.Length) > limit)
            return limit + 1;
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
            d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++)
            d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                int v = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    v = Math.Min(v, d[i - 2, j - 2] + 1);
                d[i, j] = v;
            }
        }
        return Math.Min(d[a.Length, b.Length], limit + 1);
    }

    private sealed class BlockKeywords
    {
        public BlockKeywords(string keepalived, string lvsHa = "", string warn = "", string refuse = "", string accepted = "")
        {
            LvsHaOwn = [.. Words(lvsHa)];
            Known = [.. Words(keepalived), .. LvsHaOwn];
            foreach (var k in Words(warn))
                Unimplemented[k] = Building.Unimplemented.Warn;
            foreach (var k in Words(refuse))
                Unimplemented[k] = Building.Unimplemented.Refuse;
            foreach (var k in Words(accepted))
            {
                Unimplemented[k] = Building.Unimplemented.Accepted;
                Known.Add(k);
            }
        }

        public HashSet<string> Known { get; }

        public HashSet<string> LvsHaOwn { get; }

        public Dictionary<string, Unimplemented> Unimplemented { get; } = new(StringComparer.Ordinal);

        private static string[] Words(string list) => list.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }
}
