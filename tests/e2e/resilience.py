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
import shutil
import re
import signal
import sys
import threading
import time

import lab as L
import lvsha_control

SERVICE = L.Service("dr", 80, "rr")


class VipWatch:
    """Samples which running directors hold the VIP every 100 ms; counts samples (and time) with two or more holders."""

    def __init__(self, lab):
        self.lab, self.stop, self.double, self.samples, self.longest = lab, threading.Event(), 0, 0, 0.0
        self._since = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.wait(0.1):
            holders = self.lab.vip_holders()  # running directors only: a dead one's link is down
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
        settle(lab)
        watch = VipWatch(lab)
        lab.start_load(SERVICE, rate=10, duration=bound, name=f"res-{name}")
        start, started_at = time.monotonic(), time.time()
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
        figures = {"startedAtUtc": time.strftime("%H:%M:%S", time.gmtime(started_at)),  # to find the window in the kept logs
                   "seconds": round(time.monotonic() - start, 1), "requests": load["sent"], "lost": load["failed"],
                   "longestGap": load["longestGap"],
                   # Where the longest gap began (seconds after the scenario's start, the same VM clock as the load's)
                   # and why requests failed: enough to tell a slow takeover from a slow hand-back afterwards.
                   "longestGapAt": round(load["longestGapAt"] - start, 2), "errors": load["errors"], **two,
                   "ipvsMissing": len(set(expected) - set(table)), "ipvsWrong": len(set(table) - set(expected)),
                   "masters": master, **extra}
        problems = []
        if len(master) != 1:
            problems.append(f"{len(master)} masters at the end")
        if figures["ipvsMissing"] or figures["ipvsWrong"]:
            problems.append(f"IPVS differs: missing {sorted(set(expected) - set(table))}, wrong {sorted(set(table) - set(expected))}")
        if two["longestTwoMasters"] > lab.two_masters_bound():
            problems.append(f"two masters for {two['longestTwoMasters']} s (bound {lab.two_masters_bound()} s)")
        if problems:
            raise AssertionError(f"{name}: {'; '.join(problems)} ({figures})")
        return figures

    def logged_case():
        try:
            return case()
        except Exception:
            print(lab.director_logs(40), flush=True)
            raise
    return runner.case(f"Resilience.{name}", logged_case)


def settle(lab):
    """Every scenario starts from the same state, whatever the one before left: all directors running, d1 master."""
    for n in range(1, lab.vip_directors + 1):
        if not lab.director_running(n):
            lab.log(f"resilience: d{n} is not running before the scenario (exit code {lab.procs[f'd{n}'].returncode}); starting it")
            lab.revive_director(n)
    L.wait_for(lambda: lab.vip_holders() == [1], 90, "d1 holds the VIP before the scenario")


def master_deaths(lab, times):
    gaps, starts, back = [], [], []
    restarted = len(lab.restarted_by_systemd)
    for _ in range(times):
        master = lab.vip_holders()[0]
        killed = time.monotonic()
        lab.kill_director(master)
        L.wait_for(lambda: len(lab.vip_holders()) == 1 and lab.vip_holders()[0] != master, 30, "another director takes the VIP")
        gaps.append(round(time.monotonic() - killed, 2))
        starts.append(lab.revive_director(master))
        L.wait_for(lambda: lab.vip_holders() == [1], 60, "d1 holds the VIP again")
        back.append(round(time.monotonic() - killed, 2))
    # Survivors downed (exit 3) while the master restarted, and started again as systemd would: reported, not hidden.
    return {"takeoverSeconds": gaps, "masterAgainAfterKill": back, "startsToRejoin": starts,
            "survivorsRestarted": lab.restarted_by_systemd[restarted:]}


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
    """The master is cut off from the other two (nftables). A connected director takes the VIP, the cut-off one
    drops it (no majority) and runs on without it: only a majority downs, and only the unreachable (the other two
    remove it). Healed, it finds its incarnation refused and stops with exit code 3; restarted (systemd would), it
    rejoins and preempts."""
    master = lab.vip_holders()[0]
    others = [n for n in range(1, lab.total_directors + 1) if n != master]
    cut = time.monotonic()
    lab.isolate(master)
    try:
        # One poll for both events, each timed when first seen (polled one after the other, the drop could never
        # be timed before the takeover).
        seen = {}

        def taken_and_dropped():
            holders, now = lab.vip_holders(), time.monotonic() - cut
            if any(n != master for n in holders):
                seen.setdefault("took", now)
            if master not in holders:
                seen.setdefault("dropped", now)
            return len(seen) == 2
        L.wait_for(taken_and_dropped, 30, "a connected director takes the VIP and the cut-off one drops it (no majority)")
        took, dropped = seen["took"], seen["dropped"]
        L.wait_for(lambda: all(len((lab.status(n) or {}).get("members", [None] * 3)) == 2 for n in others), 60,
                   "the connected directors remove the cut-off one")
        removed = time.monotonic() - cut
        if not lab.director_running(master):
            raise AssertionError(f"the cut-off director stopped during the cut (exit code {lab.procs[f'd{master}'].returncode})")
    finally:
        lab.isolate(master, on=False)
    healed = time.monotonic()
    L.wait_for(lambda: not lab.director_running(master), 90, "the removed director stops after the heal (exit 3)")
    code = lab.procs[f"d{master}"].returncode
    if code != 3:
        raise AssertionError(f"the removed director exited with {code}, not 3")
    exited = time.monotonic() - healed
    starts = lab.revive_director(master)
    L.wait_for(lambda: lab.vip_holders() == [1], 90, "d1 holds the VIP again after the partition heals")
    # The scenario's own polls (one `ip` call each, slow under emulation) bound the time with two holders from
    # above; the 100 ms watch, starved there, from below. Both are reported.
    return {"takeoverSeconds": round(took, 2), "isolatedDroppedVipAfter": round(dropped, 2),
            "twoHoldersByPolls": round(max(0.0, dropped - took), 2), "removedByMajorityAfter": round(removed, 2),
            "exitedAfterHeal": round(exited, 2), "startsToRejoin": starts,
            "masterAgainAfterHeal": round(time.monotonic() - healed, 1)}


def ssh_hang(lab):
    """One real server's sshd stops answering (SIGSTOP): prepare finishes the others and fails that one, in time."""
    victim = "dr3"
    sshd = lab.procs[f"sshd-{victim}"]
    os.kill(sshd.pid, signal.SIGSTOP)
    try:
        start = time.monotonic()
        out = lab.lvsha_run(1, "prepare", "-f", lab.configs[1], timeout=600, check=False)
        took = time.monotonic() - start
    finally:
        os.kill(sshd.pid, signal.SIGCONT)
    hung = lab.rs_address(victim)
    others = [lab.rs_address(n) for n in ("dr1", "dr2")]
    if f"{hung}: FAILED" not in out or not all(f"{a}: ok" in out for a in others):
        raise AssertionError(f"prepare with a hung host: expected {hung} failed and {others} ok:\n{out[-2000:]}")
    return {"prepareSeconds": round(took, 1)}


def reload_all(lab, texts):
    """Writes each VIP director's configuration (texts in director order) and sends every one SIGHUP. Each file is
    written beside and renamed over, as configuration tools do: a director still reloading from the previous signal
    never reads a half-written file (it would refuse an empty one, see DirectorReloader)."""
    for n, text in enumerate(texts, 1):
        with open(lab.configs[n] + ".new", "w") as f:
            f.write(text)
        os.replace(lab.configs[n] + ".new", lab.configs[n])
        lab.signal_director(n, signal.SIGHUP)


def refused(lab):
    """A reload adds a service with one real server the kernel refuses (a multicast DR destination: "address not
    unicast", EINVAL) beside a good one: the good one is programmed, the refusal is logged once with its object
    (retried quietly at each drift repair), the rest of the table stays right and the daemon keeps running. A second
    reload takes the service away again."""
    bad, good = "224.0.0.99", lab.rs_address("dr1")
    extra = f"""
virtual_server {SERVICE.vip} 90 {{
    lb_algo rr
    lb_kind DR
    protocol TCP
    real_server {bad} 90 {{
        weight 1
    }}
    real_server {good} 90 {{
        weight 1
    }}
}}
"""
    originals = [open(lab.configs[n]).read() for n in range(1, lab.vip_directors + 1)]
    def refusals():
        return sum(1 for line in lab.log_tail("d1", 100000).splitlines() if "Kernel refused" in line and f"{bad}:90" in line)
    before = refusals()
    try:
        reload_all(lab, [text + extra for text in originals])
        L.wait_for(lambda: f"-a -t {SERVICE.vip}:90 -r {good}:90 -g -w 1" in lab.ipvs(1), 30,
                   "the new service appears with its good real server")
        L.wait_for(lambda: refusals() > before, 30, "the refusal is logged")
        # Two drift repairs (5 s apart) retry it; a lasting refusal is not repeated as a warning every time.
        time.sleep(11)
        if any(bad in line for line in lab.ipvs(1)):
            raise AssertionError(f"the kernel accepted the multicast DR destination {bad} (the scenario tests nothing)")
        if refusals() - before != 1:
            raise AssertionError(f"{refusals() - before} warnings for one lasting refusal (expected 1)")
        if not all(lab.director_running(n) for n in range(1, lab.vip_directors + 1)):
            raise AssertionError("a director stopped after the refusal")
    finally:
        reload_all(lab, originals)
        L.wait_for(lambda: f"-A -t {SERVICE.vip}:90 -s rr" not in lab.ipvs(1), 30, "the extra service goes with the reload back")
        wait_reloads_done(lab)
    return {"refusalWarnings": refusals() - before}


def reloads_applied(lab):
    """Reloads each VIP director has logged as applied (or refused) so far."""
    return [sum(1 for line in lab.log_tail(f"d{n}", None).splitlines() if "DirectorReloader: Reloaded " in line
                or "DirectorReloader: Reload refused" in line) for n in range(1, lab.vip_directors + 1)]


def wait_reloads_done(lab, timeout=90):
    """Waits until no director applies another reload for 3 s (SIGHUPs sent quickly queue up under load)."""
    last, since, start = None, time.monotonic(), time.monotonic()
    while time.monotonic() - start < timeout:
        now = reloads_applied(lab)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= 3:
            return now
        time.sleep(0.2)
    raise L.LabError(f"the directors still apply reloads after {timeout} s")


def reloads(lab, count):
    """count SIGHUPs to every director under load, the configuration alternating between two weights of dr3."""
    originals = [open(lab.configs[n]).read() for n in range(1, lab.vip_directors + 1)]
    marker = f"real_server {lab.rs_address('dr3')} {SERVICE.port} {{\n        weight 1"
    before = reloads_applied(lab)
    try:
        for i in range(count):
            reload_all(lab, [text if i % 2 else text.replace(marker, marker[:-1] + "2") for text in originals])
            time.sleep(0.3)
    finally:
        reload_all(lab, originals)
    # A control-socket reload queues behind the SIGHUP reloads still running (one at a time), so its answer means
    # they are done.
    for n in range(1, lab.vip_directors + 1):
        reply = lvsha_control.reload(lab.socket_path(n))
        if not reply or not reply.get("ok"):
            raise AssertionError(f"d{n} did not answer a reload after the SIGHUPs: {reply}")
    after = [a - 1 for a in wait_reloads_done(lab)]
    running = [n for n in range(1, lab.vip_directors + 1) if lab.director_running(n)]
    if len(running) != lab.vip_directors:
        raise AssertionError(f"directors stopped during the reloads: running {running}")
    # Signals sent while one is pending merge into one (POSIX): a director applies at most count + 1 reloads.
    return {"reloads": count, "appliedPerDirector": [a - b for a, b in zip(after, before)]}


TRANSITION = re.compile(r"vrrp_instance VI_1: (Initialize|Backup|Master|Fault|Stopped) -> ")


def transitions(lab):
    """VRRP state changes each VIP director has logged so far."""
    return [sum(1 for line in lab.log_tail(f"d{n}", None).splitlines() if TRANSITION.search(line))
            for n in range(1, lab.vip_directors + 1)]


def vip_reloads(lab, rounds):
    """Reloads that add a second VIP to VI_1 on every director, then take it away again, under load: the master puts
    it up and takes it down in place (issue 17), with no VRRP transition on any director and no lost request. The
    directors are reloaded one after another within Master_Down_Interval, as an operator would (until a backup has
    the new list it drops the master's adverts, as keepalived 2.2.7 does)."""
    originals = [open(lab.configs[n]).read() for n in range(1, lab.vip_directors + 1)]
    extra = f"{L.PUBLIC}.55"
    marker = "    virtual_ipaddress {\n"
    if any(marker not in text for text in originals):
        raise L.LabError("no virtual_ipaddress block in the directors' configurations")

    def holders():
        return [n for n in range(1, lab.vip_directors + 1)
                if f" {extra}/" in L.run("ip", "-n", lab.ns(f"d{n}"), "-o", "addr", "show", "dev", "eth0", check=False)]

    before_reloads, before = reloads_applied(lab), transitions(lab)
    log_sizes = [len(lab.log_tail(f"d{n}", None)) for n in range(1, lab.vip_directors + 1)]
    try:
        for _ in range(rounds):
            reload_all(lab, [text.replace(marker, f"{marker}        {extra}/32 dev eth0\n", 1) for text in originals])
            L.wait_for(lambda: holders() == lab.vip_holders(), 30, f"the master puts {extra} up")
            reload_all(lab, originals)
            L.wait_for(lambda: not holders(), 30, f"{extra} goes with the reload back")
    finally:
        reload_all(lab, originals)
        wait_reloads_done(lab)
    after = transitions(lab)
    changed = [a - b for a, b in zip(after, before)]
    if any(changed):
        raise AssertionError(f"VRRP transitions during VIP reloads: {changed} per director")
    # Only what the directors logged during these reloads: the earlier scenarios' reloads are not this one's.
    logged = [lab.log_tail(f"d{n}", None)[size:] for n, size in zip(range(1, lab.vip_directors + 1), log_sizes)]
    if any("next restart" in text for text in logged):
        raise AssertionError("a VIP change was reported as needing a restart:\n"
                             + "".join(line + "\n" for text in logged for line in text.splitlines() if "next restart" in line))
    return {"rounds": rounds, "transitions": changed,
            "appliedPerDirector": [a - b for a, b in zip(reloads_applied(lab), before_reloads)]}


def run(runner, short):
    """Builds the three-director lab and runs every scenario (short: fewer repetitions)."""
    try:
        # As operators run it, in the VM as natively: keepalived's advert_int 1, the cluster block at its defaults,
        # all three started at the same moment (LVSHA_LAB_HEARTBEAT_PAUSE sets heartbeat_pause for experiments).
        lab = L.Lab([SERVICE], directors=3, witness=False, sshd=("dr",), advert_int="1", defaults=True,
                    heartbeat_pause=os.environ.get("LVSHA_LAB_HEARTBEAT_PAUSE"))
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
        scenario(runner, lab, "VipReloads", lambda: vip_reloads(lab, 1 if short else 5))
        scenario(runner, lab, "KernelRefuses", lambda: refused(lab))
        scenario(runner, lab, "SshHostHangs", lambda: ssh_hang(lab))
        scenario(runner, lab, "RepeatedMasterDeaths", lambda: master_deaths(lab, 1 if short else 5), bound=900)
        scenario(runner, lab, "PartitionOfThree", lambda: partition(lab))
    finally:
        # The directors' whole logs go with the results: a gap or a slow hand-back can be placed afterwards.
        kept = os.path.join(runner.out_dir, "resilience-logs")
        os.makedirs(kept, exist_ok=True)
        for name, path in lab.logs.items():
            if re.fullmatch(r"d\d+", name):
                shutil.copy(path, os.path.join(kept, f"{name}.log"))
        lab.close()


def results_table(runner):
    """The README table: one row per scenario (a failed one with its reason)."""
    rows = ["| Scenario | Seconds | Requests | Lost | Longest gap (s) | Two-master samples | IPVS missing / wrong | Notes |",
            "|---|---|---|---|---|---|---|---|"]
    for result in runner.results:
        name = result["name"]
        f = runner.figures.get(name, {})
        if not name.startswith("Resilience.") or (result["outcome"] == "Passed" and "requests" not in f):
            continue
        if result["outcome"] != "Passed":
            rows.append(f"| {name[11:]} | FAILED: {result.get('message', '')[:200].replace('|', '/')} | | | | | | |")
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
    print(results_table(r))
    sys.exit(1 if any(x["outcome"] != "Passed" for x in r.results) else 0)
