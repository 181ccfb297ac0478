#!/usr/bin/env bash
# The one test command: installs what the tests need, builds, runs unit and lab tests on this machine and the
# kernel (ip_vs) tests on a real ip_vs kernel: directly when this machine's kernel has ip_vs, otherwise inside a
# qemu VM booted from Debian's kernel (tests/lab/vm). Ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"
root=$PWD
results=$root/artifacts/test-results
rm -rf "$results"; mkdir -p "$results"

tests/lab/install-deps.sh || { echo "installing test dependencies failed"; echo "0 passed, 1 failed"; exit 1; }

if ! dotnet build LvsHa.sln -c Release -nologo -v quiet; then
    echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi

# Host run: everything but the tests that need an ip_vs kernel.
dotnet test LvsHa.sln -c Release --no-build -nologo -v quiet --filter "Category!=Kernel" \
    --logger "trx" --results-directory "$results/host" -- RunConfiguration.TestSessionTimeout=2400000
host_rc=$?
trx_count=$(find "$results/host" -name '*.trx' | wc -l)
test_projects=$(ls -d tests/*.Tests | wc -l)
if [ "$host_rc" -ne 0 ] && [ "$trx_count" -lt "$test_projects" ]; then
    echo "host test run exited $host_rc with $trx_count of $test_projects result files (a test process crashed?)" \
        > "$results/host.infra-failure"
fi

# The package: the .deb built, installed into an empty root with dpkg (this machine untouched), run, purged.
deploy/package/test-deb.sh "$results/package"

# The kernel and e2e labs run the package's own executable, what operators run (and native AOT is published once in
# a run, ~5 min). When the package build failed, the kernel labs run the JIT build and run-e2e.sh publishes itself.
aot=$root/artifacts/lvsha-aot
rm -rf "$aot"
if mkdir -p "$aot" && tar -xzf "$results/package/lvsha_0.0.1_linux-x64.tar.gz" -C "$aot" --strip-components=4 \
        ./usr/lib/lvsha && [[ -x $aot/lvsha ]]; then
    export LVSHA=$aot/lvsha
else
    echo "no package executable to run the labs with (the package test failed?): kernel labs on the JIT build"
fi

# Kernel run.
tests/lab/run-kernel-tests.sh "$results/kernel"

# End to end in one VM boot, ~15 min (897 s in the CI run of 8d16935, whose whole run took 44.5 min; the kernel run
# 659 s): the quickstart demo (two directors + witness, master killed under load), the data path behind one
# director (lvsha prepare over SSH, DR/TUN/NAT with rr/wrr/wlc/sh, the health bound), then the two directors at the
# defaults, started together (tests/e2e/defaults.py: a cluster of two forms, master death, the plain keepalived.conf
# beside keepalived), then the resilience suite's short run (three directors under load: flapping real server,
# reloads, a refused kernel operation, a hung SSH host, a partition, a master death).
LVSHA_E2E_TIMEOUT=2400 tests/e2e/run-e2e.sh "$results/e2e" --directors 1 --defaults --resilience short

python3 tests/lab/sum-trx.py "$results"
