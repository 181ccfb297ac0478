#!/usr/bin/env bash
# Health reaction, LvsHa (`lvsha run`) and keepalived 2.2.7 side by side in the same run, on a real ip_vs kernel (the
# lab VM when this machine's kernel has none): the same keepalived.conf, one virtual service with three real servers
# checked with delay_loop 1, retry 1, delay_before_retry 1, connect_timeout 1, once with TCP_CHECK, HTTP_GET and
# MISC_CHECK each. A trial kills one real server's web server (removal: until the kernel's table no longer has it),
# then starts it again and, once it listens, measures the return (until the table has it again). What the operator
# sees: the event on the real server to the kernel's table, read from /proc/net/ip_vs every 10 ms. With OTHERS > 0
# the configuration also holds that many other virtual services (2 real servers each, no checker), the "large table".
# Prints each trial, the medians and the ratio lvsha / keepalived for each checker, removal and return.
#
#   tests/lab/bench-health.sh [TRIALS=3] [OTHERS=0] [CHECKERS="TCP_CHECK HTTP_GET MISC_CHECK"]
#   LVSHA=/path/to/lvsha tests/lab/bench-health.sh ...   (the native AOT executable; default: the JIT build)
#   KEEP=1 tests/lab/bench-health.sh ...   (keeps the directors' logs and configurations; prints where)
#
# Needs root, iproute2, ipvsadm, keepalived (tests/lab/install-deps.sh), python3 and the .NET SDK. Namespaces are
# named lvsha-hbench-*; everything is removed at the end, also on failure.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
trials=${1:-3} others=${2:-0} checkers=${3:-TCP_CHECK HTTP_GET MISC_CHECK}
out=$(mktemp -d /tmp/lvsha-bench-health-XXXXXX)
if [[ -n "${KEEP:-}" ]]; then trap 'echo "kept: $out" >&2' EXIT; else trap 'rm -rf "$out"' EXIT; fi

if [[ -z "${LVSHA:-}" ]]; then
    dotnet build "$root/src/LvsHa.Cli" -c Release -o "$out/lvsha" -nologo -v quiet >/dev/null
    lvsha="dotnet $out/lvsha/lvsha.dll"
else
    mkdir -p "$out/lvsha" && cp "$LVSHA" "$out/lvsha/lvsha"
    lvsha="$out/lvsha/lvsha"
fi
cp "$root/tests/lab/bench-health-trials.py" "$out/"

run_inner() { python3 "$out/bench-health-trials.py" "$out" "$trials" "$others" "$lvsha" $checkers; }
if [[ -e /proc/net/ip_vs ]] || modprobe ip_vs 2>/dev/null; then
    where="this machine"
    log=$(run_inner 2>&1) || { echo "$log" >&2; exit 1; }
else
    where="the ip_vs VM"
    log=$("$root/tests/lab/vm/run-in-vm.sh" --timeout 3000 --share "$out" -- python3 "$out/bench-health-trials.py" \
        "$out" "$trials" "$others" "$lvsha" $checkers 2>&1) || { echo "$log" >&2; exit 1; }
fi
echo "health reaction on $where, $trials trials, $others other virtual services:"
echo "$log" | grep -E '^(trial|median|ratio)'
