#!/usr/bin/env python3
"""Writes lvsha(8) in groff to stdout from the same text as `lvsha --help` and each command's `--help`, so the man
page never drifts from the program. usage: manpage.py LVSHA VERSION"""
import re
import subprocess
import sys

lvsha, version = sys.argv[1], sys.argv[2]


def help_of(*args):
    return subprocess.run([lvsha, *args, "--help"], capture_output=True, text=True, check=True).stdout


def roff(text):
    """Plain text as roff lines: backslashes escaped, no line starting with a control character."""
    return "\n".join(("\\&" + line if line.startswith((".", "'")) else line) for line in text.replace("\\", "\\e").splitlines())


top = help_of()
commands = re.findall(r"^\s{2}(\w+)\s", top.split("Commands:", 1)[1], flags=re.M) if "Commands:" in top else []
out = [f'.TH LVSHA 8 "" "lvsha {version}" "System Administration"',
       ".SH NAME", "lvsha \\- LVS/IPVS director: VRRP failover of VIPs, health checks, IPVS table, real-server preparation",
       ".SH SYNOPSIS", ".B lvsha", ".I command", "[\\fIoptions\\fR]",
       ".SH DESCRIPTION", ".nf", roff(top), ".fi", ".SH COMMANDS"]
for command in commands:
    out += [f".SS {command}", ".nf", roff(help_of(command)), ".fi"]
out += [".SH FILES", ".TP", "/etc/lvsha/lvsha.conf", "The configuration (keepalived.conf syntax); every command reads it when no -f is given.",
        ".TP", "/etc/default/lvsha", "LVSHA_OPTIONS: extra options of lvsha run for lvsha.service.",
        ".TP", "/run/lvsha/lvsha.sock", "The control socket of the running daemon (status, reload, drain, failover).",
        ".SH SEE ALSO", "keepalived.conf(5), ipvsadm(8)"]
print("\n".join(out))
