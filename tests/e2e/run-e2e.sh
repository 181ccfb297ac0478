#!/usr/bin/env bash
# Runs the end-to-end tests (tests/e2e/e2e.py: the quickstart demo, DR/TUN/NAT data path, health bounds, failover
# under load, and the resilience suite when asked) where a real ip_vs kernel is: directly when this machine's kernel
# has ip_vs, otherwise in ONE boot of the lab VM. Results: RESULTS_DIR/e2e.trx (counted by tests/lab/sum-trx.py)
# and e2e-figures.json; when the run itself fails (no VM, time limit) a .trx with one failed test says why.
#
#   tests/e2e/run-e2e.sh RESULTS_DIR [--resilience short|full|none] [--skip-demo] [--directors 0|1|2]
#   (LVSHA_E2E_TIMEOUT: seconds, default 1500; needs the Release build of src/LvsHa.Cli; LVSHA: an lvsha to use
#   instead of the native AOT publish; LVSHA_LAB_HEARTBEAT_PAUSE: heartbeat_pause of the resilience lab)
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "${1:?usage: run-e2e.sh RESULTS_DIR [options]}" && out=$(cd "$1" && pwd) || exit 1
shift
timeout=${LVSHA_E2E_TIMEOUT:-1500}
log=$out/e2e-run.log
fail() {
    echo "e2e: $1" >&2
    python3 "$root/tests/lab/failed-trx.py" "$out/e2e-run-failed-$(date +%s%N).trx" "E2E.$2" "$1"
}
[[ -f $root/src/LvsHa.Cli/bin/Release/net10.0/lvsha.dll ]] || { fail "no Release build of src/LvsHa.Cli" NotBuilt; exit 0; }
rm -f "$out/e2e.trx"
started=$SECONDS
export LVSHA_VM_ENV="${LVSHA_VM_ENV:-} LVSHA_LAB_HEARTBEAT_PAUSE"
# The lab runs what the package ships: the native AOT build (src/LvsHa.Cli/LvsHa.Cli.csproj). A failed publish is a
# failed test; the lab then runs the JIT build so that the rest still reports.
if [[ -z ${LVSHA:-} ]]; then
    aot=$root/artifacts/lvsha-aot
    if dotnet publish "$root/src/LvsHa.Cli" -c Release -r linux-x64 -o "$aot" -nologo -v quiet > "$out/publish.log" 2>&1; then
        export LVSHA=$aot/lvsha
    else
        fail "the native AOT publish failed (log: $out/publish.log); the lab ran the JIT build" PublishFailed
    fi
fi
[[ -n ${LVSHA:-} ]] && export LVSHA_VM_ENV="$LVSHA_VM_ENV LVSHA"
if [[ -e /proc/net/ip_vs ]] || modprobe ip_vs 2>/dev/null; then
    python3 "$here/e2e.py" "$out" "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
else
    echo "e2e: no ip_vs here; running in the lab VM (tests/lab/vm/run-in-vm.sh, limit ${timeout}s)"
    "$root/tests/lab/vm/run-in-vm.sh" --timeout "$timeout" --share "$out" -- python3 "$here/e2e.py" "$out" "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
fi
echo "e2e: exit code $rc after $((SECONDS - started))s"
case $rc in
    124) fail "the e2e run hit its time limit of ${timeout}s (log: $log)" TimedOut ;;
    125) fail "the lab VM could not run the e2e tests: $(grep 'run-in-vm:' "$log" | tail -n2 | tr '\n' ' ')" VmFailed ;;
    *) [[ -f $out/e2e.trx ]] || fail "the e2e run (exit code $rc) left no results; last lines: $(tail -n5 "$log" | tr '\n' ' ')" NoResults ;;
esac
exit 0
