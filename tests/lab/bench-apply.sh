#!/usr/bin/env bash
# `lvsha apply` against `ipvsadm -R` as whole processes, the way an operator runs them: the same 1,000 virtual servers
# x 10 real servers, each into a fresh network namespace, several trials each, in the same run on a real ip_vs
# kernel (the lab VM when this machine's kernel has none). lvsha is the build the package ships (native AOT,
# `dotnet publish` of src/LvsHa.Cli); the JIT build (`dotnet lvsha.dll`) is measured beside it to show what the
# compilation ahead of time saves. Both tools must leave the same `ipvsadm -Sn` table.
# Prints each trial and the ratio of the medians.
#
#   tests/lab/bench-apply.sh [TRIALS=3] [SERVICES=1000] [REALS=10]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
trials=${1:-3} services=${2:-1000} reals=${3:-10}
out=$(mktemp -d /tmp/lvsha-bench-apply-XXXXXX)
trap 'rm -rf "$out"' EXIT

dotnet publish "$root/src/LvsHa.Cli" -c Release -r linux-x64 -o "$out/published" -nologo -v quiet >/dev/null
rm -f "$out"/published/*.dbg "$out"/published/*.pdb
dotnet build "$root/src/LvsHa.Cli" -c Release -o "$out/plain" -nologo -v quiet >/dev/null

# The same table in both languages: keepalived.conf for lvsha, `ipvsadm -R` rules for ipvsadm.
python3 - "$out" "$services" "$reals" <<'EOF'
import sys
out, services, reals = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(f"{out}/keepalived.conf", "w") as conf, open(f"{out}/rules", "w") as rules:
    for s in range(services):
        vip = f"10.50.{s // 250}.{s % 250 + 1}"
        conf.write(f"virtual_server {vip} 80 {{\n    lb_algo wrr\n    lb_kind DR\n    protocol TCP\n")
        rules.write(f"-A -t {vip}:80 -s wrr\n")
        for r in range(reals):
            rip = f"10.60.{r}.{s % 250 + 1}"
            conf.write(f"    real_server {rip} 80 {{\n        weight {r + 1}\n    }}\n")
            rules.write(f"-a -t {vip}:80 -r {rip}:80 -g -w {r + 1}\n")
        conf.write("}\n")
EOF
: > "$out/empty.conf"

cat > "$out/inner.sh" <<'EOF'
set -euo pipefail
out=$1 trials=$2
# Both programs start from a local file system, as on a director: the VM reads shared folders over 9p without a
# cache, which alone costs a 56 MB executable 1.5-2 s per start (ipvsadm and the .NET runtime are on the cached root).
bin=$(mktemp -d /tmp/lvsha-apply-bin.XXXXXX)
prefix=lvsha-apply-$$
# A failed trial leaves nothing behind either (natively there is no VM to throw away).
cleanup() {
    rm -rf "$bin"
    for ns in $(ip netns list | awk -v p="$prefix-" 'index($1, p) == 1 {print $1}'); do ip netns del "$ns"; done
}
trap cleanup EXIT
cp -r "$out/published" "$out/plain" "$bin/"
# One trial: a fresh namespace, the command timed as a whole process inside it, the resulting table kept.
trial() {
    local name=$1; shift
    local ns=$prefix-$name
    ip netns add "$ns"
    # The kernel takes a real server only at a unicast address: give 10/8 a route (a veth pair inside the namespace).
    ip -n "$ns" link add lab0 type veth peer name lab1
    ip -n "$ns" addr add 10.255.255.254/8 dev lab0
    ip -n "$ns" link set lab0 up
    ip -n "$ns" link set lab1 up
    local took
    took=$(ip netns exec "$ns" bash -c 'start=$(date +%s%N); "$@" >/dev/null 2>"'"$out/$name.err"'" || exit 1;
        echo $(( ($(date +%s%N) - start) / 1000000 ))' timer "$@" < "${STDIN:-/dev/null}") \
        || { echo "$name failed: $(head -c 2000 "$out/$name.err")" >&2; exit 1; }
    ip netns exec "$ns" ipvsadm -Sn | sort > "$out/$name.table"
    ip netns del "$ns"
    echo "$took"
}
for i in $(seq "$trials"); do
    r=$(STDIN=$out/rules trial ipvsadm-$i ipvsadm -R)
    p=$(trial lvsha-$i "$bin/published/lvsha" apply -q -f "$out/keepalived.conf")
    d=$(trial dotnet-$i dotnet "$bin/plain/lvsha.dll" apply -q -f "$out/keepalived.conf")
    e=$(trial empty-$i "$bin/published/lvsha" apply -q -f "$out/empty.conf")
    for name in lvsha-$i dotnet-$i; do
        cmp -s "$out/ipvsadm-$i.table" "$out/$name.table" || { echo "$name: table differs from ipvsadm -R's"; diff "$out/ipvsadm-$i.table" "$out/$name.table" | head; exit 1; }
    done
    echo "trial $i: ipvsadm -R $r ms, lvsha apply (native AOT) $p ms, dotnet lvsha.dll apply (JIT) $d ms, lvsha apply of an empty config $e ms"
done
EOF

if [[ -e /proc/net/ip_vs ]] || modprobe ip_vs 2>/dev/null; then
    where="this machine" log=$(bash "$out/inner.sh" "$out" "$trials" 2>&1) || { echo "$log" >&2; exit 1; }
else
    where="the ip_vs VM" log=$("$root/tests/lab/vm/run-in-vm.sh" --timeout 1800 --share "$out" -- bash "$out/inner.sh" "$out" "$trials" 2>&1) \
        || { echo "$log" >&2; exit 1; }
fi
echo "$services virtual servers x $reals real servers on $where, whole processes, $trials trials:"
echo "$log" | grep '^trial'
echo "$log" | grep '^trial' | python3 -c '
import re, statistics, sys
rows = [list(map(int, re.findall(r"(\d+) ms", line))) for line in sys.stdin]
ipvsadm, lvsha, plain, empty = (statistics.median(c) for c in zip(*rows))
print(f"median: ipvsadm -R {ipvsadm:.0f} ms, lvsha apply {lvsha:.0f} ms ({lvsha / ipvsadm:.2f}x), "
      f"dotnet lvsha.dll {plain:.0f} ms ({plain / ipvsadm:.2f}x), empty config {empty:.0f} ms")'
