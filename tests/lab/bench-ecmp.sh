#!/usr/bin/env bash
# The ECMP benchmark of issue 19: three directors with `announce bgp` behind a BIRD router (ECMP, L4 hash), three DR
# real servers (lb_algo mh, mh-port, sloppy_tcp), a client holding 300 connections; a director's death (links down +
# SIGKILL), a drain (`lvsha drain --director`) and a stop (SIGTERM). Runs the kernel lab that asserts it
# (BgpKernelTests, tests/LvsHa.Ipvs.Tests/Lab) on a real ip_vs kernel (the lab VM when this machine's kernel has
# none), TRIALS times (default 3), and prints its figures: spread over the directors, connections that survive, new
# connections that fail after the death.
#
#   tests/lab/bench-ecmp.sh [TRIALS]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
trials=${1:-3}
dotnet build tests/LvsHa.Ipvs.Tests -c Release -nologo -v quiet
out=$(mktemp -d /tmp/lvsha-bench-ecmp-XXXXXX)
trap 'rm -rf "$out"' EXIT
dll=$root/tests/LvsHa.Ipvs.Tests/bin/Release/net10.0/LvsHa.Ipvs.Tests.dll
run="for i in \$(seq $trials); do dotnet vstest $dll --TestCaseFilter:FullyQualifiedName~ThreeDirectorsMaglev '--logger:console;verbosity=detailed'; done"
if [[ -e /proc/net/ip_vs ]] || modprobe ip_vs 2>/dev/null; then
    unshare --net -- sh -c 'sh "$1" && shift && exec "$@"' sh tests/lab/lab-net.sh bash -c "$run" >"$out/log" 2>&1 || true
else
    tests/lab/vm/run-in-vm.sh --timeout $((600 * trials)) --share "$out" -- bash -c "$run" >"$out/log" 2>&1 || true
fi
# Each figure line once per trial: the copy in the result's "Standard Output Messages" (one space of indent).
grep -E '^ (300 connections|director [12] (killed|drained|stopped))' "$out/log" | sed -E 's/^ /  /'
grep -E '(Passed|Failed): ' "$out/log" | sed -E 's/^ */  /'
