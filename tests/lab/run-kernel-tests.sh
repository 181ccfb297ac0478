#!/usr/bin/env bash
# Runs the tests marked [Trait("Category","Kernel")] from the already built Release test assemblies where a real
# ip_vs kernel is: on this machine when its kernel has ip_vs (inside a fresh network namespace, so the machine's own
# IPVS table is never touched), otherwise in ONE boot of the qemu VM (tests/lab/vm/run-in-vm.sh). Results (.trx)
# land in the folder given as $1; when the run itself fails (no VM, time limit, crashed test host) a .trx with one
# failed test says why, so the summary counts a failure instead of staying silent.
#
#   tests/lab/run-kernel-tests.sh RESULTS_DIR        (LVSHA_KERNEL_TEST_TIMEOUT: seconds, default 2700; LVSHA: the
#   lvsha the labs run, e.g. the package's native AOT executable, instead of the Release build's lvsha.dll)
set -uo pipefail
lab=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$lab/../.." && pwd)
mkdir -p "${1:?usage: run-kernel-tests.sh RESULTS_DIR}" && out=$(cd "$1" && pwd) || exit 1
timeout=${LVSHA_KERNEL_TEST_TIMEOUT:-2700}
log=$out/kernel-run.log

fail() {
    echo "kernel tests: $1" >&2
    python3 "$lab/failed-trx.py" "$out/kernel-run-failed-$(date +%s%N).trx" "KernelTests.$2" "$1"
}

# Test assemblies that declare kernel tests: a cheap look at the sources instead of a test discovery per assembly,
# which costs a test host start (tens of seconds under emulation).
dlls=()
for proj in "$root"/tests/*/*.csproj; do
    dir=$(dirname "$proj") name=$(basename "$proj" .csproj)
    grep -rqE --include='*.cs' --exclude-dir=bin --exclude-dir=obj 'Trait\("Category", *"Kernel"\)' "$dir" || continue
    dll=$(ls -t "$dir"/bin/Release/*/"$name.dll" 2>/dev/null | head -n1)
    if [[ -z $dll ]]; then
        fail "$name has kernel tests but no Release build (dotnet build -c Release first)" "$name.NotBuilt"
        continue
    fi
    dlls+=("$dll")
done
((${#dlls[@]})) || { echo "kernel tests: no test project declares any"; exit 0; }
echo "kernel tests from: ${dlls[*]#"$root/"}"

# One vstest run for all assemblies: one runner start instead of one per assembly.
cmd=(dotnet vstest "${dlls[@]}" --TestCaseFilter:Category=Kernel --logger:trx "--ResultsDirectory:$out")

started=$SECONDS
[[ -n ${LVSHA:-} ]] && export LVSHA LVSHA_VM_ENV="${LVSHA_VM_ENV:-} LVSHA" && echo "kernel tests: the labs run $LVSHA"
if [[ -e /proc/net/ip_vs ]] || modprobe ip_vs 2>/dev/null; then
    echo "kernel tests: this machine's kernel has ip_vs; running in a fresh network namespace"
    unshare --net -- sh -c 'sh "$1" && shift && exec "$@"' sh "$lab/lab-net.sh" "${cmd[@]}" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
else
    echo "kernel tests: no ip_vs here; running them in the lab VM (tests/lab/vm/run-in-vm.sh, limit ${timeout}s)"
    "$lab/vm/run-in-vm.sh" --timeout "$timeout" --share "$out" -- "${cmd[@]}" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
fi
echo "kernel tests: exit code $rc after $((SECONDS - started))s"

trx_count=$(find "$out" -name '*.trx' ! -name 'kernel-run-failed-*' | wc -l)
case $rc in
    124) fail "the kernel test run hit its time limit of ${timeout}s (log: $log)" "TimedOut" ;;
    125) fail "the lab VM could not run the kernel tests: $(grep 'run-in-vm:' "$log" | tail -n2 | tr '\n' ' ')" "VmFailed" ;;
    *)
        if ((trx_count == 0)); then
            fail "the test run (exit code $rc) left no results; last lines: $(tail -n5 "$log" | tr '\n' ' ')" "NoResults"
        elif [[ $(python3 "$lab/sum-trx.py" --executed "$out") == 0 ]]; then
            # Sources declare kernel tests, so a run that executed none (a filter or discovery problem) is a failure.
            fail "no kernel test ran although ${dlls[*]##*/} declare some (log: $log)" "NoneRan"
        fi ;;
esac
exit 0
