#!/usr/bin/env bash
# The IPVS apply benchmark: LvsHa's pipelined ExecuteAsync against `ipvsadm -R` of the same 1,000 x 10 rules, in the
# same run on a real ip_vs kernel (the lab VM when this machine's kernel has none), and 10,000 x 10 for growth.
# Both ways must produce the same `ipvsadm -Sn` table. Prints the figures.
#
#   tests/lab/bench-ipvs.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
dotnet build tests/LvsHa.Netlink.Tests -c Release -nologo -v quiet
out=$(mktemp -d /tmp/lvsha-bench-XXXXXX)
trap 'rm -rf "$out"' EXIT
export LVSHA_BENCH_OUT=$out/figures.txt
cmd=(dotnet vstest "$root/tests/LvsHa.Netlink.Tests/bin/Release/net10.0/LvsHa.Netlink.Tests.dll"
    --TestCaseFilter:Category=Benchmark "--ResultsDirectory:$out")
if [[ -e /proc/net/ip_vs ]] || modprobe ip_vs 2>/dev/null; then
    unshare --net -- sh -c 'sh "$1" && shift && exec "$@"' sh tests/lab/lab-net.sh "${cmd[@]}" >"$out/log" 2>&1 || true
else
    LVSHA_VM_ENV=LVSHA_BENCH_OUT tests/lab/vm/run-in-vm.sh --timeout 1800 --share "$out" -- "${cmd[@]}" >"$out/log" 2>&1 || true
fi
if [[ ! -s $LVSHA_BENCH_OUT ]]; then
    echo "benchmark produced no figures; log:" >&2
    tail -n 30 "$out/log" >&2
    exit 1
fi
cat "$LVSHA_BENCH_OUT"
