#!/usr/bin/env python3
"""A local SMTP sink for the mail-alert labs: `smtp-sink.py ADDRESS PORT DIR` accepts every message (plain SMTP,
as keepalived and LvsHa send it) and writes each one to DIR/NNNN.eml (headers, blank line, body), the HELO name to
DIR/NNNN.helo. It runs inside a lab network namespace and only answers on ADDRESS."""
import os
import socket
import sys
import threading

address, port, directory = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(directory, exist_ok=True)
counter = [0]
lock = threading.Lock()


def session(conn):
    with conn:
        f = conn.makefile("rb")
        conn.sendall(b"220 lvsha-lab-sink ESMTP\r\n")
        helo = ""
        while True:
            line = f.readline()
            if not line:
                return
            command = line.decode("ascii", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                helo = command.split(" ", 1)[1] if " " in command else ""
                conn.sendall(b"250 lvsha-lab-sink\r\n")
            elif verb == "DATA":
                conn.sendall(b"354 go ahead\r\n")
                data = []
                while True:
                    chunk = f.readline()
                    if not chunk or chunk in (b".\r\n", b".\n"):
                        break
                    data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                with lock:
                    counter[0] += 1
                    name = os.path.join(directory, "%04d" % counter[0])
                with open(name + ".helo", "w") as h:
                    h.write(helo)
                with open(name + ".tmp", "wb") as m:
                    m.write(b"".join(data))
                os.rename(name + ".tmp", name + ".eml")
                conn.sendall(b"250 queued\r\n")
            elif verb == "QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            else:
                conn.sendall(b"250 OK\r\n")


server = socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind((address, port))
server.listen(16)
print("listening", flush=True)
while True:
    c, _ = server.accept()
    threading.Thread(target=session, args=(c,), daemon=True).start()
