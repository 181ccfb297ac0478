#!/usr/bin/env python3
"""The trials of tests/lab/bench-health.sh, run where ip_vs is (natively or in the lab VM): see that script.

    bench-health-trials.py OUT TRIALS OTHERS LVSHA_COMMAND CHECKER...

A director namespace (the daemon and the kernel table under test) and a real-server namespace joined by a veth
pair; three web servers (python3 http.server) on 10.81.0.11-13:80. Everything is removed at the end."""
import ctypes
import os
import shlex
import signal
import statistics
import subprocess
import shutil
import sys
import tempfile
import time

OUT, TRIALS, OTHERS, LVSHA = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), shlex.split(sys.argv[4])
CHECKERS = sys.argv[5:]
PREFIX = f"lvsha-hbench-{os.getpid()}"
# Sockets and the web servers' notes on a local file system (OUT may be the VM's 9p share, which has no sockets).
LOCAL = tempfile.mkdtemp(prefix="lvsha-hbench-")
DIRECTOR, SERVERS = f"{PREFIX}-d", f"{PREFIX}-rs"
REALS = ["10.81.0.11", "10.81.0.12", "10.81.0.13"]
VICTIM = REALS[1]
VIP = "10.82.0.1"
POLL = 0.01
LIMIT = 30.0

processes = []


def sh(*cmd, check=True):
    return subprocess.run(cmd, check=check, capture_output=True, text=True)


def start(cmd, log, ns):
    p = subprocess.Popen(["ip", "netns", "exec", ns] + cmd, stdout=open(log, "w"), stderr=subprocess.STDOUT,
                         start_new_session=True)
    processes.append(p)
    return p


def stop(p, sig=signal.SIGTERM, wait=20):
    if p.poll() is None:
        os.killpg(p.pid, sig)
        try:
            p.wait(wait)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def enter(ns):
    """Moves this process into namespace ns, so that /proc/net/ip_vs is that namespace's table and reading it costs
    no process (a process per poll costs tens of milliseconds in the emulated VM)."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(f"/run/netns/{ns}", os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
        raise OSError(ctypes.get_errno(), f"setns {ns}")
    os.close(fd)


def table_services():
    """How many virtual services the director namespace's IPVS table holds."""
    with open("/proc/net/ip_vs") as f:
        return sum(1 for line in f if line.split()[:1] in (["TCP"], ["UDP"]))


def table_reals():
    """The real servers in the director namespace's IPVS table of the VIP's service (hex addresses decoded)."""
    with open("/proc/net/ip_vs") as f:
        out = f.read()
    reals, current = set(), None
    for line in out.splitlines():
        words = line.split()
        if words and words[0] in ("TCP", "UDP"):
            current = words[1]
        elif words and words[0] == "->" and current == "0A520001:0050":
            h = words[1].split(":")[0]
            reals.add(".".join(str(int(h[i:i + 2], 16)) for i in range(0, 8, 2)))
    return reals


def wait_until(probe, limit, what):
    start_at = time.monotonic()
    while not probe():
        if time.monotonic() - start_at > limit:
            raise RuntimeError(f"not within {limit} s: {what}")
        time.sleep(POLL)
    return time.monotonic() - start_at


# A web server that notes when it listens (time.monotonic(), the same clock in every process of the machine): a
# return is measured from then, however long the emulated VM takes to start Python.
WEB = """
import http.server, os, sys, time
server = http.server.HTTPServer((sys.argv[1], 80), http.server.SimpleHTTPRequestHandler)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(repr(time.monotonic()))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()
"""


def listening_since(address):
    """When the web server on address began to listen (waits for it)."""
    path = f"{LOCAL}/listen-{address}"
    wait_until(lambda: os.path.exists(path), 60, f"web server on {address}")
    with open(path) as f:
        return float(f.read())


def start_web(address):
    path = f"{LOCAL}/listen-{address}"
    if os.path.exists(path):
        os.remove(path)
    return start(["python3", "-c", WEB, address, path], f"{OUT}/web-{address}.log", SERVERS)


def checker_block(checker, address):
    if checker == "TCP_CHECK":
        body = ""
    elif checker == "HTTP_GET":
        body = "            url {\n                path /\n                status_code 200\n            }\n"
    else:
        # A connect as the other two checkers make, by a program on a path only root can write (script security).
        body = f'            misc_path "/bin/bash -c \'exec 3<>/dev/tcp/{address}/80\'"\n            misc_timeout 1\n'
    timing = "" if checker == "MISC_CHECK" else "            connect_timeout 1\n"
    return (f"        {checker} {{\n{body}{timing}            retry 1\n            delay_before_retry 1\n"
            "        }\n")


def config(checker):
    text = ["global_defs {\n    script_user root\n    enable_script_security\n}\n"]
    text.append(f"virtual_server {VIP} 80 {{\n    delay_loop 1\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n")
    for address in REALS:
        text.append(f"    real_server {address} 80 {{\n        weight 1\n{checker_block(checker, address)}    }}\n")
    text.append("}\n")
    for i in range(OTHERS):
        vip = f"10.83.{i // 250}.{i % 250 + 1}"
        text.append(f"virtual_server {vip} 80 {{\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n"
                    f"    real_server 10.84.0.1 80 {{\n        weight 1\n    }}\n"
                    f"    real_server 10.84.0.2 80 {{\n        weight 1\n    }}\n}}\n")
    path = f"{OUT}/{checker}.conf"
    with open(path, "w") as f:
        f.write("".join(text))
    return path


def daemon(name, conf):
    if name == "keepalived":
        run = f"{OUT}/ka"
        os.makedirs(run, exist_ok=True)
        cmd = ["keepalived", "-n", "-l", "-D", "-C", "-f", conf, "-p", f"{run}/k.pid", "-c", f"{run}/c.pid",
               "-r", f"{run}/v.pid"]
    else:
        cmd = LVSHA + ["run", "-f", conf, "--control-socket", f"{LOCAL}/lvsha.sock"]
    return start(cmd, f"{OUT}/{name}.log", DIRECTOR)


def trial_set(name, checker):
    sh("ip", "netns", "exec", DIRECTOR, "ipvsadm", "-C")
    d = daemon(name, config(checker))
    figures = []
    try:
        # The whole table first: a trial measures a running director, not one still programming its start-up table.
        wait_until(lambda: table_reals() == set(REALS) and table_services() == 1 + OTHERS, 300,
                   f"{name} programs {1 + OTHERS} services")
        time.sleep(3)
        for i in range(TRIALS):
            stop(web[VICTIM], signal.SIGKILL)
            removal = wait_until(lambda: VICTIM not in table_reals(), LIMIT, f"{name} removes {VICTIM}")
            web[VICTIM] = start_web(VICTIM)
            wait_until(lambda: VICTIM in table_reals(), 60, f"{name} adds {VICTIM} back")
            back = time.monotonic() - listening_since(VICTIM)
            print(f"trial {i + 1} {checker} {name}: removal {removal:.2f} s, return {back:.2f} s", flush=True)
            figures.append((removal, back))
            time.sleep(2)
    except RuntimeError:
        with open(f"{OUT}/{name}.log") as f:
            print(f"{name} log:\n" + f.read()[-3000:], file=sys.stderr)
        raise
    finally:
        stop(d)
    return figures


web = {}
try:
    sh("ip", "netns", "add", DIRECTOR)
    sh("ip", "netns", "add", SERVERS)
    sh("ip", "-n", DIRECTOR, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", SERVERS)
    sh("ip", "-n", DIRECTOR, "addr", "add", "10.81.0.1/24", "dev", "eth0")
    for address in REALS:
        sh("ip", "-n", SERVERS, "addr", "add", f"{address}/24", "dev", "eth0")
    for ns in (DIRECTOR, SERVERS):
        sh("ip", "-n", ns, "link", "set", "eth0", "up")
        sh("ip", "-n", ns, "link", "set", "lo", "up")
    # Other services' real servers need a route to be accepted as unicast.
    sh("ip", "-n", DIRECTOR, "route", "add", "10.84.0.0/24", "dev", "eth0")
    enter(DIRECTOR)
    for address in REALS:
        web[address] = start_web(address)
        listening_since(address)

    results = {}
    for checker in CHECKERS:
        for name in ("keepalived", "lvsha"):
            results[(checker, name)] = trial_set(name, checker)
    for checker in CHECKERS:
        medians = {}
        for name in ("keepalived", "lvsha"):
            figures = results[(checker, name)]
            medians[name] = (statistics.median(f[0] for f in figures), statistics.median(f[1] for f in figures))
            print(f"median {checker} {name}: removal {medians[name][0]:.2f} s, return {medians[name][1]:.2f} s")
        ka, lv = medians["keepalived"], medians["lvsha"]
        print(f"ratio {checker} lvsha/keepalived: removal {lv[0] / ka[0]:.2f}, return {lv[1] / ka[1]:.2f}")
finally:
    for p in processes:
        stop(p, signal.SIGKILL, 5)
    for ns in (DIRECTOR, SERVERS):
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
    shutil.rmtree(LOCAL, ignore_errors=True)
