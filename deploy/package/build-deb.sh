#!/usr/bin/env bash
# Builds OUTDIR/lvsha_<version>_amd64.deb and OUTDIR/lvsha_<version>_linux-x64.tar.gz (the same files for other
# distributions) from this checkout: the native AOT build (one executable, no .NET runtime needed on the machine)
# under /usr/lib/lvsha, /usr/sbin/lvsha, the systemd unit, /etc/lvsha/lvsha.conf and /etc/default/lvsha as conffiles,
# lvsha(8) generated from `--help`, bash completion, the director sysctls (/usr/lib/sysctl.d) and the ip_vs
# modules-load file.
#
#   deploy/package/build-deb.sh OUTDIR [VERSION]        (VERSION default: 0.<commits>.0 of this checkout)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "${1:?usage: build-deb.sh OUTDIR [VERSION]}"
out=$(cd "$1" && pwd)
version=${2:-0.$(git -C "$root" rev-list --count HEAD 2>/dev/null || echo 0).0}
stage=$(mktemp -d /tmp/lvsha-deb.XXXXXX)
trap 'rm -rf "$stage"' EXIT
pkg=$stage/pkg

# The project publishes native AOT (src/LvsHa.Cli/LvsHa.Cli.csproj says why).
dotnet publish "$root/src/LvsHa.Cli" -c Release -r linux-x64 -p:Version="$version" -o "$pkg/usr/lib/lvsha" -nologo -v quiet
# Debug symbols are not needed to run (the .dbg file is twice the executable).
find "$pkg/usr/lib/lvsha" \( -name '*.pdb' -o -name '*.dbg' \) -delete
mkdir -p "$pkg/usr/sbin"
ln -s ../lib/lvsha/lvsha "$pkg/usr/sbin/lvsha"

install -D -m 0644 "$root/deploy/systemd/lvsha.service" "$pkg/usr/lib/systemd/system/lvsha.service"
sed -i -e 's#/usr/local/bin/lvsha#/usr/sbin/lvsha#g' \
    -e 's#^ExecStart=\(.*\)$#EnvironmentFile=-/etc/default/lvsha\nExecStart=\1 $LVSHA_OPTIONS#' \
    "$pkg/usr/lib/systemd/system/lvsha.service"
install -D -m 0644 "$here/lvsha.conf" "$pkg/etc/lvsha/lvsha.conf"
install -D -m 0644 "$here/default" "$pkg/etc/default/lvsha"
install -D -m 0644 "$here/lvsha.bash-completion" "$pkg/usr/share/bash-completion/completions/lvsha"
install -D -m 0644 "$root/deploy/modules-load.d/lvsha.conf" "$pkg/usr/lib/modules-load.d/lvsha.conf"
install -D -m 0644 "$root/deploy/modprobe.d/lvsha-ip_vs.conf" "$pkg/usr/lib/modprobe.d/lvsha-ip_vs.conf"
# Every director needs these (ip_vs at boot, non-local bind, IPVS expiry); NAT's forwarding and the real servers'
# ARP settings depend on the setup and stay in the documentation folder to copy.
install -D -m 0644 "$root/deploy/sysctl/90-lvsha-director.conf" "$pkg/usr/lib/sysctl.d/90-lvsha-director.conf"
for f in 91-lvsha-nat.conf 92-lvsha-bgp.conf real-server-dr.conf real-server-tun.conf; do
    install -D -m 0644 "$root/deploy/sysctl/$f" "$pkg/usr/share/doc/lvsha/sysctl/$f"
done
install -D -m 0644 "$root/README.md" "$pkg/usr/share/doc/lvsha/README.md"
for f in README.md lvsha-alerts.yml lvsha-dashboard.json; do
    install -D -m 0644 "$root/deploy/monitoring/$f" "$pkg/usr/share/doc/lvsha/monitoring/$f"
done
mkdir -p "$pkg/usr/share/man/man8"
python3 "$here/manpage.py" "$pkg/usr/lib/lvsha/lvsha" "$version" | gzip -9n > "$pkg/usr/share/man/man8/lvsha.8.gz"

mkdir -p "$pkg/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: lvsha
Version: $version
Architecture: amd64
Maintainer: LvsHa developers <lvsha@localhost>
Installed-Size: $size
Depends: libc6, libgcc-s1, libstdc++6, zlib1g, libssl3, libicu72 | libicu-dev, util-linux, iproute2
Recommends: ipvsadm
Suggests: bird2
Section: net
Priority: optional
Homepage: https://localhost/lvsha
Description: LVS director: VRRP failover, health checks and the IPVS table
 Runs the directors of a Linux Virtual Server cluster from a keepalived.conf:
 VRRP failover of the VIPs (interoperable with keepalived), health checks of the
 real servers, the kernel's IPVS table kept equal to what config and health call
 for, and real servers prepared over SSH. An optional cluster of the directors
 adds a split-brain guard.
CONTROL
printf '/etc/lvsha/lvsha.conf\n/etc/default/lvsha\n' > "$pkg/DEBIAN/conffiles"
# The unit is not enabled or started: the shipped configuration does nothing until the operator writes one.
# DPKG_ROOT is set when dpkg installs into another root (the package test); the host's systemd is left alone then.
cat > "$pkg/DEBIAN/postinst" <<'SCRIPT'
#!/bin/sh
set -e
if [ "$1" = configure ] && [ -z "${DPKG_ROOT:-}" ] && [ -d /run/systemd/system ]; then
    systemctl daemon-reload || true
fi
SCRIPT
cat > "$pkg/DEBIAN/postrm" <<'SCRIPT'
#!/bin/sh
set -e
if [ "$1" = purge ]; then
    rm -rf "${DPKG_ROOT:-}/etc/lvsha" "${DPKG_ROOT:-}/run/lvsha"
fi
if [ -z "${DPKG_ROOT:-}" ] && [ -d /run/systemd/system ]; then
    systemctl daemon-reload || true
fi
SCRIPT
chmod 0755 "$pkg/DEBIAN/postinst" "$pkg/DEBIAN/postrm"

dpkg-deb --root-owner-group -Zxz --build "$pkg" "$out/lvsha_${version}_amd64.deb" >/dev/null
tar --owner=0 --group=0 -czf "$out/lvsha_${version}_linux-x64.tar.gz" -C "$pkg" --exclude=./DEBIAN .
echo "$out/lvsha_${version}_amd64.deb"
