"""A running director's control socket, read directly (one JSON line each way): `lvsha status` would cost a .NET
process start, seconds under the lab VM's emulation. Shared by the failover benchmark and the e2e lab."""
import json
import socket


def status(socket_path):
    """The director's status report (the `status` of {"command":"status"}), or None when it does not answer."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            s.connect(socket_path)
            s.sendall(b'{"command":"status"}\n')
            data = b""
            while not data.endswith(b"\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        reply = json.loads(data)
        return reply.get("status") if reply.get("ok") else None
    except (OSError, ValueError):
        return None
