#!/usr/bin/env bash
# The package test (part of ./test.sh): builds the .deb, then installs it with dpkg into an empty root (dpkg --root,
# maintainer scripts run chrootless: this machine is not touched), checks what an operator gets (/usr/sbin/lvsha
# runs without a .NET runtime on PATH, the shipped /etc/lvsha/lvsha.conf passes `lvsha check`, the unit's paths
# exist, lvsha(8) renders; `apt-get install -s` resolves its dependencies from Debian), runs the installed daemon in a network namespace of its own (it becomes master of a
# VRRP instance, holds the VIP, answers `lvsha status`, and releases the VIP on SIGTERM with exit code 0), then
# purges it and checks nothing is left. Writes RESULTS_DIR/package.trx and keeps the tarball there.
#
#   deploy/package/test-deb.sh RESULTS_DIR
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "${1:?usage: test-deb.sh RESULTS_DIR}"
results=$(cd "$1" && pwd)
work=$(mktemp -d /tmp/lvsha-debtest.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 - "$here" "$root" "$work" "$results" <<'PY'
import json, os, shutil, signal, subprocess, sys, time
here, root, work, results = sys.argv[1:5]
sys.path.insert(0, os.path.join(root, "tests", "e2e"))
import trx

cases = []
def case(name, body):
    start = time.monotonic()
    try:
        out = body()
        cases.append({"name": f"Package.{name}", "outcome": "Passed", "seconds": time.monotonic() - start, "output": out or ""})
        print(f"--- passed Package.{name}", flush=True)
        return True
    except Exception as e:  # noqa: BLE001
        cases.append({"name": f"Package.{name}", "outcome": "Failed", "seconds": time.monotonic() - start, "message": str(e)[-4000:]})
        print(f"--- FAILED Package.{name}: {e}", flush=True)
        return False

def sh(*cmd, env=None):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise AssertionError(f"`{' '.join(cmd)}` exited {p.returncode}: {(p.stdout + p.stderr)[-3000:]}")
    return p.stdout

deb = {}
def build():
    out = sh(os.path.join(here, "build-deb.sh"), os.path.join(work, "out"), "0.0.1")
    deb["path"] = out.strip().splitlines()[-1]
    info = sh("dpkg-deb", "-I", deb["path"])
    for field in ("Package: lvsha", "Version: 0.0.1", "Architecture: amd64", "Depends:"):
        if field not in info:
            raise AssertionError(f"control lacks {field}:\n{info}")
    tarball = os.path.join(work, "out", "lvsha_0.0.1_linux-x64.tar.gz")
    if not os.path.exists(tarball):
        raise AssertionError("no tarball beside the .deb")
    # Kept in the results: ./test.sh runs the kernel and e2e labs with this executable (native AOT published once).
    shutil.copy(tarball, results)
    return info

def apt_resolves():
    """What `apt-get install ./lvsha_*.deb` would do on this Debian 12, simulated (nothing installed): every
    dependency resolves from Debian's own archive."""
    out = sh("apt-get", "install", "-s", "-q", deb["path"])
    if "Inst lvsha (0.0.1 local-deb" not in out:
        raise AssertionError(f"apt-get -s would not install lvsha:\n{out[-2000:]}")
    return out.strip().splitlines()[-1]

target = os.path.join(work, "root")
def install():
    for d in ("var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers"):
        os.makedirs(os.path.join(target, d), exist_ok=True)
    open(os.path.join(target, "var/lib/dpkg/status"), "w").close()
    # Dependencies are those of the machine (Debian 12 has them all); this root's empty database does not know them.
    sh("dpkg", f"--root={target}", "--force-script-chrootless", "--force-depends", "-i", deb["path"])
    env = {"PATH": "/usr/bin:/bin", "HOME": work}  # no dotnet on PATH, no DOTNET_ROOT: self-contained
    lvsha = os.path.join(target, "usr/sbin/lvsha")
    version = sh(lvsha, "--version", env=env).strip()
    checked = sh(lvsha, "check", "-f", os.path.join(target, "etc/lvsha/lvsha.conf"), env=env)
    unit = open(os.path.join(target, "usr/lib/systemd/system/lvsha.service")).read()
    for line in ("ExecStart=/usr/sbin/lvsha run -f /etc/lvsha/lvsha.conf", "EnvironmentFile=-/etc/default/lvsha", "$LVSHA_OPTIONS"):
        if line not in unit:
            raise AssertionError(f"the unit lacks {line!r}")
    if "/usr/local/bin" in unit:
        raise AssertionError("the unit still names /usr/local/bin")
    for path in ("etc/default/lvsha", "usr/share/man/man8/lvsha.8.gz", "usr/share/bash-completion/completions/lvsha",
                 "usr/lib/sysctl.d/90-lvsha-director.conf", "usr/lib/modules-load.d/lvsha.conf", "usr/lib/modprobe.d/lvsha-ip_vs.conf",
                 "usr/share/doc/lvsha/monitoring/lvsha-alerts.yml", "usr/share/doc/lvsha/monitoring/lvsha-dashboard.json"):
        if not os.path.exists(os.path.join(target, path)):
            raise AssertionError(f"{path} is not installed")
    conffiles = sh("dpkg-query", f"--root={target}", "-W", "-f=${Conffiles}", "lvsha")
    if "/etc/lvsha/lvsha.conf" not in conffiles or "/etc/default/lvsha" not in conffiles:
        raise AssertionError(f"conffiles: {conffiles}")
    man = subprocess.run(f"zcat {target}/usr/share/man/man8/lvsha.8.gz | groff -man -Tutf8 2>&1 || zcat {target}/usr/share/man/man8/lvsha.8.gz",
                         shell=True, capture_output=True, text=True).stdout
    for word in ("lvsha", "check", "run", "status"):
        if word not in man:
            raise AssertionError(f"lvsha(8) lacks {word}")
    return f"lvsha --version: {version}\ncheck of the shipped conffile: ok {checked}"

def daemon():
    """The installed /usr/sbin/lvsha as the unit runs it, in namespace lvsha-pkg-PID: one VRRP instance, no peer."""
    env = {"PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "HOME": work}
    lvsha = os.path.join(target, "usr/sbin/lvsha")
    ns, vip = f"lvsha-pkg-{os.getpid()}", "10.231.0.100"
    conf, sock, log = (os.path.join(work, n) for n in ("daemon.conf", "daemon.sock", "daemon.log"))
    with open(conf, "w") as f:
        f.write("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 150\n advert_int 1\n"
                f" virtual_ipaddress {{\n  {vip}/24\n }}\n}}\n")
    sh("ip", "netns", "add", ns)
    process = None
    try:
        sh("ip", "-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1")
        for link in ("lo", "eth0", "eth1"):
            sh("ip", "-n", ns, "link", "set", link, "up")
        sh("ip", "-n", ns, "addr", "add", "10.231.0.1/24", "dev", "eth0")
        # `ip netns exec` execs lvsha after entering the namespace: the pid is the daemon's own.
        process = subprocess.Popen(["ip", "netns", "exec", ns, lvsha, "run", "-f", conf, "--control-socket", sock],
                                   env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
        deadline, state = time.monotonic() + 60, None
        while time.monotonic() < deadline and process.poll() is None:
            status = subprocess.run([lvsha, "status", "--json", "--control-socket", sock], capture_output=True, text=True, env=env)
            if status.returncode == 0:
                state = json.loads(status.stdout)["instances"][0]["state"]
                if state == "MASTER" and f"{vip}/24" in sh("ip", "-n", ns, "-o", "addr", "show", "dev", "eth0"):
                    break
            time.sleep(0.5)
        else:
            raise AssertionError(f"the installed daemon did not become master with the VIP (state {state}, exit {process.poll()}): "
                                 + open(log).read()[-2000:])
        process.send_signal(signal.SIGTERM)
        code = process.wait(30)
        if code != 0 or f"{vip}/24" in sh("ip", "-n", ns, "-o", "addr", "show", "dev", "eth0"):
            raise AssertionError(f"SIGTERM: exit {code}, VIP still there: " + open(log).read()[-2000:])
        return f"master with {vip}, released on SIGTERM (exit 0)"
    finally:
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)

def purge():
    sh("dpkg", f"--root={target}", "--force-script-chrootless", "--purge", "lvsha")
    left = [os.path.relpath(os.path.join(d, f), target) for d, _, files in os.walk(target) for f in files
            if not os.path.relpath(os.path.join(d, f), target).startswith("var/lib/dpkg")]
    dirs = [os.path.relpath(d, target) for d, sub, files in os.walk(target) if "lvsha" in os.path.relpath(d, target)]
    if left or dirs:
        raise AssertionError(f"left after purge: files {left} folders {dirs}")
    return ""

if case("Build", build) and case("AptResolvesItsDependencies", apt_resolves) and case("InstallIntoEmptyRoot", install):
    case("InstalledDaemonInANamespace", daemon)
    case("PurgeLeavesNothing", purge)
trx.write(os.path.join(results, "package.trx"), "package", cases)
failed = sum(1 for c in cases if c["outcome"] != "Passed")
print(f"package: {len(cases) - failed} passed, {failed} failed", flush=True)
PY
