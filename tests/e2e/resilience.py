#!/usr/bin/env python3
"""Resilience suite: scripted, repeatable, every scenario bounded in time. One DR lab with three VIP directors
(priorities 150/100/50, no witness: they are their own majority), real servers prepared by `lvsha prepare`, steady
client load through every scenario. Each scenario reports requests lost, moments with two masters (VIP on two
directors in the same 100 ms sample) and IPVS entries lost or wrong (the master's `ipvsadm -Sn` against the
expected table once the scenario settled), and is one result in the .trx.

  e2e.py RESULTS_DIR --skip-demo --resilience full      (short: fewer repetitions, for the test command)
  resilience.py RESULTS_DIR [--short]                   (the suite alone)
"""
import os
import signal
import sys
import threading
import time

import lab as L

SERVICE = L.Service("dr", 80, "rr")


class VipWatch:
    """Samples which directors hold the VIP every 100 ms; counts samples (and time) with two or more holders."""

    def __init__(self, lab):
        self.lab, self.stop, self.double, self.samples, self.longest = lab, threading.Event(), 0, 0, 0.0
        self._since = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.wait(0.1):
            holders = [n for n in range(1, self.lab.vip_directors + 1) if self.lab.holds_vip(n)]
            self.samples += 1
            now = time.monotonic()
            if len(holders) > 1:
                self.double += 1
                self._since = self._since or now
                self.longest = max(self.longest, now - self._since)
            else:
                self._since = None

    def finish(self):
        self.stop.set()
        self.thread.join(5)
        return {"twoMasterSamples": self.double, "longestTwoMasters": round(self.longest, 2)}


def scenario(runner, lab, name, body, up=None, bound=240):
    """Runs body under load and the VIP watch; records lost requests, two-master moments and IPVS differences."""
    def case():
        watch = VipWatch(lab)
        lab.start_load(SERVICE, rate=10, duration=bound, name=f"res-{name}")
        start = time.monotonic()
        try:
            extra = body() or {}
        finally:
            load = lab.finish_load(f"res-{name}")
            two = watch.finish()
        master = lab.vip_holders()
        expected = lab.expected_ipvs(up=up)
        table = lab.ipvs(master[0]) if len(master) == 1 else []
        if len(master) == 1:
            # Settled means: the master's table right within the drift-repair bound (5 s) plus one health round.
            try:
                L.wait_for(lambda: lab.ipvs(master[0]) == expected, 15, "table settles")
            except L.LabError:
                pass
            table = lab.ipvs(master[0])
        figures = {"seconds": round(time.monotonic() - start, 1), "requests": load["sent"], "lost": load["failed"],
                   "longestGap": load["longestGap"], **two,
                   "ipvsMissing": len(set(expected) - set(table)), "ipvsWrong": len(set(table) - set(expected)),
                   "masters": master, **extra}
        problems = []
        if len(master) != 1:
            problems.append(f"{len(master)} masters at the end")
        if figures["ipvsMissing"] or figures["ipvsWrong"]:
            problems.append(f"IPVS differs: missing {sorted(set(expected) - set(table))}, wrong {sorted(set(table) - set(expected))}")
        if two["longestTwoMasters"] > 1.0:
            problems.append(f"two masters for {two['longestTwoMasters']} s")
        if problems:
            raise AssertionError(f"{name}: {'; '.join(problems)} ({figures})")
        return figures
    return runner.case(f"Resilience.{name}", case)


def master_deaths(lab, times):
    gaps = []
    for _ in range(times):
        master = lab.vip_holders()[0]
        killed = time.monotonic()
        lab.kill_director(master)
        L.wait_for(lambda: len(lab.vip_holders()) == 1 and lab.vip_holders()[0] != master, 30, "another director takes the VIP")
        gaps.append(round(time.monotonic() - killed, 2))
        lab.revive_director(master)
        L.wait_for(lambda: lab.vip_holders() == [1], 60, "d1 holds the VIP again")
    return {"takeoverSeconds": gaps}


def flapping(lab, flaps):
    victim = "dr2"
    for _ in range(flaps):
        lab.stop_web(victim)
        time.sleep(2)
        lab.start_web(victim)
        time.sleep(2)
    time.sleep(lab.health_bound() + 1)  # the last return is seen
    return {"flaps": flaps}


def partition(lab):
    master = lab.vip_holders()[0]
    cut = time.monotonic()
    lab.isolate(master)
    _, took = L.wait_for(lambda: [n for n in lab.vip_holders() if n != master], 30, "a connected director takes the VIP")
    L.wait_for(lambda: not lab.holds_vip(master), 30, "the cut-off director drops the VIP (no majority)")
    dropped = time.monotonic() - cut
    time.sleep(3)
    lab.isolate(master, on=False)
    # The cut-off side was below the quorum: the split-brain resolver downed it (exit 3, systemd would restart it).
    exited = lab.procs[f"d{master}"].poll()
    if exited is not None:
        lab.revive_director(master)
    L.wait_for(lambda: lab.vip_holders() == [1], 90, "d1 holds the VIP again after the partition heals")
    return {"takeoverSeconds": round(took, 2), "isolatedDroppedVipAfter": round(dropped, 2), "isolatedExitCode": exited}


def ssh_hang(lab):
    """One real server's sshd stops answering (SIGSTOP): prepare finishes the others and fails that one, in time."""
    victim = "dr3"
    sshd = lab.procs[f"sshd-{victim}"]
    os.kill(sshd.pid, signal.SIGSTOP)
    try:
        start = time.monotonic()
        out = lab.lvsha_run(1, "prepare", "-f", lab.configs[1], timeout=300, check=False)
        took = time.monotonic() - start
    finally:
        os.kill(sshd.pid, signal.SIGCONT)
    hung = lab.rs_address(victim)
    others = [lab.rs_address(n) for n in ("dr1", "dr2")]
    if f"{hung}: FAILED" not in out or not all(f"{a}: ok" in out for a in others):
        raise AssertionError(f"prepare with a hung host: expected {hung} failed and {others} ok:\n{out[-2000:]}")
    return {"prepareSeconds": round(took, 1)}


def reload_all(lab, texts):
    """Writes each VIP director's configuration (texts in director order) and sends every one SIGHUP."""
    for n, text in enumerate(texts, 1):
        with open(lab.configs[n], "w") as f:
            f.write(text)
        lab.signal_director(n, signal.SIGHUP)


def refused(lab):
    """A reload adds a real server the kernel refuses (DR destination with no route from the director): the rest of
    the table stays right, and the entry appears by drift repair once the route exists."""
    unroutable = "10.99.0.1"
    extra = f"""
virtual_server {SERVICE.vip} 90 {{
    lb_algo rr
    lb_kind DR
    protocol TCP
    real_server {unroutable} 90 {{
        weight 1
    }}
}}
"""
    originals = [open(lab.configs[n]).read() for n in range(1, lab.vip_directors + 1)]
    try:
        reload_all(lab, [text + extra for text in originals])
        L.wait_for(lambda: f"-A -t {SERVICE.vip}:90 -s rr" in lab.ipvs(1), 30, "the new service appears")
        time.sleep(3)
        check_absent = f"-a -t {SERVICE.vip}:90 -r {unroutable}:90 -g -w 1" not in lab.ipvs(1)
        logged = "refused" in lab.log_tail("d1", 400).lower() or "IpvsRefused" in lab.log_tail("d1", 400)
        for n in range(1, lab.vip_directors + 1):
            L.run("ip", "route", "add", "10.99.0.0/24", "dev", "eth0", ns=lab.ns(f"d{n}"))
        fixed = time.monotonic()
        L.wait_for(lambda: f"-a -t {SERVICE.vip}:90 -r {unroutable}:90 -g -w 1" in lab.ipvs(1), 30,
                   "the refused destination is added once the route exists (drift repair)")
        repaired = time.monotonic() - fixed
        if not check_absent:
            raise AssertionError("the kernel accepted the unroutable DR destination (the scenario tests nothing)")
        if not logged:
            raise AssertionError("the refusal was not logged")
    finally:
        reload_all(lab, originals)
        for n in range(1, lab.vip_directors + 1):
            L.run("ip", "route", "del", "10.99.0.0/24", ns=lab.ns(f"d{n}"), check=False)
        L.wait_for(lambda: f"-A -t {SERVICE.vip}:90 -s rr" not in lab.ipvs(1), 30, "the extra service goes with the reload back")
    return {"repairedAfterRoute": round(repaired, 2)}


def reloads(lab, count):
    """count SIGHUPs to every director under load, the configuration alternating between two weights of dr3."""
    originals = [open(lab.configs[n]).read() for n in range(1, lab.vip_directors + 1)]
    marker = f"real_server {lab.rs_address('dr3')} {SERVICE.port} {{\n        weight 1"
    try:
        for i in range(count):
            reload_all(lab, [text if i % 2 else text.replace(marker, marker[:-1] + "2") for text in originals])
            time.sleep(0.3)
    finally:
        reload_all(lab, originals)
    time.sleep(3)
    running = [n for n in range(1, lab.vip_directors + 1) if lab.director_running(n)]
    if len(running) != lab.vip_directors:
        raise AssertionError(f"directors stopped during the reloads: running {running}")
    return {"reloads": count}


def run(runner, short):
    """Builds the three-director lab and runs every scenario (short: fewer repetitions)."""
    try:
        lab = L.Lab([SERVICE], directors=3, witness=False, sshd=("dr",))
        lab.__enter__()
    except Exception as e:  # noqa: BLE001
        runner.skip_rest(["Resilience.Lab"], f"the resilience lab did not build: {e}")
        return
    try:
        for n in (1, 2, 3):
            lab.write_config(n)
        if runner.case("Resilience.Prepare", lambda: {"summary": lab.prepare().strip().splitlines()[-1]}) is None:
            return
        if runner.case("Resilience.DirectorsStart", lab.start_directors) is None and not lab.vip_holders():
            return
        scenario(runner, lab, "FlappingRealServer", lambda: flapping(lab, 3 if short else 10))
        scenario(runner, lab, "Reloads", lambda: reloads(lab, 10 if short else 100))
        scenario(runner, lab, "KernelRefuses", lambda: refused(lab))
        scenario(runner, lab, "SshHostHangs", lambda: ssh_hang(lab))
        scenario(runner, lab, "PartitionOfThree", lambda: partition(lab))
        scenario(runner, lab, "RepeatedMasterDeaths", lambda: master_deaths(lab, 1 if short else 5), bound=900)
    finally:
        lab.close()


def results_table(figures):
    """The README table: one row per scenario."""
    rows = ["| Scenario | Seconds | Requests | Lost | Longest gap (s) | Two-master samples | IPVS missing / wrong | Notes |",
            "|---|---|---|---|---|---|---|---|"]
    for name, f in figures.items():
        if not name.startswith("Resilience.") or "requests" not in f:
            continue
        notes = ", ".join(f"{k} {v}" for k, v in f.items() if k not in
                          ("seconds", "requests", "lost", "longestGap", "twoMasterSamples", "longestTwoMasters",
                           "ipvsMissing", "ipvsWrong", "masters"))
        rows.append(f"| {name[11:]} | {f['seconds']} | {f['requests']} | {f['lost']} | {f['longestGap']} | "
                    f"{f['twoMasterSamples']} | {f['ipvsMissing']} / {f['ipvsWrong']} | {notes} |")
    return "\n".join(rows)


if __name__ == "__main__":
    import e2e
    out_dir = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "artifacts/resilience")
    os.makedirs(out_dir, exist_ok=True)
    r = e2e.Runner(out_dir)
    try:
        run(r, short="--short" in sys.argv)
    finally:
        r.write()
    print(results_table(r.figures))
    sys.exit(1 if any(x["outcome"] != "Passed" for x in r.results) else 0)
