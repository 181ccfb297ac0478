#!/usr/bin/env python3
"""End-to-end tests on a real LVS data path (issue 8), run where the kernel has ip_vs (tests/e2e/run-e2e.sh puts
them in the lab VM). Each case is one result in RESULTS_DIR/e2e.trx (counted by tests/lab/sum-trx.py); the
figures (distribution, health bounds, failover gap) are printed and kept in RESULTS_DIR/e2e-figures.json.

  e2e.py RESULTS_DIR [--skip-demo] [--resilience short|full|none] [--directors 0|1|2] [--defaults]
  (--directors 0: no data-path lab; --defaults: two directors as operators run them, tests/e2e/defaults.py)

One lab (lab.py) with DR, TUN and NAT VIPs behind two directors running `lvsha run` and a witness, real servers
prepared by `lvsha prepare`:
  Demo.Quickstart                 deploy/demo/quickstart.sh itself (its own lab, before this one)
  Prepare.RealServers             lvsha prepare over SSH for every DR and TUN real server
  Ipvs.BothDirectorsProgrammed    both directors' `ipvsadm -Sn` equal the expected table
  DataPath.{DR.{rr,wrr,wlc,sh},TUN.{rr,wrr},NAT.{rr,wlc}}  answers in the proportions scheduler and weights imply
  Health.StoppedServerLeavesAndReturns    within delay_loop + retry x delay_before_retry + connect_timeout + 1 s
  Failover.UnderLoad              master SIGKILL + link down under steady load on every VIP; with lvs_sync_daemon an
                                  established (kept-alive) connection survives
"""
import json
import os
import subprocess
import sys
import time
import traceback

import lab as L
import trx

S = L.Service
SERVICES = [
    S("dr", 80, "rr"), S("dr", 81, "wrr", (1, 2, 3)), S("dr", 82, "wlc", (1, 2, 3)), S("dr", 83, "sh"),
    S("tun", 80, "rr"), S("tun", 81, "wrr", (1, 2, 3)),
    S("nat", 80, "rr"), S("nat", 82, "wlc", (1, 2, 3)),
]


class Runner:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.results = []
        self.figures = {}

    def case(self, name, body, *args):
        """Runs one case; a failure is recorded (never raised) so the rest still runs. Returns body's value or None."""
        print(f"=== {name}", flush=True)
        start = time.monotonic()
        try:
            value = body(*args)
            self.results.append({"name": name, "outcome": "Passed", "seconds": time.monotonic() - start,
                                 "output": json.dumps(value) if value is not None else ""})
            print(f"--- passed {name} ({time.monotonic() - start:.1f} s) {json.dumps(value) if value is not None else ''}", flush=True)
            if value is not None:
                self.figures[name] = value
            return value
        except Exception as e:  # noqa: BLE001 (every failure becomes a failed result with its reason)
            message = f"{type(e).__name__}: {e}" if not isinstance(e, (L.LabError, AssertionError)) else str(e)
            self.results.append({"name": name, "outcome": "Failed", "seconds": time.monotonic() - start,
                                 "message": message[-6000:], "output": traceback.format_exc()[-4000:]})
            print(f"--- FAILED {name}: {message[-3000:]}", flush=True)
            return None

    def skip_rest(self, names, reason):
        for name in names:
            self.results.append({"name": name, "outcome": "Failed", "seconds": 0, "message": reason})

    def write(self):
        trx.write(os.path.join(self.out_dir, "e2e.trx"), "LvsHa.E2E", self.results)
        with open(os.path.join(self.out_dir, "e2e-figures.json"), "w") as f:
            json.dump(self.figures, f, indent=2)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


# ---- cases ---------------------------------------------------------------------------------------------------
def demo():
    start = time.monotonic()
    p = subprocess.run([os.path.join(L.REPO, "deploy/demo/quickstart.sh")], capture_output=True, text=True, timeout=900)
    print(p.stdout[-4000:], p.stderr[-2000:], flush=True)
    check(p.returncode == 0, f"quickstart.sh exited {p.returncode}: {(p.stdout + p.stderr)[-3000:]}")
    return {"seconds": round(time.monotonic() - start, 1)}


def distribution(lab, service):
    names = lab.rs_names(service.method)
    if service.algo == "sh":
        per_source = 5
        result = lab.client("burst", service.vip, service.port, per_source * len(L.CLIENT_SOURCES),
                            "--sources", ",".join(L.CLIENT_SOURCES))
        check(result["failed"] == 0, f"{service}: failed requests: {result}")
        by_source = result["bySource"]
        check(all(len(servers) == 1 for servers in by_source.values()), f"{service}: a client moved between servers: {by_source}")
        used = {next(iter(servers)) for servers in by_source.values()}
        check(len(used) >= 2, f"{service}: {len(L.CLIENT_SOURCES)} clients all hashed to one server: {by_source}")
        return {"clientsPerServer": {n: sum(1 for s in by_source.values() if n in s) for n in names}}
    total = 20 * sum(service.weights) if service.algo != "rr" else 30
    # wlc: one request at a time. Each connection in flight counts 256 inactive ones, so with several in flight the
    # servers' shares even out towards "whoever has none in flight"; one at a time, the inactive (finished)
    # connections each server holds make the shares follow the weights.
    result = lab.client("burst", service.vip, service.port, total, "--workers", "1" if service.algo == "wlc" else "4")
    counts = [result["counts"].get(n, 0) for n in names]
    check(result["failed"] == 0, f"{service}: failed requests: {result}")
    expected = [total * w / sum(service.weights) for w in service.weights]
    if service.algo in ("rr", "wrr"):
        # Round robin is exact: every full cycle gives each server its weight's share.
        check(all(abs(c - e) <= 1 for c, e in zip(counts, expected)), f"{service}: counts {counts}, expected {expected}")
    else:
        # wlc weighs each server's connection count (inactive ones included) by its weight: close to the weights.
        check(all(abs(c - e) <= max(4, 0.35 * e) for c, e in zip(counts, expected)),
              f"{service}: counts {counts}, expected about {expected}")
    return {"counts": dict(zip(names, counts)), "expected": [round(e, 1) for e in expected]}


REFUSED = "Connection refused"


def health(lab, service):
    """A stopped web server stops getting new requests within the bound and gets them again when it returns."""
    victim = lab.rs_names(service.method)[1]
    bound = lab.health_bound()
    lab.start_load(service, rate=20, duration=120, name="health")
    time.sleep(2)
    stopped = time.monotonic()
    lab.stop_web(victim)
    time.sleep(bound + 2)
    # The bound counts from the moment the server listens again, not from the command that starts it: a Python web
    # server in the emulated VM has taken 3.5 s to start (CI, 2026-12-06).
    back = lab.start_web(victim)
    L.wait_for(lambda: any(r["server"] == victim and r["t"] > back for r in read_log(lab, "health")), bound + 10,
               f"{victim} answers again")
    time.sleep(1)
    load = lab.finish_load("health")
    requests = load["requests"]
    # A request the stopped server got is refused (its address answers the SYN with a reset): those are what the
    # bound is about. Anything else that failed (a time-out while the emulated VM stalls) is counted and shown, and
    # must stay rare: at most one in twenty of the requests. (A tenth of the failures was too tight: in one CI round 3
    # time-outs to the other servers fell in the second in which the stopped server's Python web server restarted,
    # against fewer than 200 requests and only a few refused ones.) Before the stop every server answers: a refused
    # request there is a failure, a time-out there counts with the others (one CI round, 2026-12-07, had a single
    # failed request in the 2 s before the stop, its kind not recorded).
    before_stop = [r for r in requests if r["error"] and r["t"] < stopped]
    after_stop = [r for r in requests if r["error"] and r["t"] >= stopped]
    refused = [r for r in after_stop if r["error"] == REFUSED]
    others = [r for r in before_stop + after_stop if r["error"] != REFUSED]
    last_refused = max((r["t"] for r in refused), default=stopped) - stopped
    first_back = min(r["t"] for r in requests if r["server"] == victim and r["t"] > back) - back
    check(refused, f"no request reached {victim} after it stopped: the case measured nothing")
    check(last_refused <= bound, f"{victim} still got new requests {last_refused:.2f} s after it stopped (bound {bound} s)")
    check(first_back <= bound, f"{victim} got requests again only {first_back:.2f} s after it returned (bound {bound} s)")
    check(not [r for r in before_stop if r["error"] == REFUSED],
          "requests were refused before the stop: " + ", ".join(f"{r['error']} at {r['t'] - stopped:.2f} s" for r in before_stop[:5]))
    check(len(others) <= max(2, len(requests) // 20),
          f"{len(others)} of {len(requests)} requests failed otherwise than at {victim}: "
          + ", ".join(f"{r['error']} at {r['t'] - stopped:+.2f} s" for r in others[:5]))
    return {"boundSeconds": bound, "lastNewRequestAfterStop": round(last_refused, 2), "refusedRequests": len(refused),
            "otherFailures": [f"{r['error']} at {r['t'] - stopped:+.2f} s" for r in others],
            "firstRequestAfterReturn": round(first_back, 2)}


def read_log(lab, name):
    path = os.path.join(lab.dir, f"{name}.jsonl")
    out = []
    with open(path) as f:
        for line in f:
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out


def failover(lab, services, keepalive_service):
    """Steady load on every VIP (and one kept-alive connection) while the master dies."""
    for s in services:
        lab.start_load(s, rate=10, duration=120, keepalive=s is keepalive_service, name=f"fo-{s.method}")
    time.sleep(3)
    killed = time.monotonic()
    lab.kill_director(1)
    _, took = L.wait_for(lambda: lab.vip_holders() == [2], 30, "d2 takes the VIPs")
    time.sleep(6)
    figures = {"vipMovedAfter": round(took, 3)}
    problems = []
    for s in services:
        load = lab.finish_load(f"fo-{s.method}")
        late = [r for r in load["requests"] if r["t"] > killed + took + 2 and r["error"]]
        figures[str(s)] = {"sent": load["sent"], "failed": load["failed"], "longestGap": load["longestGap"],
                           "failedAfterTakeover": len(late)}
        if late:
            problems.append(f"{s}: {len(late)} requests failed after the takeover settled: {late[:3]}")
        if s is keepalive_service:
            ka = load["keepalive"]
            figures[str(s)]["keptAliveConnection"] = ka
            if lab.sync_daemon and (ka["broken"] or ka["requests"] == 0):
                problems.append(f"{s}: the established connection broke despite lvs_sync_daemon: {ka}")
    check(not problems, "; ".join(problems))
    return figures


def main():
    out_dir = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "artifacts/e2e")
    os.makedirs(out_dir, exist_ok=True)
    runner = Runner(out_dir)
    try:
        if "--skip-demo" not in sys.argv:
            runner.case("Demo.Quickstart", demo)
        directors = int(sys.argv[sys.argv.index("--directors") + 1]) if "--directors" in sys.argv else 2
        if directors:
            run_lab(runner, directors)
        if "--defaults" in sys.argv:
            import defaults
            defaults.run(runner)
        mode = sys.argv[sys.argv.index("--resilience") + 1] if "--resilience" in sys.argv else "none"
        if mode != "none":
            import resilience
            resilience.run(runner, short=mode == "short")
            table = resilience.results_table(runner)
            with open(os.path.join(out_dir, "resilience-table.md"), "w") as f:
                f.write(table + "\n")
            print(table, flush=True)
    finally:
        runner.write()
    failed = sum(1 for r in runner.results if r["outcome"] != "Passed")
    print(f"e2e: {len(runner.results) - failed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


def run_lab(runner, directors=2):
    """directors 1: one director without a cluster block (data path only, no failover case)."""
    later = ["Ipvs.BothDirectorsProgrammed"] + [f"DataPath.{L.KINDS[s.method]}.{s.algo}" for s in SERVICES] + \
            ["Health.StoppedServerLeavesAndReturns"] + (["Failover.UnderLoad"] if directors > 1 else [])
    try:
        lab = L.Lab(SERVICES, directors=directors, witness=directors > 1, sshd=("dr", "tun"), sync_daemon=directors > 1)
        lab.__enter__()
    except Exception as e:  # noqa: BLE001
        runner.skip_rest(["Lab.Build"] + later, f"the lab did not build: {e}")
        return
    try:
        for n in range(1, lab.total_directors + 1):
            lab.write_config(n)
        prepared = runner.case("Prepare.RealServers", lambda: {"summary": lab.prepare().strip().splitlines()[-1]})
        if prepared is None:
            lab.prepare_by_hand()
        if runner.case("Directors.Start", lab.start_directors) is None and not lab.vip_holders():
            runner.skip_rest(later, "the directors did not start")
            return

        def programmed():
            expected = lab.expected_ipvs()
            for n in range(1, lab.vip_directors + 1):
                L.wait_for(lambda: lab.ipvs(n) == expected, 60,
                           f"d{n}'s table equals the expected one\nexpected {expected}\nactual {lab.ipvs(n)}")
            return {"entries": len(expected)}
        runner.case("Ipvs.BothDirectorsProgrammed", programmed)
        for s in SERVICES:
            runner.case(f"DataPath.{L.KINDS[s.method]}.{s.algo}", distribution, lab, s)
        runner.case("Health.StoppedServerLeavesAndReturns", health, lab, SERVICES[0])
        if directors > 1:
            runner.case("Failover.UnderLoad", failover, lab, [s for s in SERVICES if s.port == 80], SERVICES[0])
    finally:
        if any(r["outcome"] != "Passed" for r in runner.results):
            print(lab.director_logs(40), flush=True)
        lab.close()


if __name__ == "__main__":
    sys.exit(main())
