#!/usr/bin/env python3
"""Idle cost benchmark: CPU and memory of two idle directors, LvsHa and keepalived side by side in the same run.

Two network namespaces lvsha-idle-<pid>-{1,2} joined by a veth pair; each runs a director with one vrrp_instance
(VRRPv2, advert_int 1, priorities 150/100, one VIP) and nothing else. After a settling period the CPU time
(utime + stime of the director and its children, from /proc) over a measuring window and the resident memory
(VmRSS summed over the process tree) are read for each director. Kinds: keepalived 2.2.7, LvsHa on the same
keepalived.conf, LvsHa with a cluster block of the two directors (defaults).

    tests/lab/bench-idle.py [SECONDS=30] [--settle 15] [--no-build] [--lvsha PATH] [--smaps]

--lvsha runs that executable (a published build, e.g. the package's) instead of the Release build's lvsha.dll.
--smaps also prints where each director's resident memory is (/proc/PID/smaps): the executable's own file pages,
other files (libraries), and anonymous memory (the native executable's rehydrated data, the GC heap, stacks).

Needs root, iproute2, keepalived and the .NET SDK. Everything it creates is removed at the end, also on failure.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LVSHA_DLL = os.path.join(ROOT, "src", "LvsHa.Cli", "bin", "Release", "net10.0", "lvsha.dll")
PREFIX = f"lvsha-idle-{os.getpid()}"
SUBNET = "10.233.78"
TICKS = os.sysconf("SC_CLK_TCK")


def run(*args, check=True):
    result = subprocess.run(args, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"`{' '.join(args)}` failed: {result.stderr}")
    return result.stdout


def conf(folder, node, cluster):
    text = ""
    if cluster:
        text = (f"cluster {{\n    node_name d{node}\n    listen {SUBNET}.{node} 2552\n    seed {SUBNET}.1 2552\n"
                f"    seed {SUBNET}.2 2552\n    secret_file {folder}/secret\n}}\n")
    text += f"""vrrp_instance VI_1 {{
    state BACKUP
    interface eth0
    virtual_router_id 61
    priority {150 if node == 1 else 100}
    advert_int 1
    virtual_ipaddress {{
        {SUBNET}.50/24 dev eth0
    }}
}}
"""
    path = os.path.join(folder, f"{'cluster' if cluster else 'plain'}-d{node}.conf")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


LVSHA = ["dotnet", LVSHA_DLL]


def command(kind, folder, node):
    if kind == "keepalived":
        run_dir = os.path.join(folder, f"ka-{node}")
        os.makedirs(run_dir, exist_ok=True)
        return ["keepalived", "-n", "-l", "-P", "-f", conf(folder, node, False), "-p", f"{run_dir}/k.pid",
                "-r", f"{run_dir}/v.pid", "-c", f"{run_dir}/c.pid"]
    return [*LVSHA, "run", "-f", conf(folder, node, kind == "lvsha, cluster of two"),
            "--control-socket", os.path.join(folder, f"{kind[:5]}-{node}.sock")]


def tree(pid):
    """pid and all its descendants."""
    pids, children = [pid], {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    i = 0
    while i < len(pids):
        pids.extend(children.get(pids[i], []))
        i += 1
    return pids


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / TICKS


def rss_mb(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def smaps_mb(pid):
    """Resident MB of pid by kind of mapping: its executable's file, other files, anonymous."""
    exe = os.path.realpath(f"/proc/{pid}/exe")
    totals = {"executable": 0, "other files": 0, "anonymous": 0}
    kind = "anonymous"
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            fields = line.split()
            if "-" in fields[0] and len(fields) >= 5:
                path = fields[5] if len(fields) > 5 else ""
                kind = "executable" if path == exe else "other files" if path.startswith("/") else "anonymous"
            elif fields[0] == "Rss:":
                totals[kind] += int(fields[1])
    return {k: v / 1024 for k, v in totals.items()}


def measure(kind, folder, seconds, settle, smaps=False):
    processes = [subprocess.Popen(["ip", "netns", "exec", f"{PREFIX}-{n}", *command(kind, folder, n)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
                 for n in (1, 2)]
    try:
        time.sleep(settle)
        trees = [tree(p.pid) for p in processes]
        before = [cpu_seconds(t) for t in trees]
        time.sleep(seconds)
        trees = [tree(p.pid) for p in processes]
        after = [cpu_seconds(t) for t in trees]
        rss = [rss_mb(t) for t in trees]
        if smaps and kind != "keepalived":
            for n, t in zip((1, 2), trees):
                parts = smaps_mb(t[0])  # `ip netns exec` runs the director in its own process
                print(f"  {kind} d{n} resident: " + ", ".join(f"{k} {v:.1f} MB" for k, v in parts.items()), flush=True)
        dead = [p.pid for p in processes if p.poll() is not None]
        if dead:
            raise RuntimeError(f"{kind}: a director exited during the measurement")
        return [(a - b, r) for a, b, r in zip(after, before, rss)]
    finally:
        for p in processes:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait(10)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("seconds", nargs="?", type=float, default=30)
    parser.add_argument("--settle", type=float, default=15)
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--lvsha", help="an lvsha executable to run instead of the Release build's lvsha.dll")
    parser.add_argument("--smaps", action="store_true", help="print each director's resident memory by kind of mapping")
    args = parser.parse_args()
    if args.lvsha:
        LVSHA[:] = [os.path.abspath(args.lvsha)]
    if os.geteuid() != 0:
        sys.exit("bench-idle needs root (network namespaces)")
    if not args.no_build and not args.lvsha:
        run("dotnet", "build", os.path.join(ROOT, "src", "LvsHa.Cli"), "-c", "Release", "-nologo", "-v", "quiet")
    namespaces = []
    try:
        for n in (1, 2):
            run("ip", "netns", "add", f"{PREFIX}-{n}")
            namespaces.append(f"{PREFIX}-{n}")
        run("ip", "-n", f"{PREFIX}-1", "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", f"{PREFIX}-2")
        for n in (1, 2):
            run("ip", "-n", f"{PREFIX}-{n}", "addr", "add", f"{SUBNET}.{n}/24", "dev", "eth0")
            run("ip", "-n", f"{PREFIX}-{n}", "link", "set", "eth0", "up")
            run("ip", "-n", f"{PREFIX}-{n}", "link", "set", "lo", "up")
        with tempfile.TemporaryDirectory(prefix="lvsha-idle-") as folder:
            with open(os.path.join(folder, "secret"), "w") as f:
                f.write("idle benchmark secret, never used elsewhere\n")
            os.chmod(os.path.join(folder, "secret"), 0o600)
            print(f"idle cost over {args.seconds:.0f} s after {args.settle:.0f} s of settling, two directors, "
                  f"one instance at advert_int 1 (namespaces {PREFIX}-*)", flush=True)
            results = {}
            for kind in ("keepalived", "lvsha", "lvsha, cluster of two"):
                results[kind] = measure(kind, folder, args.seconds, args.settle, args.smaps)
                for node, (cpu, rss) in zip((1, 2), results[kind]):
                    print(f"  {kind} d{node}: {cpu:.2f} CPU-s ({100 * cpu / args.seconds:.2f} % of a core), {rss:.1f} MB RSS",
                          flush=True)
            ka_cpu = sum(c for c, _ in results["keepalived"]) / 2
            ka_rss = sum(r for _, r in results["keepalived"]) / 2
            for kind in ("lvsha", "lvsha, cluster of two"):
                cpu = sum(c for c, _ in results[kind]) / 2
                rss = sum(r for _, r in results[kind]) / 2
                print(f"{kind}: {cpu:.2f} CPU-s per director ({100 * cpu / args.seconds:.2f} % of a core; keepalived "
                      f"{ka_cpu:.2f}), RSS {rss:.1f} MB ({rss / ka_rss:.1f}x keepalived's {ka_rss:.1f} MB)")
    finally:
        for name in namespaces:
            run("ip", "netns", "del", name, check=False)


if __name__ == "__main__":
    main()
