#!/usr/bin/env python3
"""A real server's web server for the LVS lab: answers every GET with its own name (and the port), on every port
given, HTTP/1.1 with keep-alive (so one client connection can carry many requests across a director failover).

usage: webserver.py NAME PORT [PORT...]      (listens on 0.0.0.0: the VIP on lo or tunl0 is local too)"""
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (http.server's naming)
        body = f"{self.server.name}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def main():
    name, ports = sys.argv[1], [int(p) for p in sys.argv[2:]]
    servers = []
    for port in ports:
        server = Server(("0.0.0.0", port), Handler)
        server.name = name
        servers.append(server)
    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"{name} listening on {ports}", flush=True)
    servers[0].serve_forever()


if __name__ == "__main__":
    main()
