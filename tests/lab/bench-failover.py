#!/usr/bin/env python3
"""Failover benchmark: LvsHa (`lvsha run`) and keepalived side by side, in the same run.

Network namespaces lvsha-fobench-<pid>-* on a bridge: directors d1 (priority 150) and d2 (priority 100), VRRPv3,
advert_int 0.1, a client. Pairs: two keepalived, two LvsHa on the same keepalived.conf, the mixed pair both ways, two
LvsHa with a cluster block at its defaults (no witness), with a secret from `lvsha secret generate` and with one the
operator chose (stretched at start); with --guard, also LvsHa with a VIP-less witness d3 and
that split_brain_guard. Every director namespace runs a TCP listener on port 8080 that
answers with its name. A trial: the client has the VIP resolved to d1 (answered by "d1"); t0; d1's link goes down and
its process group gets SIGKILL; the client opens a new connection to VIP:8080 every 10 ms; the figure is the time
until one is answered by "d2". Then d1 is restarted (it preempts back) for the next trial. Prints per-trial figures,
both medians and the ratio.
With --start the figure is a cold start instead: both directors of a pair are started at the same moment (as two
machines booting) and the figure is the time from their start to the first connection to the VIP answered by d1, the
whole process as the operator sees it (for LvsHa: process start, configuration, the cluster secret, VRRP's
Master_Down_Interval, the gratuitous ARP). Use it with the operator's default --advert-int 1.

    tests/lab/bench-failover.py [TRIALS=7] [--start] [--advert-int S] [--lvsha EXECUTABLE] [--guard majority|off|both|none]
                                [--no-build] [--only PAIR]...

Needs root, iproute2, keepalived (tests/lab/install-deps.sh) and the .NET SDK. Everything it creates (namespaces,
processes by pid, a temp folder) is removed at the end, also on failure or Ctrl-C.
"""

import argparse
import base64
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import lvsha_control

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LVSHA_DLL = os.path.join(ROOT, "src", "LvsHa.Cli", "bin", "Release", "net10.0", "lvsha.dll")
SUBNET = "10.233.77"
VIP = f"{SUBNET}.50"
ADVERT_INT = 0.1   # --advert-int
LVSHA = ["dotnet", LVSHA_DLL]   # --lvsha: the published executable instead
PORT = 8080
CLIENT = 100
PREFIX = f"lvsha-fobench-{os.getpid()}"
STEADY_TIMEOUT = 90.0

LISTENER = r"""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[2])))
s.listen(128)
name = sys.argv[1].encode() + b"\n"
while True:
    c, _ = s.accept()
    try:
        c.sendall(name)
    finally:
        c.close()
"""


def ns(node):
    return f"{PREFIX}-c" if node == CLIENT else f"{PREFIX}-{node}"


def addr(node):
    return f"{SUBNET}.{node}"


def run(*args, check=True):
    result = subprocess.run(args, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"`{' '.join(args)}` failed ({result.returncode}): {result.stdout}{result.stderr}")
    return result.stdout


class Lab:
    """Namespaces, listeners and director processes of one benchmark run; close() removes everything."""

    def __init__(self, folder):
        self.folder = folder
        self.namespaces = []
        self.processes = {}  # node -> Popen (started with setsid: pid == process group id)
        self.helpers = []
        self.logs = {}

    def create(self, directors):
        bridge = f"{PREFIX}-br"
        self._add_ns(bridge)
        run("ip", "-n", bridge, "link", "add", "br0", "type", "bridge")
        run("ip", "-n", bridge, "link", "set", "br0", "up")
        for node in [*directors, CLIENT]:
            name = ns(node)
            self._add_ns(name)
            run("ip", "-n", name, "link", "set", "lo", "up")
            run("ip", "-n", name, "link", "add", "eth0", "type", "veth", "peer", "name", f"v{node}", "netns", bridge)
            run("ip", "-n", bridge, "link", "set", f"v{node}", "master", "br0", "up")
            run("ip", "-n", name, "addr", "add", f"{addr(node)}/24", "dev", "eth0")
            run("ip", "-n", name, "link", "set", "eth0", "up")
            if node != CLIENT:
                self.helpers.append(subprocess.Popen(
                    ["ip", "netns", "exec", name, sys.executable, "-c", LISTENER, f"d{node}", str(PORT)],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    def _add_ns(self, name):
        run("ip", "netns", "add", name)
        self.namespaces.append(name)

    def start(self, node, command):
        """Starts command in node's namespace as its own session (so SIGKILL to the group kills every process)."""
        old = self.processes.pop(node, None)
        if old is not None:
            self.kill(node, old)
        log = open(os.path.join(self.folder, f"d{node}.log"), "ab")
        self.logs[node] = log.name
        self.processes[node] = subprocess.Popen(
            ["ip", "netns", "exec", ns(node), *command], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()

    def kill(self, node, process=None):
        process = process or self.processes.pop(node, None)
        if process is None:
            return
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        process.wait(10)

    def stop_all(self):
        for node in list(self.processes):
            self.kill(node)

    def holds_vip(self, node):
        return f" {VIP}/" in run("ip", "-n", ns(node), "-4", "addr", "show", "dev", "eth0")

    def drop_vip(self, node):
        run("ip", "-n", ns(node), "addr", "del", f"{VIP}/24", "dev", "eth0", check=False)

    def set_link(self, node, up):
        run("ip", "-n", ns(node), "link", "set", "eth0", "up" if up else "down")

    def close(self):
        self.stop_all()
        for helper in self.helpers:
            if helper.poll() is None:
                helper.kill()
            helper.wait(10)
        for name in reversed(self.namespaces):
            run("ip", "netns", "del", name, check=False)

    def log_tail(self, node, lines=40):
        try:
            with open(self.logs[node], encoding="utf-8", errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except (KeyError, OSError):
            return ""


def ask_vip(timeout=0.3):
    """One connection to VIP:8080 from the client namespace: the answering director's name, or None."""
    out = subprocess.run(
        ["ip", "netns", "exec", ns(CLIENT), sys.executable, "-c",
         "import socket,sys\ntry:\n s=socket.create_connection((sys.argv[1],int(sys.argv[2])),timeout=float(sys.argv[3]));"
         "print(s.recv(64).decode().strip())\nexcept OSError:\n pass", VIP, str(PORT), str(timeout)],
        capture_output=True, text=True)
    return out.stdout.strip() or None


# Runs inside the client namespace: brings the master's link down and SIGKILLs its process group (unless master_ns is
# "-"), then opens a new connection to the VIP every 10 ms until the expected director answers; prints the seconds
# from t0 and the answer's CLOCK_MONOTONIC time (the same clock in every process).
PROBE = r"""
import os, select, signal, socket, subprocess, sys, time
master_ns, pgid, vip, port, expected = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5].encode()
limit = float(sys.argv[6])
pending = {}
t0 = time.monotonic()
if master_ns != "-":
    subprocess.run(["ip", "-n", master_ns, "link", "set", "eth0", "down"], check=True)
    os.killpg(pgid, signal.SIGKILL)
next_try = time.monotonic()
while time.monotonic() - t0 < limit:
    now = time.monotonic()
    if now >= next_try:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex((vip, port))
        pending[s] = now
        next_try = now + 0.01
    for s, started in list(pending.items()):
        if now - started > 1.0:
            s.close(); del pending[s]
    _, writable, _ = select.select([], list(pending), [], max(0.0, next_try - time.monotonic()))
    for s in writable:
        if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
            s.setblocking(True); s.settimeout(1.0)
            try:
                answer = s.recv(64).strip()
            except OSError:
                answer = b""
            if answer == expected:
                print(f"{time.monotonic() - t0:.4f} {time.monotonic():.4f}")
                sys.exit(0)
        s.close(); del pending[s]
print("timeout")
sys.exit(1)
"""


def probe(expected, master="-", pgid=0, limit=20.0):
    """PROBE's (seconds from its start, CLOCK_MONOTONIC of the answer), or None at its limit."""
    out = run("ip", "netns", "exec", ns(CLIENT), sys.executable, "-c", PROBE,
              master, str(pgid), VIP, str(PORT), expected, str(limit), check=False).strip()
    return None if out == "timeout" or not out else tuple(float(x) for x in out.split())


def measure(lab, master, backup):
    answered = probe(f"d{backup}", ns(master), lab.processes[master].pid)
    lab.processes.pop(master).wait(10)
    if answered is None:
        raise RuntimeError(f"the VIP was not answered by d{backup} within 20 s\n--- d{backup}\n{lab.log_tail(backup)}")
    return answered[0]


def measure_start(lab, name, command):
    """Both directors started at one moment; seconds until d1 answers on the VIP."""
    started = time.monotonic()
    lab.start(2, command(2, 100))
    lab.start(1, command(1, 150))
    answered = probe("d1", limit=120.0)
    if answered is None:
        raise RuntimeError(f"{name}: the VIP was not answered by d1 within 120 s of the start\n--- d1\n{lab.log_tail(1)}")
    return answered[1] - started


def wait_for(what, probe, lab, nodes, timeout=STEADY_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if probe():
            return
        time.sleep(0.2)
    tails = "\n".join(f"--- d{n}\n{lab.log_tail(n)}" for n in nodes)
    raise RuntimeError(f"not within {timeout} s: {what}\n{tails}")


# ---------------------------------------------------------------- LvsHa


def lvsha_config(folder, node, priority, guard):
    seeds = "".join(f"    seed {addr(n)} 2552\n" for n in (3, 1, 2))
    text = f"""cluster {{
    node_name d{node}
    listen {addr(node)} 2552
{seeds}    split_brain_guard {guard}
    secret_file {folder}/secret
}}
"""
    if priority is not None:
        text += f"""
vrrp_instance VI_1 {{
    state BACKUP
    interface eth0
    version 3
    virtual_router_id 51
    priority {priority}
    advert_int {ADVERT_INT}
    virtual_ipaddress {{
        {VIP}/24 dev eth0
    }}
}}
"""
    path = os.path.join(folder, f"lvsha-d{node}-{guard}.conf")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def lvsha_status(folder, node):
    return lvsha_control.status(os.path.join(folder, f"lvsha-d{node}.sock"))


def lvsha_steady(lab, folder):
    """d1 MASTER holding the VIP and answering, d2 BACKUP behind d1 and seeing all three directors up."""
    s1, s2 = lvsha_status(folder, 1), lvsha_status(folder, 2)
    if not s1 or not s2:
        return False
    i1, i2 = s1["instances"][0], s2["instances"][0]
    up = [m for m in s2["members"] if m["status"] == "Up" and m["reachable"]]
    return (i1["state"] == "MASTER" and i2["state"] == "BACKUP" and i2.get("master") == addr(1) and len(up) == 3
            and s2["quorum"]["hasMajority"] and not lab.holds_vip(2) and ask_vip() == "d1")


def bench_lvsha(lab, folder, trials, guard):
    def command(node, priority):
        return lvsha_run(folder, node, lvsha_config(folder, node, priority, guard))

    lab.start(3, command(3, None))
    lab.start(2, command(2, 100))
    lab.start(1, command(1, 150))
    figures = []
    try:
        for trial in range(trials):
            try:
                wait_for("LvsHa steady (d1 master, d2 backup, 3 members up)", lambda: lvsha_steady(lab, folder), lab, [1, 2, 3],
                         timeout=40.0)
            except RuntimeError:
                # As systemd would after exit code 3 (or an operator after a stuck join): start d1 once more. Printed,
                # because it is a finding, not part of the failover figure.
                print(f"  lvsha (guard {guard}) trial {trial + 1}: restarted d1 not in the cluster within 40 s; restarting it again; "
                      f"d1's log:", flush=True)
                print("".join(f"    {line}" for line in lab.log_tail(1, 400).splitlines(True)
                              if "SeedJoiner" in line or "JoinSeedNode" in line or "exit code" in line or "Welcome" in line), flush=True)
                lab.start(1, command(1, 150))
                wait_for("LvsHa steady (d1 master, d2 backup, 3 members up)", lambda: lvsha_steady(lab, folder), lab, [1, 2, 3])
            settle_before_kill()
            figures.append(measure(lab, 1, 2))
            print(f"  lvsha (guard {guard}) trial {trial + 1}: {figures[-1] * 1000:.0f} ms", flush=True)
            lab.set_link(1, True)
            lab.drop_vip(1)
            if trial + 1 < trials:
                lab.start(1, command(1, 150))
    finally:
        clear_pair(lab)
    return figures


# ---------------------------------------------------------------- keepalived


def keepalived_config(folder, node, priority):
    path = os.path.join(folder, f"keepalived-d{node}.conf")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"""global_defs {{
    router_id d{node}
    vrrp_version 3
}}
vrrp_instance VI_1 {{
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority {priority}
    advert_int {ADVERT_INT}
    virtual_ipaddress {{
        {VIP}/24 dev eth0
    }}
}}
""")
    return path


def keepalived_command(folder, node, priority):
    run_dir = os.path.join(folder, f"ka-d{node}")
    os.makedirs(run_dir, exist_ok=True)
    for stale in os.listdir(run_dir):
        os.remove(os.path.join(run_dir, stale))
    return ["keepalived", "-n", "-l", "-P", "-f", keepalived_config(folder, node, priority),
            "-p", f"{run_dir}/keepalived.pid", "-r", f"{run_dir}/vrrp.pid", "-c", f"{run_dir}/checkers.pid"]


def keepalived_steady(lab):
    return lab.holds_vip(1) and not lab.holds_vip(2) and ask_vip() == "d1"


def settle_before_kill():
    """A few more adverts, so the backup's timer runs from a regular advert; then a random part of an advert interval,
    so the kill falls at any phase of the master's advert schedule. Without it the kill came at about the same phase
    in every trial (the steady check's polling and this sleep are multiples of the interval), and a pair's figure
    depended on where its master happened to put its adverts, not on how fast its backup takes over."""
    time.sleep(1.0 + random.uniform(0.0, ADVERT_INT))


def bench_pair(lab, folder, trials, name, command):
    """Trials of one pair: command(node, priority) starts d1 (150) or d2 (100); d1 is restarted between trials."""
    lab.start(2, command(2, 100))
    lab.start(1, command(1, 150))
    figures = []
    try:
        for trial in range(trials):
            wait_for(f"{name} steady (d1 holds the VIP and answers)", lambda: keepalived_steady(lab), lab, [1, 2])
            settle_before_kill()
            figures.append(measure(lab, 1, 2))
            print(f"  {name} trial {trial + 1}: {figures[-1] * 1000:.0f} ms", flush=True)
            lab.set_link(1, True)
            lab.drop_vip(1)
            if trial + 1 < trials:
                lab.start(1, command(1, 150))
    finally:
        clear_pair(lab)
    return figures


def clear_pair(lab):
    """Every director stopped and the VIP gone from d1 and d2: the state each pair (and each cold start) begins in."""
    lab.stop_all()
    for node in (1, 2):
        lab.drop_vip(node)


def bench_start(lab, folder, trials, name, command):
    """Cold starts of one pair: every trial stops both, removes the VIP and starts both at one moment."""
    figures = []
    try:
        for trial in range(trials):
            clear_pair(lab)
            time.sleep(1.0)
            figures.append(measure_start(lab, name, command))
            print(f"  {name} start {trial + 1}: {figures[-1] * 1000:.0f} ms", flush=True)
    finally:
        clear_pair(lab)
    return figures


def lvsha_run(folder, node, config):
    return [*LVSHA, "run", "-f", config, "--control-socket", os.path.join(folder, f"lvsha-d{node}.sock")]


def plain_lvsha(folder, node, priority):
    """LvsHa on the very keepalived.conf keepalived runs (no cluster block)."""
    return lvsha_run(folder, node, keepalived_config(folder, node, priority))


def two_director_cluster(folder, node, priority, secret="secret"):
    """LvsHa with a cluster block of the two directors and every cluster setting at its default (no witness)."""
    path = os.path.join(folder, f"lvsha-2c-d{node}.conf")
    with open(keepalived_config(folder, node, priority), encoding="utf-8") as f:
        text = f.read()
    seeds = "".join(f"    seed {addr(n)} 2552\n" for n in (1, 2))
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"cluster {{\n    node_name d{node}\n    listen {addr(node)} 2552\n{seeds}    secret_file {folder}/{secret}\n}}\n" + text)
    return lvsha_run(folder, node, path)


PAIRS = {
    "keepalived": lambda folder, node, priority: keepalived_command(folder, node, priority),
    "lvsha": plain_lvsha,
    "lvsha master, keepalived backup": lambda folder, node, priority: (
        plain_lvsha if node == 1 else keepalived_command)(folder, node, priority),
    "keepalived master, lvsha backup": lambda folder, node, priority: (
        keepalived_command if node == 1 else plain_lvsha)(folder, node, priority),
    "lvsha, two-director cluster, defaults": two_director_cluster,
    # A secret the operator wrote (here as `openssl rand -base64 32` would), which lvsha stretches at every start.
    "lvsha, two-director cluster, defaults, chosen secret": lambda folder, node, priority: two_director_cluster(
        folder, node, priority, secret="chosen-secret"),
}


def summary(name, figures):
    ms = ", ".join(f"{f * 1000:.0f}" for f in figures)
    median = statistics.median(figures)
    print(f"{name}: median {median * 1000:.0f} ms over {len(figures)} trials (min {min(figures) * 1000:.0f}, "
          f"max {max(figures) * 1000:.0f}; {ms} ms)")
    return median


def main():
    global ADVERT_INT, LVSHA
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trials", nargs="?", type=int, default=7)
    parser.add_argument("--guard", choices=["majority", "off", "both", "none"], default="none",
                        help="also run LvsHa with a cluster block and a VIP-less witness, with this split_brain_guard")
    parser.add_argument("--only", choices=list(PAIRS), action="append",
                        help="run only these pairs (repeatable; default: every pair)")
    parser.add_argument("--start", action="store_true",
                        help="measure a cold start of each pair (start to d1 answering on the VIP) instead of failover")
    parser.add_argument("--advert-int", type=float, default=ADVERT_INT, help="advert_int of every pair (default 0.1)")
    parser.add_argument("--lvsha", help="an lvsha executable (the native AOT publish) instead of the Release build's lvsha.dll")
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    if args.start and args.guard != "none":
        parser.error("--start measures the pairs only (no --guard)")
    ADVERT_INT = args.advert_int
    if args.lvsha:
        LVSHA = [os.path.abspath(args.lvsha)]
    if os.geteuid() != 0:
        sys.exit("bench-failover needs root (network namespaces)")
    if subprocess.run(["which", "keepalived"], capture_output=True).returncode != 0:
        sys.exit("keepalived is not installed (tests/lab/install-deps.sh)")
    if not args.no_build and not args.lvsha:
        run("dotnet", "build", os.path.join(ROOT, "src", "LvsHa.Cli"), "-c", "Release", "-nologo", "-v", "quiet")

    guards = {"both": ["majority", "off"], "none": []}.get(args.guard, [args.guard])
    pairs = args.only or list(PAIRS)
    medians = {}
    with tempfile.TemporaryDirectory(prefix="lvsha-fobench-") as folder:
        run(*LVSHA, "secret", "generate", os.path.join(folder, "secret"))
        chosen = os.path.join(folder, "chosen-secret")
        with open(chosen, "w", encoding="utf-8") as f:
            f.write(base64.b64encode(os.urandom(32)).decode("ascii") + "\n")
        os.chmod(chosen, 0o600)
        lab = Lab(folder)
        try:
            lab.create([1, 2, 3])
            what = "cold start of both directors to d1 answering on the VIP" if args.start else "link down + SIGKILL of the master"
            print(f"{what}, advert_int {ADVERT_INT}, VRRPv3, priorities 150/100, {args.trials} trials each "
                  f"(namespaces {PREFIX}-*)", flush=True)
            bench = bench_start if args.start else bench_pair
            for name in pairs:
                medians[name] = bench(lab, folder, args.trials, name, lambda node, priority, n=name: PAIRS[n](folder, node, priority))
            for guard in guards:
                medians[f"lvsha with witness (split_brain_guard {guard})"] = bench_lvsha(lab, folder, args.trials, guard)
        finally:
            lab.close()
    print()
    results = {name: summary(name, figures) for name, figures in medians.items()}
    if "keepalived" in results:
        for name, median in results.items():
            if name != "keepalived":
                print(f"{name} / keepalived: {median / results['keepalived']:.2f}")
    return 0


if __name__ == "__main__":
    main()
