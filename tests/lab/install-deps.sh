#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (idempotent; quiet when all are present).
# The ip_vs kernel for the VM comes from linux-image-amd64; keepalived and ipvsadm are the reference tools;
# sudo is for the real-server prepare tests with a non-root SSH user; prometheus brings promtool, which checks and
# unit-tests the alert rules of deploy/monitoring; bird2 is the BGP daemon of the bgp block (and the lab's router).
set -euo pipefail
packages=(qemu-system-x86 linux-image-amd64 busybox-static openssh-server openssh-client keepalived ipvsadm iproute2 python3 nftables procps sudo prometheus bird2)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "installing: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The distribution starts services on install; the tests start their own sshd/keepalived per namespace.
for svc in ssh keepalived prometheus bird; do
    systemctl disable --now "$svc" >/dev/null 2>&1 || true
done
mkdir -p /run/sshd
