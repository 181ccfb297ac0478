#!/usr/bin/env bash
# Runs one command inside a throwaway qemu VM booted from Debian's kernel (which has ip_vs), with this machine's
# root file system shared read-only (plus a tmpfs overlay, so writes inside the VM are lost) and the given host
# folders shared writable at the same paths. Prints the command's output (stdout and stderr merged) and exits with
# its exit code; 124 when the time limit ran out, 125 when the VM could not run the command.
#
#   tests/lab/vm/run-in-vm.sh [--timeout SECONDS] [--share HOSTDIR]... [--mem MB] [--cpus N] [--keep] -- COMMAND...
#
# The command runs as root with the caller's working directory (when it exists inside the VM), HOME=/root and the
# host's PATH tools (dotnet, ipvsadm, keepalived, python3, ip). No network device: only lo and a veth pair whose
# end "lab0" routes 10/8, 172.16/12, 192.168/16, fd00::/8 and 2001:db8::/32 inside the VM (tests/lab/lab-net.sh).
# ip_vs is loaded; LVSHA_LAB_VM=1 is set.
# Variables named in LVSHA_VM_ENV (space-separated names) are passed into the VM.
# LVSHA_VM_VERBOSE=1 reports the boot time (guest uptime when the command started) and the run time.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
timeout=1800 mem=3072 cpus=2 keep=0 shares=()
usage() { sed -n '2,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 125; }
while (($#)); do
    case $1 in
        --timeout) timeout=${2:?}; shift 2 ;;
        --share) shares+=("$(cd "${2:?}" && pwd)") || { echo "run-in-vm: no folder '$2'" >&2; exit 125; }; shift 2 ;;
        --mem) mem=${2:?}; shift 2 ;;
        --cpus) cpus=${2:?}; shift 2 ;;
        --keep) keep=1; shift ;;
        --) shift; break ;;
        -h|--help) usage ;;
        -*) echo "run-in-vm: unknown option $1" >&2; usage ;;
        *) break ;;
    esac
done
(($#)) || usage

# /tmp, /run and /dev/shm are fresh inside the VM, so a checkout or working folder there (a CI clone under /tmp)
# would be invisible: share it. Prepended, so the caller's shares inside it are mounted on top of it.
implicit=()
for dir in "$repo" "$PWD"; do
    case $dir/ in
        /tmp/*|/run/*|/dev/shm/*) [[ " ${implicit[*]} " == *" $dir "* ]] || implicit+=("$dir") ;;
    esac
done
shares=("${implicit[@]}" "${shares[@]}")
[[ $timeout =~ ^[0-9]+$ ]] || { echo "run-in-vm: --timeout needs whole seconds" >&2; exit 125; }

log() { echo "run-in-vm: $*" >&2; }

# The newest installed kernel that ships ip_vs; LVSHA_VM_KERNEL picks another.
pick_kernel() {
    local v
    if [[ -n ${LVSHA_VM_KERNEL:-} ]]; then echo "$LVSHA_VM_KERNEL"; return; fi
    for v in $(ls -1 /lib/modules 2>/dev/null | sort -rV); do
        if [[ -f /boot/vmlinuz-$v ]] && compgen -G "/lib/modules/$v/kernel/net/netfilter/ipvs/ip_vs.ko*" >/dev/null; then
            echo "$v"; return
        fi
    done
}
kver=$(pick_kernel)
if [[ -z $kver ]] || ! command -v qemu-system-x86_64 >/dev/null || [[ ! -x /bin/busybox ]]; then
    log "installing the VM's packages (qemu-system-x86, linux-image-amd64, busybox-static)"
    "$repo/tests/lab/install-deps.sh" >&2 || { log "installing dependencies failed"; exit 125; }
    kver=$(pick_kernel)
fi
[[ -n $kver ]] || { log "no kernel with ip_vs under /boot and /lib/modules (apt install linux-image-amd64)"; exit 125; }
[[ -f /boot/vmlinuz-$kver && -d /lib/modules/$kver ]] || { log "no kernel $kver in /boot and /lib/modules"; exit 125; }
[[ -r /boot/vmlinuz-$kver ]] || { log "/boot/vmlinuz-$kver is not readable (run as root)"; exit 125; }

# ---- initramfs, cached per kernel version and init scripts -------------------------------------------------------
mods=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p overlay)
cache=$repo/.lab/vm
key=$kver-$(cat "$here/init" "$here/stage2" "$here/../lab-net.sh" <(printf '%s\n' "${mods[@]}") | sha256sum | cut -c1-12)
initrd=$cache/$key/initramfs.cpio

# Module files in load order: each module's dependencies (modules.dep) before it, built-in ones left out.
module_order() {
    local -A seen=()
    local dep=/lib/modules/$kver/modules.dep
    visit() {
        local name=$1 line file d
        line=$(grep -E "(^|/)${name//_/[-_]}\.ko(\.[a-z]+)?:" "$dep" | head -n1)
        if [[ -z $line ]]; then
            grep -qE "/${name//_/[-_]}\.ko$" "/lib/modules/$kver/modules.builtin" && return 0
            log "kernel $kver has no module $name"; return 1
        fi
        file=${line%%:*}
        [[ -n ${seen[$file]:-} ]] && return 0
        seen[$file]=1
        for d in ${line#*:}; do visit "$(basename "${d%%.ko*}")" || return 1; done
        echo "$file"
    }
    local m
    for m in "${mods[@]}"; do visit "$m" || return 1; done
}

build_initrd() {
    local tmp f name
    tmp=$(mktemp -d "$cache/build.XXXXXX") || return 1
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp'" RETURN
    mkdir -p "$tmp/root/bin" "$tmp/root/modules" || return 1
    cp /bin/busybox "$tmp/root/bin/busybox" && cp "$here/init" "$tmp/root/init" && cp "$here/stage2" "$here/../lab-net.sh" "$tmp/root/" \
        && chmod 0755 "$tmp/root/init" || return 1
    module_order >"$tmp/files" || return 1
    : >"$tmp/root/modules/order"
    while read -r f; do
        name=$(basename "$f"); name=${name%%.ko*}.ko
        case $f in
            *.ko) cp "/lib/modules/$kver/$f" "$tmp/root/modules/$name" ;;
            *.ko.xz) xz -dc "/lib/modules/$kver/$f" >"$tmp/root/modules/$name" ;;
            *.ko.zst) zstd -qdc "/lib/modules/$kver/$f" >"$tmp/root/modules/$name" ;;
            *.ko.gz) gzip -dc "/lib/modules/$kver/$f" >"$tmp/root/modules/$name" ;;
        esac || return 1
        echo "$name" >>"$tmp/root/modules/order"
    done <"$tmp/files"
    (cd "$tmp/root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$tmp/initramfs.cpio" || return 1
    mkdir -p "$cache/$key" && mv "$tmp/initramfs.cpio" "$initrd"
}

mkdir -p "$cache" || { log "cannot create $cache"; exit 125; }
if [[ ! -s $initrd ]]; then
    exec 9>"$cache/.lock"
    flock 9
    if [[ ! -s $initrd ]]; then
        log "building the initramfs for kernel $kver"
        build_initrd || { log "building the initramfs failed"; exit 125; }
        # Older builds (other kernels or init scripts) are dead weight.
        find "$cache" -mindepth 1 -maxdepth 1 -type d ! -name "$key" ! -name 'build.*' -exec rm -rf {} +
    fi
    exec 9>&-
fi

# ---- the run -----------------------------------------------------------------------------------------------------
# Run folders of runs that were killed outright (SIGKILL leaves no chance to clean up) go first.
for d in "${TMPDIR:-/tmp}"/lvsha-vm.*; do
    [[ -f $d/owner ]] && ! kill -0 "$(<"$d/owner")" 2>/dev/null && rm -rf "$d"
done
run=$(mktemp -d "${TMPDIR:-/tmp}/lvsha-vm.XXXXXX") || { log "mktemp failed"; exit 125; }
echo $$ >"$run/owner"
qpid=
cleanup() {
    if [[ -n $qpid ]] && kill -0 "$qpid" 2>/dev/null; then
        kill -TERM "$qpid" 2>/dev/null
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$qpid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$qpid" 2>/dev/null
        wait "$qpid" 2>/dev/null
    fi
    if ((keep)); then log "kept the run folder $run"; else rm -rf "$run"; fi
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM HUP

{
    printf 'cd %q 2>/dev/null || cd /\n' "$PWD"
    printf 'exec'; printf ' %q' "$@"; printf '\n'
} >"$run/cmd"
: >"$run/env"
for v in ${LVSHA_VM_ENV:-}; do
    [[ -v $v ]] && printf 'export %s=%q\n' "$v" "${!v}" >>"$run/env"
done

b64() { base64 -w0; }
sharelist=$(printf '%s\n' "$run" "${shares[@]}")
virtfs=(-virtfs "local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap")
i=0
while IFS= read -r p; do
    virtfs+=(-virtfs "local,path=${p//,/,,},mount_tag=share$i,security_model=none,multidevs=remap")
    i=$((i + 1))
done <<<"$sharelist"
append="console=ttyS0 quiet loglevel=1 panic=-1 mitigations=off lvsha.run=$(printf '%s' "$run" | b64) lvsha.shares=$(printf '%s' "$sharelist" | b64)"

# qboot (in Debian's qemu package) reaches the kernel a few seconds sooner than SeaBIOS under TCG.
bios=${LVSHA_VM_BIOS-/usr/share/qemu/qboot.rom}
[[ -f $bios ]] || bios=
started=$SECONDS
# pdeathsig: qemu dies with this script even when the script is killed with SIGKILL. setsid: a Ctrl-C reaches
# only this script (whose trap stops qemu), so an interrupted run reports itself as interrupted.
# The kernel's closing "reboot: Power down" line is noise in every run's output.
exec {console}> >(sed -u -e '/^\[ *[0-9.]*\] reboot: Power down/d' -e 's/\[ *[0-9.]*\] reboot: Power down.*$//')
filter=$!
setpriv --pdeathsig KILL -- setsid qemu-system-x86_64 -machine q35 -cpu max -m "$mem" -smp "$cpus" \
    ${bios:+-bios "$bios"} -nodefaults -no-user-config -display none -no-reboot -nic none -serial stdio \
    -device virtio-rng-pci \
    -kernel "/boot/vmlinuz-$kver" -initrd "$initrd" -append "$append" \
    "${virtfs[@]}" </dev/null 2>"$run/qemu.err" >&"$console" &
qpid=$!
exec {console}>&-
deadline=$((SECONDS + timeout))
while kill -0 "$qpid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
        log "time limit of ${timeout}s reached; stopping the VM"
        exit 124
    fi
    sleep 0.5
done
wait "$qpid"; qstatus=$?
qpid=
wait "$filter" 2>/dev/null # the last lines of output come out before this script ends
if [[ -s $run/rc ]]; then
    rc=$(<"$run/rc")
    [[ ${LVSHA_VM_VERBOSE:-0} == 1 ]] &&
        log "command started ${started_at:=$(cut -d' ' -f1 "$run/started")}s after the kernel; VM ran $((SECONDS - started))s; exit code $rc"
    exit "$rc"
fi
log "the VM stopped without running the command (qemu exit $qstatus, after $((SECONDS - started))s)"
[[ -s $run/qemu.err ]] && sed 's/^/qemu: /' "$run/qemu.err" >&2
[[ -f $run/started ]] && log "the command started but left no exit code"
exit 125
