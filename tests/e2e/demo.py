#!/usr/bin/env python3
"""The quickstart demo (deploy/demo/quickstart.sh runs it where the kernel has ip_vs): two directors running
`lvsha run` plus a VIP-less witness, three real servers with a small web server behind a NAT VIP, a client.
Shows requests spread over the real servers, kills the master (SIGKILL + link down), shows requests continuing
through the backup, cleans up. Exits 1 with the reason when any step fails."""
import sys
import time

import lab as L

SERVICE = L.Service("nat", 80, "rr")


def show(text):
    print(text, flush=True)


def spread(lab, who):
    result = lab.client("burst", SERVICE.vip, SERVICE.port, 30)
    counts = result["counts"]
    show(f"demo: 30 requests to http://{SERVICE.vip}/ through {who}: "
         + ", ".join(f"{name} {counts.get(name, 0)}" for name in lab.rs_names("nat")) + f", failed {result['failed']}")
    if result["failed"] or sorted(counts) != lab.rs_names("nat") or max(counts.values()) - min(counts.values()) > 1:
        raise L.LabError(f"round robin over three real servers should answer 10/10/10 with no failure: {result}")


def main():
    started = time.monotonic()
    # What an operator runs: the defaults (advert_int 1, no connect_timeout raised), every director started at once.
    with L.Lab([SERVICE], directors=2, witness=True, advert_int="1", defaults=True, log=show) as lab:
        show("demo: starting d1 (priority 150), d2 (priority 100) and the witness d3: `lvsha run -f dN.conf`")
        show("demo: d1's configuration:\n" + "\n".join("    " + line for line in open(lab.write_config(1)).read().splitlines()))
        lab.write_config(2)
        lab.write_config(3)
        lab.start_directors()
        expected = lab.expected_ipvs()
        L.wait_for(lambda: lab.ipvs(1) == expected, 60, f"d1's IPVS table becomes {expected} (it is {lab.ipvs(1)})")
        show("demo: d1 (master) programmed IPVS:\n" + "\n".join("    " + line for line in lab.ipvs(1)))
        spread(lab, "master d1")

        show("demo: steady load (20 requests/s) while the master d1 dies: SIGKILL + link down")
        lab.start_load(SERVICE, rate=20, duration=60)
        time.sleep(2)
        killed = time.monotonic()
        lab.kill_director(1)
        _, took = L.wait_for(lambda: lab.vip_holders() == [2], 20, "d2 takes the VIPs")
        show(f"demo: d2 holds the VIPs {took:.2f} s after the kill")
        time.sleep(4)
        load = lab.finish_load()
        after = [r for r in load["requests"] if r["t"] > killed + took + 1.0]
        show(f"demo: load: {load['sent']} requests, {load['failed']} failed, longest gap without an answer "
             f"{load['longestGap']:.2f} s; answers after the failover: "
             + ", ".join(f"{name} {sum(1 for r in after if r['server'] == name)}" for name in lab.rs_names("nat")))
        if not after or any(r["error"] for r in after):
            raise L.LabError(f"requests after the failover failed: {[r for r in after if r['error']][:5]}")
        spread(lab, "backup d2")
    show(f"demo: done in {time.monotonic() - started:.0f} s, everything cleaned up")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except L.LabError as e:
        show(f"demo: FAILED: {e}")
        sys.exit(1)
