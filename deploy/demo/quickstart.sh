#!/usr/bin/env bash
# LvsHa quickstart demo, one command, as root on one machine:   deploy/demo/quickstart.sh
# Builds lvsha when needed, then in network namespaces: two directors running `lvsha run` (plus a VIP-less witness
# so one death keeps the VIP up), three real servers with a small web server behind a NAT VIP, a client. Shows the
# requests spread over the real servers, kills the master (SIGKILL + link down), shows the requests continuing
# through the backup, and cleans up. When this kernel has no ip_vs it runs inside the lab VM (tests/lab/vm, ~1-3 min
# more). Exit code 0 when every step worked, 1 (with the reason) otherwise.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
[[ $(id -u) == 0 ]] || { echo "quickstart: run as root (network namespaces, IPVS)" >&2; exit 1; }
if [[ ! -f src/LvsHa.Cli/bin/Release/net10.0/lvsha.dll && -z ${LVSHA:-} ]]; then
    echo "quickstart: building lvsha (dotnet build src/LvsHa.Cli -c Release)"
    dotnet build src/LvsHa.Cli -c Release -nologo -v quiet >/dev/null
fi
if [[ -e /proc/net/ip_vs ]] || modprobe ip_vs 2>/dev/null; then
    exec python3 tests/e2e/demo.py
fi
echo "quickstart: this kernel has no ip_vs; running the demo inside the lab VM (tests/lab/vm/run-in-vm.sh)"
LVSHA_VM_ENV="LVSHA ${LVSHA_VM_ENV:-}" exec tests/lab/vm/run-in-vm.sh --timeout "${LVSHA_DEMO_TIMEOUT:-900}" -- "$root/deploy/demo/quickstart.sh"
