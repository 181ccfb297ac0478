"""A running director's control socket, read directly (one JSON line each way): `lvsha status` would cost a .NET
process start, seconds under the lab VM's emulation. Shared by the failover benchmark and the e2e lab."""
import json
import socket


def request(socket_path, command, timeout=2):
    """Sends {"command": COMMAND} and returns the reply object, or None when the director does not answer."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(socket_path)
            s.sendall(json.dumps({"command": command}).encode() + b"\n")
            data = b""
            while not data.endswith(b"\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        return json.loads(data)
    except (OSError, ValueError):
        return None


def status(socket_path):
    """The director's status report (the `status` of {"command":"status"}), or None when it does not answer."""
    reply = request(socket_path, "status")
    return reply.get("status") if reply and reply.get("ok") else None


def reload(socket_path, timeout=120):
    """What `lvsha reload` does: the director reloads its file and answers once it is applied (or refused)."""
    return request(socket_path, "reload", timeout)
