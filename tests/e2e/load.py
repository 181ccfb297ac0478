#!/usr/bin/env python3
"""The lab client: HTTP GETs to a VIP, each on a new TCP connection (so the director schedules every request),
answered with the real server's name. Runs inside the client namespace; times are time.monotonic() (one clock for
every process of the machine), so the lab can line requests up with the moments it broke something.

  load.py burst  VIP PORT COUNT [--sources A,B,...] [--workers N]
      COUNT requests as fast as N workers go (sources used in turn); prints one JSON summary.
  load.py steady VIP PORT --rate R --duration S [--log FILE] [--keepalive]
      R requests/s for S seconds (or until SIGTERM), from several workers so one stuck request does not stall the
      rest; every request is one line in FILE; with --keepalive one more connection sends a request every 100 ms
      for the whole run and reports whether it ever broke (established connections across a failover).
      Prints one JSON summary: sent, failed, per-server counts, longest gap without a successful answer."""
import argparse
import json
import signal
import socket
import sys
import threading
import time

TIMEOUT = 1.0


def request(vip, port, source=None, sock=None):
    """One GET; returns (server name or None, error text or None). With sock: on that (kept-alive) connection."""
    own = sock is None
    try:
        if own:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.settimeout(TIMEOUT)
            if source:
                sock.bind((source, 0))
            sock.connect((vip, port))
        sock.sendall(f"GET / HTTP/1.1\r\nHost: {vip}\r\nConnection: {'close' if own else 'keep-alive'}\r\n\r\n".encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                return None, "closed"
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
        while len(body) < length:
            chunk = sock.recv(4096)
            if not chunk:
                return None, "closed"
            body += chunk
        if not head.startswith(b"HTTP/1.1 200"):
            return None, head.split(b"\r\n")[0].decode(errors="replace")
        return body.decode().strip(), None
    except OSError as e:
        return None, type(e).__name__ if not e.strerror else e.strerror
    finally:
        if own and sock is not None:
            sock.close()


def burst(args):
    sources = args.sources.split(",") if args.sources else [None]
    lock = threading.Lock()
    counts, by_source, errors = {}, {}, {}
    todo = list(range(args.count))

    def worker():
        while True:
            with lock:
                if not todo:
                    return
                i = todo.pop()
            source = sources[i % len(sources)]
            name, error = request(args.vip, args.port, source)
            with lock:
                if name:
                    counts[name] = counts.get(name, 0) + 1
                    by_source.setdefault(source or "-", {}).setdefault(name, 0)
                    by_source[source or "-"][name] += 1
                else:
                    errors[error] = errors.get(error, 0) + 1

    threads = [threading.Thread(target=worker) for _ in range(args.workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"counts": counts, "failed": sum(errors.values()), "errors": errors, "bySource": by_source}))


def steady(args):
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    log = open(args.log, "w", buffering=1) if args.log else None
    lock = threading.Lock()
    results = []  # (start, end, name, error)
    workers = max(1, min(8, int(args.rate)))
    interval = workers / args.rate
    started = time.monotonic()
    end = started + args.duration

    def worker(offset):
        due = started + offset
        while not stop.is_set() and due < end:
            delay = due - time.monotonic()
            if delay > 0 and stop.wait(delay):
                break
            t0 = time.monotonic()
            name, error = request(args.vip, args.port)
            t1 = time.monotonic()
            with lock:
                results.append((t0, t1, name, error))
                if log:
                    log.write(json.dumps({"t": round(t0, 4), "end": round(t1, 4), "server": name, "error": error}) + "\n")
            due = max(due + interval, t1)

    keepalive = {"requests": 0, "broken": None, "servers": []}

    def keep():
        sock = None
        try:
            sock = socket.create_connection((args.vip, args.port), timeout=TIMEOUT)
            sock.settimeout(3.0)  # a failover may stall a packet or two; a reset or a close is what breaks it
            while not stop.is_set() and time.monotonic() < end:
                name, error = request(args.vip, args.port, sock=sock)
                if error:
                    keepalive["broken"] = {"t": round(time.monotonic(), 4), "error": error}
                    return
                keepalive["requests"] += 1
                if not keepalive["servers"] or keepalive["servers"][-1] != name:
                    keepalive["servers"].append(name)
                stop.wait(0.1)
        except OSError as e:
            keepalive["broken"] = {"t": round(time.monotonic(), 4), "error": e.strerror or type(e).__name__}
        finally:
            if sock:
                sock.close()

    threads = [threading.Thread(target=worker, args=(i * interval / workers,)) for i in range(workers)]
    if args.keepalive:
        threads.append(threading.Thread(target=keep))
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        time.sleep(0.1)
    if log:
        log.close()
    results.sort()
    ok = [r for r in results if r[2]]
    # The longest time without a successful answer: between consecutive successes, and from the first request to
    # the first success.
    marks = [started] + [r[1] for r in ok]
    gaps = [(b - a, a) for a, b in zip(marks, marks[1:])]
    longest = max(gaps, default=(args.duration, started))
    counts, errors = {}, {}
    for _, _, name, error in results:
        if name:
            counts[name] = counts.get(name, 0) + 1
        else:
            errors[error] = errors.get(error, 0) + 1
    print(json.dumps({
        "sent": len(results), "failed": len(results) - len(ok), "counts": counts, "errors": errors,
        "longestGap": round(longest[0], 3), "longestGapAt": round(longest[1], 4), "started": round(started, 4),
        "keepalive": keepalive if args.keepalive else None,
    }))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    b = sub.add_parser("burst")
    b.add_argument("vip")
    b.add_argument("port", type=int)
    b.add_argument("count", type=int)
    b.add_argument("--sources")
    b.add_argument("--workers", type=int, default=4)
    s = sub.add_parser("steady")
    s.add_argument("vip")
    s.add_argument("port", type=int)
    s.add_argument("--rate", type=float, default=20)
    s.add_argument("--duration", type=float, default=10)
    s.add_argument("--log")
    s.add_argument("--keepalive", action="store_true")
    args = parser.parse_args()
    burst(args) if args.mode == "burst" else steady(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
