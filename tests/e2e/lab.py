"""The LVS lab topology, in one place for the quickstart demo, the end-to-end tests and the resilience suite.

Runs where the kernel has ip_vs (the lab VM, tests/lab/vm/run-in-vm.sh), as root. Every network namespace is named
lvsha-e2e-*; everything the lab starts is killed by pid and every namespace and file is removed by close(), also
when a step fails (use it as a context manager).

One director pair serves one VIP per forwarding method asked for, each with its own three real servers:

    client 10.70.0.100 (sources .101-.108) ──┐
    d1 .1, d2 .2, d3 .3 (eth0) ───────────────┼─ br0 "public" 10.70.0.0/24
    DR  VIP 10.70.0.50: dr1..dr3   .11-.13 ───┤   (VIP on lo, ARP silenced: lvsha prepare)
    TUN VIP 10.70.0.60: tun1..tun3 .21-.23 ───┘   (ipip, VIP on tunl0: lvsha prepare)
    NAT VIP 10.70.0.70: nat1..nat3 10.71.0.31-33 ── br1 "inside" 10.71.0.0/24 ── d1..d3 eth1 .1-.3,
                        default route via the directors' inside VIP 10.71.0.254

Directors run `lvsha run` with a cluster block (a VIP-less witness as third member unless witness=False); real
servers run webserver.py (answers its own name) and, when asked, an OpenSSH sshd under a private mount namespace
so `lvsha prepare` can change them without touching this machine's /etc.
"""
import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab"))
import lvsha_control  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PREFIX = "lvsha-e2e-"
PUBLIC = "10.70.0"
INSIDE = "10.71.0"
VIPS = {"dr": f"{PUBLIC}.50", "tun": f"{PUBLIC}.60", "nat": f"{PUBLIC}.70"}
RS_BASE = {"dr": (PUBLIC, 10), "tun": (PUBLIC, 20), "nat": (INSIDE, 30)}
GATEWAY_VIP = f"{INSIDE}.254"
CLIENT = f"{PUBLIC}.100"
CLIENT_SOURCES = [f"{PUBLIC}.{n}" for n in range(101, 109)]
CLUSTER_PORT = 2552
KINDS = {"dr": "DR", "nat": "NAT", "tun": "TUN"}
IPVSADM_FLAG = {"dr": "-g", "nat": "-m", "tun": "-i"}
IPVSADM_SUFFIX = {"dr": "", "nat": "", "tun": " --tun-type ipip"}  # how ipvsadm -Sn ends a destination line


# Under the VM's emulation a director that has just started needs up to ~20 s to set up its TLS associations; with
# the default connect_timeout (15 s, which is also how long it waits for silent seeds) a restarted director formed
# an island before its seeds' answers arrived, and had to give way (exit 3) again and again.
VM_CONNECT_TIMEOUT = "    connect_timeout 40\n" if os.environ.get("LVSHA_LAB_VM") == "1" else ""


class LabError(Exception):
    pass


def lvsha_command():
    """How to start `lvsha`: $LVSHA (a path to lvsha.dll or an executable), else the Release build of the repo."""
    path = os.environ.get("LVSHA") or os.path.join(REPO, "src/LvsHa.Cli/bin/Release/net10.0/lvsha.dll")
    if not os.path.exists(path):
        raise LabError(f"no lvsha build at {path} (dotnet build src/LvsHa.Cli -c Release)")
    return ["dotnet", path] if path.endswith(".dll") else [path]


def process_env(tuned=True):
    """The environment of the lab's processes. In the emulated VM, .NET methods stay at their first (quick) JIT tier
    unless the lab runs at the defaults: re-JITting hot methods in the background costs more CPU than it saves there,
    and several directors starting at once otherwise starve each other past Akka's 15 s TLS handshake bound."""
    env = dict(os.environ)
    if tuned and os.environ.get("LVSHA_LAB_VM") == "1":
        env.setdefault("DOTNET_TC_CallCounting", "0")
    return env


def run(*cmd, check=True, timeout=60, ns=None, input=None):
    """Runs a command (inside namespace ns when given); returns its stdout; raises LabError with the output on failure."""
    full = (["ip", "netns", "exec", ns] if ns else []) + [str(c) for c in cmd]
    p = subprocess.run(full, capture_output=True, text=True, timeout=timeout, input=input, env=process_env())
    if check and p.returncode != 0:
        raise LabError(f"`{' '.join(full)}` failed ({p.returncode}): {(p.stdout + p.stderr).strip()[-2000:]}")
    return p.stdout


def wait_for(probe, timeout, what, interval=0.05):
    """Polls probe() until it returns something true; returns (value, seconds); raises LabError after timeout."""
    start = time.monotonic()
    while True:
        value = probe()
        if value:
            return value, time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise LabError(f"not within {timeout} s: {what}")
        time.sleep(interval)


class Service:
    """One virtual service: forwarding method (its VIP and real servers), port, scheduler, a weight per real server,
    health check (TCP_CHECK) on or off."""

    def __init__(self, method, port, algo="rr", weights=(1, 1, 1), check=True):
        self.method, self.port, self.algo, self.weights, self.check = method, port, algo, list(weights), check

    @property
    def vip(self):
        return VIPS[self.method]

    def __str__(self):
        return f"{KINDS[self.method]} {self.vip}:{self.port} {self.algo}"


class Lab:
    def __init__(self, services, directors=2, witness=True, sshd=(), sync_daemon=False, ipvs_by_apply=False,
                 advert_int="0.5", delay_loop=2, heartbeat_pause=None, defaults=False, log=print):
        """services: Service list (their methods decide the VIPs and real servers); directors: VIP directors
        (priorities 150, 100, 50); sshd: methods whose real servers run an sshd for `lvsha prepare`;
        heartbeat_pause: the cluster block's heartbeat_pause in seconds (None: LvsHa's default, 1 s);
        defaults: as an operator runs it, also in the emulated VM: no connect_timeout raised, no JIT setting."""
        self.services, self.log = list(services), log
        self.methods = [m for m in KINDS if any(s.method == m for s in self.services)]
        self.vip_directors = directors
        self.witness = witness
        self.total_directors = directors + (1 if witness else 0)
        self.sshd = set(sshd)
        self.sync_daemon = sync_daemon
        self.ipvs_by_apply = ipvs_by_apply
        self.advert_int = advert_int
        self.delay_loop = delay_loop
        self.heartbeat_pause = heartbeat_pause
        self.defaults = defaults
        self.dir = tempfile.mkdtemp(prefix=PREFIX)
        self.namespaces = []
        self.procs = {}      # name -> Popen
        self.sessions = set()  # pids of processes started as group leaders (their groups are killed at close)
        self.restarted_by_systemd = []  # directors revive_director started again after they exited with code 3
        self.logs = {}       # name -> path
        self.configs = {}    # director number -> config path
        self.lvsha = lvsha_command()

    # ---- names and addresses ----------------------------------------------------------------------------------
    @staticmethod
    def ns(name):
        return PREFIX + name

    @staticmethod
    def director_address(n):
        return f"{PUBLIC}.{n}"

    @staticmethod
    def rs_address(name):
        """Real server `dr2`, `nat1`, ...: its address."""
        method, n = name.rstrip("0123456789"), int(name.lstrip("abcdefghijklmnopqrstuvwxyz"))
        net, base = RS_BASE[method]
        return f"{net}.{base + n}"

    @staticmethod
    def rs_names(method):
        return [f"{method}{n}" for n in (1, 2, 3)]

    def all_rs(self):
        return [name for m in self.methods for name in self.rs_names(m)]

    def interfaces(self):
        return ["eth0", "eth1"] if "nat" in self.methods else ["eth0"]

    def socket_path(self, n):
        return os.path.join(self.dir, f"d{n}.sock")

    # ---- building ---------------------------------------------------------------------------------------------
    def __enter__(self):
        try:
            self.build()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def _add_ns(self, name):
        full = self.ns(name)
        if os.path.exists(f"/run/netns/{full}"):
            # A lab killed outright (SIGKILL) leaves its namespaces; names are fixed, so take them over.
            run("ip", "netns", "del", full, check=False)
        run("ip", "netns", "add", full)
        self.namespaces.append(full)
        run("ip", "-n", full, "link", "set", "lo", "up")
        return full

    def _plug(self, name, bridge, ifname, address):
        """A veth from namespace `name` (as ifname, with address/24) into the lab bridge `bridge`."""
        port = f"{name}-{ifname}"[:15]
        run("ip", "-n", self.ns(name), "link", "add", ifname, "type", "veth", "peer", "name", port, "netns", self.ns("br"))
        run("ip", "-n", self.ns("br"), "link", "set", port, "master", bridge, "up")
        run("ip", "-n", self.ns(name), "addr", "add", f"{address}/24", "dev", ifname)
        run("ip", "-n", self.ns(name), "link", "set", ifname, "up")

    def build(self):
        if not os.path.exists("/proc/net/ip_vs"):
            run("modprobe", "ip_vs", check=False)
        if not os.path.exists("/proc/net/ip_vs"):
            raise LabError("this kernel has no ip_vs (run inside the lab VM: tests/lab/vm/run-in-vm.sh)")
        self._add_ns("br")
        for bridge in ["br0", "br1"] if "nat" in self.methods else ["br0"]:
            run("ip", "-n", self.ns("br"), "link", "add", bridge, "type", "bridge", "forward_delay", "0")
            run("ip", "-n", self.ns("br"), "link", "set", bridge, "up")
        self._add_ns("client")
        self._plug("client", "br0", "eth0", CLIENT)
        for source in CLIENT_SOURCES:
            run("ip", "-n", self.ns("client"), "addr", "add", f"{source}/24", "dev", "eth0")
        for n in range(1, self.total_directors + 1):
            name = f"d{n}"
            self._add_ns(name)
            self._plug(name, "br0", "eth0", self.director_address(n))
            if "nat" in self.methods:
                self._plug(name, "br1", "eth1", f"{INSIDE}.{n}")
            run("sysctl", "-qw", "net.ipv4.ip_forward=1", ns=self.ns(name))
        for name in self.all_rs():
            self._add_ns(name)
            nat = name.startswith("nat")
            self._plug(name, "br1" if nat else "br0", "eth0", self.rs_address(name))
            if nat:
                # NAT: replies must go back through the director; the gateway is the director pair's inside VIP.
                run("ip", "-n", self.ns(name), "route", "add", "default", "via", GATEWAY_VIP)
        self._secret()
        if self.sshd:
            self._ssh_keys()
        for name in self.all_rs():
            self.start_web(name)
            if name.rstrip("0123456789") in self.sshd:
                self.start_sshd(name)
        self.log(f"lab: topology up ({', '.join(KINDS[m] + ' ' + VIPS[m] for m in self.methods)}): client, "
                 f"{self.vip_directors} directors{' + witness' if self.witness else ''}, {len(self.all_rs())} real servers")

    def _secret(self):
        self.write_secret(chosen=False)

    def write_secret(self, chosen):
        """The cluster secret, as the README tells operators to make it (`lvsha secret generate`), or with chosen=True
        one the operator made otherwise (`openssl rand -base64 32`), which lvsha stretches at every start."""
        path = os.path.join(self.dir, "cluster.secret")
        if os.path.exists(path):
            os.remove(path)
        if chosen:
            with open(path, "w") as f:
                f.write(base64.b64encode(os.urandom(32)).decode("ascii") + "\n")
            os.chmod(path, 0o600)
        else:
            run(*self.lvsha, "secret", "generate", path)

    def _ssh_keys(self):
        os.makedirs("/run/sshd", exist_ok=True)
        # ECDSA P-256 keys and ECDH kex (sshd options below): .NET does those natively (OpenSSL); ed25519 and
        # curve25519/sntrup go through managed code, which costs much more under the VM's emulation.
        key = os.path.join(self.dir, "id_ecdsa")
        run("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-C", "lvsha-e2e", "-f", key)
        shutil.copy(key + ".pub", os.path.join(self.dir, "authorized_keys"))
        lines = []
        for name in self.all_rs():
            if name.rstrip("0123456789") not in self.sshd:
                continue
            host_key = os.path.join(self.dir, f"{name}_host_ecdsa")
            run("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", host_key)
            kind, blob = open(host_key + ".pub").read().split()[:2]
            lines.append(f"{self.rs_address(name)} {kind} {blob}")
        with open(os.path.join(self.dir, "known_hosts"), "w") as f:
            f.write("\n".join(lines) + "\n")

    # ---- processes --------------------------------------------------------------------------------------------
    def _start(self, name, cmd, ns, session=False):
        """session: the process leads a process group of its own (keepalived forks its VRRP and checker children;
        killpg ends them all)."""
        log_path = os.path.join(self.dir, f"{name}.log")
        out = open(log_path, "ab")
        # `ip netns exec` execs the command: the pid is the program's own, so a kill by pid hits it.
        proc = subprocess.Popen(["ip", "netns", "exec", ns] + cmd, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env=process_env(tuned=not self.defaults), start_new_session=session)
        out.close()
        self.procs[name] = proc
        self.logs[name] = log_path
        if session:
            self.sessions.add(proc.pid)
        return proc

    def _stop(self, name, sig=signal.SIGTERM, timeout=15):
        proc = self.procs.get(name)
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    def log_tail(self, name, lines=30):
        """The last `lines` lines of what process `name` printed (None: all of it)."""
        path = self.logs.get(name)
        if not path or not os.path.exists(path):
            return ""
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:] if lines else f.readlines())

    def web_ports(self):
        return sorted({s.port for s in self.services})

    def start_web(self, name):
        self._start(f"web-{name}", ["python3", os.path.join(HERE, "webserver.py"), name] + [str(p) for p in self.web_ports()],
                    self.ns(name))
        return self._wait_listening(name, self.web_ports()[0], 30, f"web-{name}")

    def _wait_listening(self, name, port, timeout, log):
        """Waits until name listens on port; returns the monotonic time at which the last probe that did not see it
        began: the socket opened after that (so a delay measured from it is never shorter than the real one). The
        time before the start matters in the emulated VM, where a Python web server can take seconds to start."""
        before = time.monotonic()

        def probe():
            nonlocal before
            began = time.monotonic()
            if self._listening(name, port):
                return True
            before = began
            return False
        wait_for(probe, timeout, f"{name} listens on {self.rs_address(name)}:{port}\n" + self.log_tail(log))
        return before

    def stop_web(self, name):
        self._stop(f"web-{name}", signal.SIGKILL)

    def _listening(self, name, port):
        return f":{port} " in run("ss", "-Hltn", ns=self.ns(name), check=False)

    def start_sshd(self, name):
        address = self.rs_address(name)
        # Private mount namespace with tmpfs over the folders prepare may persist into: the machine's /etc stays as it is.
        # The real server's root has a home of its own: this machine's /root/.bashrc (pyenv init), which bash runs for
        # every SSH command, cost 8-9 s per command under the VM's emulation and is no real server's.
        script = ("mount -t tmpfs tmpfs /etc/sysctl.d && mount -t tmpfs tmpfs /etc/systemd/system && "
                  "mount -t tmpfs -o mode=700 tmpfs /root && "
                  f"exec /usr/sbin/sshd -D -e -f /dev/null -o ListenAddress={address}:22 "
                  f"-o HostKey={self.dir}/{name}_host_ecdsa -o KexAlgorithms=ecdh-sha2-nistp256 "
                  "-o Ciphers=aes128-gcm@openssh.com,aes128-ctr -o PubkeyAcceptedAlgorithms=ecdsa-sha2-nistp256 "
                  f"-o AuthorizedKeysFile={self.dir}/authorized_keys "
                  f"-o PidFile={self.dir}/{name}-sshd.pid -o StrictModes=no -o UsePAM=no -o PasswordAuthentication=no "
                  "-o KbdInteractiveAuthentication=no -o PermitRootLogin=prohibit-password -o MaxStartups=50")
        self._start(f"sshd-{name}", ["unshare", "-m", "--propagation", "private", "sh", "-c", script], self.ns(name))
        self._wait_listening(name, 22, 20, f"sshd-{name}")

    # ---- director configuration -------------------------------------------------------------------------------
    def config_text(self, n, priority=None, extra_global="", services=None):
        """Director n's configuration: cluster block (the witness, or d1 without one, is the first seed), real_server_prep,
        and for a VIP director (priority given) the vrrp_instance and the virtual services."""
        seeds_order = list(range(self.total_directors, 0, -1))
        seeds = "".join(f"    seed {self.director_address(s)} {CLUSTER_PORT}\n" for s in seeds_order)
        text = f"""global_defs {{
    router_id lvsha_e2e_d{n}
{extra_global}{f"    lvs_sync_daemon eth0 VI_1" + chr(10) if self.sync_daemon and priority else ""}}}
"""
        if self.total_directors > 1:
            # A lone director runs without a cluster block (no peers, always its own majority).
            text += f"""
cluster {{
    node_name d{n}
    listen {self.director_address(n)} {CLUSTER_PORT}
{seeds}    split_brain_guard majority
    secret_file {self.dir}/cluster.secret
{f"    heartbeat_pause {self.heartbeat_pause}" + chr(10) if self.heartbeat_pause else ""}{"" if self.defaults else VM_CONNECT_TIMEOUT}}}
"""
        if self.sshd:
            text += f"""
real_server_prep {{
    user root
    identity_file {self.dir}/id_ecdsa
    known_hosts_file {self.dir}/known_hosts
    persist off
}}
"""
        if priority is None:
            return text
        # The VIPs as /32. A /24 VIP shares the DR real servers' subnet, prepare takes it for "the director facing
        # the real server", and once the VIP is on the real server's lo the read-back of the per-interface ARP
        # sysctls resolves to lo and fails (reported to the lead). The client reaches a /32 VIP all the same.
        # NAT's inside gateway VIP is /24: prepare checks the real servers' default route goes through it.
        vips = "".join(f"        {address} dev {dev}\n" for address, dev in self.vip_addresses())
        text += f"""
vrrp_instance VI_1 {{
    state BACKUP
    interface eth0
    version 3
    virtual_router_id 51
    priority {priority}
    advert_int {self.advert_int}
    virtual_ipaddress {{
{vips}    }}
}}
"""
        for service in services if services is not None else self.services:
            text += self.service_text(service)
        return text

    def vip_addresses(self):
        """The VRRP instance's addresses as (address/prefix, device): the service VIPs, NAT's inside gateway."""
        return [(f"{VIPS[m]}/32", "eth0") for m in self.methods] + ([(f"{GATEWAY_VIP}/24", "eth1")] if "nat" in self.methods else [])

    def service_text(self, service):
        servers = ""
        for name, weight in zip(self.rs_names(service.method), service.weights):
            check = f"""        TCP_CHECK {{
            connect_timeout 1
            retry 1
            delay_before_retry 1
        }}
""" if service.check else ""
            servers += f"""    real_server {self.rs_address(name)} {service.port} {{
        weight {weight}
        ssh_host {self.rs_address(name)}
{check}    }}
"""
        return f"""
virtual_server {service.vip} {service.port} {{
    delay_loop {self.delay_loop}
    lb_algo {service.algo}
    lb_kind {KINDS[service.method]}
    protocol TCP
{servers}}}
"""

    def health_bound(self):
        """How long a stopped real server may still get new requests: delay_loop + retry x delay_before_retry +
        connect_timeout + 1 s (the checks above: retry 1, delay_before_retry 1, connect_timeout 1)."""
        return self.delay_loop + 1 * 1 + 1 + 1

    def two_masters_bound(self):
        """How long a cut-off master may keep the VIP while a connected director already holds it: the bound the
        partition lab test states (2.5 s at the default heartbeat_pause of 1.5 s), growing with heartbeat_pause."""
        return float(self.heartbeat_pause or 1.5) + 1.0

    def priority(self, n):
        return 150 - 50 * (n - 1) if n <= self.vip_directors else None

    def write_config(self, n, **kwargs):
        path = os.path.join(self.dir, f"d{n}.conf")
        with open(path, "w") as f:
            f.write(self.config_text(n, self.priority(n), **kwargs))
        self.configs[n] = path
        return path

    # ---- directors --------------------------------------------------------------------------------------------
    def start_director(self, n):
        path = self.configs.get(n) or self.write_config(n)
        if self.ipvs_by_apply and self.priority(n):
            self.lvsha_run(n, "apply", "-q", "-f", path)
        # Niced while it starts (JIT): directors already running keep the CPU for their heartbeats and adverts;
        # start_directors() renices it once it is Up. A defaults lab starts it as an operator's unit would.
        nice = [] if self.defaults else ["nice", "-n", "5"]
        self._start(f"d{n}", nice + self.lvsha + ["run", "-f", path, "--control-socket", self.socket_path(n)], self.ns(f"d{n}"))

    def start_directors(self, timeout=180, attempts=4):
        """Starts every director and waits for one master, every director Up in the cluster.
        A defaults lab starts them all at the same moment, as an operator's machines boot, and a director that exits
        fails the start. Otherwise (the data-path lab, tuned for the JIT build under emulation) one at a time, witness
        first, each niced until it is Up, and a director that exits during this start-up is logged and started again
        (at most `attempts` times in all)."""
        if self.defaults:
            for n in range(1, self.total_directors + 1):
                self.start_director(n)
            self.wait_cluster(timeout)
            return
        started = {}
        for _ in range(attempts):
            for n in range(self.total_directors, 0, -1):
                if self.director_running(n):
                    continue
                if n in started:
                    self.log(f"lab: d{n} exited with code {self.procs[f'd{n}'].returncode} during start-up; starting it again\n"
                             + self.log_tail(f"d{n}", 8))
                started[n] = started.get(n, 0) + 1
                self.start_director(n)
                want = sum(1 for m in range(1, self.total_directors + 1) if self.director_running(m))
                running = [m for m in range(1, self.total_directors + 1) if self.director_running(m)]
                try:
                    _, took = wait_for(lambda: self._members_up(n) >= want
                                       or not all(self.director_running(m) for m in running), timeout,
                                       f"d{n} joins the cluster ({want} members up)", interval=0.2)
                except LabError as e:
                    raise LabError(f"{e}\n{self.director_logs()}") from None
                if not all(self.director_running(m) for m in running):
                    break  # a director went down meanwhile: start again from the witness
                self.renice(n)
                self.log(f"lab: d{n} is up in the cluster ({took:.1f} s after its start)")
            if not all(self.director_running(n) for n in range(1, self.total_directors + 1)):
                continue
            try:
                self.wait_cluster(timeout)
                return
            except LabError:
                if all(self.director_running(n) for n in range(1, self.total_directors + 1)):
                    raise
        raise LabError(f"the directors did not stay up through {attempts} start attempts\n{self.director_logs()}")

    def wait_cluster(self, timeout=120):
        def formed():
            if not all(self.director_running(n) for n in range(1, self.total_directors + 1)):
                raise LabError("a director exited")
            if any(self._members_up(n) < self.total_directors for n in range(1, self.total_directors + 1)):
                return False
            # The highest priority (d1) preempts whoever became master while it was starting.
            return self.vip_holders() == [1]
        try:
            _, took = wait_for(formed, timeout, "the directors form their cluster with d1 holding the VIPs", interval=0.2)
        except LabError as e:
            raise LabError(f"{e}\n{self.director_logs()}") from None
        self.log(f"lab: directors up, cluster formed, d1 holds the VIPs ({took:.1f} s)")

    def renice(self, n):
        """Director n back to normal priority (every thread: renice -p touches only the main one)."""
        pid = self.procs[f"d{n}"].pid
        for tid in os.listdir(f"/proc/{pid}/task"):
            run("renice", "-n", "0", "-p", tid, check=False)

    def _members_up(self, n):
        s = self.status(n)
        if s is not None and self.total_directors == 1:
            return 1  # a lone director (no cluster block) has no members list
        return sum(1 for m in s.get("members", []) if m.get("status") == "Up" and m.get("reachable")) if s else 0

    def director_logs(self, lines=25):
        return "\n".join(f"--- d{n} log (last {lines} lines)\n{self.log_tail(f'd{n}', lines)}"
                         for n in range(1, self.total_directors + 1))

    def lvsha_run(self, n, *args, timeout=180, check=True):
        """Runs `lvsha ARGS` to its end inside director n's namespace; returns its output."""
        return run(*self.lvsha, *args, ns=self.ns(f"d{n}"), timeout=timeout, check=check)

    def prepare(self, n=1, *args, timeout=600):
        """`lvsha prepare` of director n's configuration, from director n (it reaches every real server)."""
        start = time.monotonic()
        hosts = [self.rs_address(name) for name in self.all_rs() if name.rstrip("0123456789") in self.sshd]
        out = self.lvsha_run(n, "prepare", "-f", self.configs.get(n) or self.write_config(n),
                             "--only", *hosts, *args, timeout=timeout)
        self.log(f"lab: lvsha prepare from d{n}: {out.strip().splitlines()[-1]} ({time.monotonic() - start:.1f} s)")
        return out

    def prepare_by_hand(self, why="lvsha prepare failed"):
        """What `lvsha prepare` does to DR/TUN real servers, done directly in their namespaces: when prepare itself
        failed (that failure is reported), so the data path can still be tested, or in labs that test something else."""
        for name in self.all_rs():
            method, ns = name.rstrip("0123456789"), self.ns(name)
            if method == "nat":
                continue
            for key in ("all", "lo", "eth0"):
                run("sysctl", "-qw", f"net.ipv4.conf.{key}.arp_ignore=1", f"net.ipv4.conf.{key}.arp_announce=2", ns=ns)
            if method == "dr":
                run("ip", "addr", "replace", f"{VIPS['dr']}/32", "dev", "lo", ns=ns)
            else:
                run("modprobe", "ipip", check=False)
                run("ip", "link", "set", "tunl0", "up", ns=ns)
                run("sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.tunl0.rp_filter=0", ns=ns)
                run("ip", "addr", "replace", f"{VIPS['tun']}/32", "dev", "tunl0", ns=ns)
        self.log(f"lab: real servers prepared by hand ({why})")

    def kill_director(self, n):
        """A crash: SIGKILL (no priority-0 advert) and the director's links down at once. The kill goes first: a live
        director whose link goes down faults on its own interface and gives the VIP away, which is not a crash."""
        self.procs[f"d{n}"].send_signal(signal.SIGKILL)
        for ifname in self.interfaces():
            run("ip", "-n", self.ns(f"d{n}"), "link", "set", ifname, "down")
        self.procs[f"d{n}"].wait(10)

    def revive_director(self, n, attempts=4):
        """Links up and director n started again; like systemd's Restart=on-failure, a start that ends with exit
        code 3 (the director downed itself: an island that met the larger cluster) is started again. Returns how
        many starts it took."""
        # Like a machine that rebooted: the VIPs a crashed director left on its (downed) links are gone before the
        # links come up; otherwise that kernel answers ARP for them until the new process removes them.
        if self.procs[f"d{n}"].poll() is not None:
            for address, dev in self.vip_addresses():
                run("ip", "-n", self.ns(f"d{n}"), "addr", "del", address, "dev", dev, check=False)
        for ifname in self.interfaces():
            run("ip", "-n", self.ns(f"d{n}"), "link", "set", ifname, "up")
        for start in range(1, attempts + 1):
            self.start_director(n)
            deadline = time.monotonic() + 180
            try:
                while True:
                    others = [m for m in range(1, self.total_directors + 1) if m != n and self.director_running(m)]
                    wait_for(lambda: self._members_up(n) >= self.total_directors or not self.director_running(n)
                             or not all(self.director_running(m) for m in others),
                             max(0.0, deadline - time.monotonic()), f"d{n} rejoins the cluster", interval=0.2)
                    # Another director that exits with code 3 meanwhile (out of the cluster) is restarted as
                    # systemd's Restart=on-failure would; every such restart is logged and reported. Since only a
                    # majority downs (MajorityDowning), survivors whose heartbeats a start starves no longer do.
                    downed = [m for m in others if self.procs[f"d{m}"].poll() == 3]
                    if not downed or not self.director_running(n):
                        break
                    for m in downed:
                        self.log(f"lab: d{m} exited with code 3 while d{n} rejoined; starting it again (systemd would)\n"
                                 + self.log_tail(f"d{m}", 6))
                        self.restarted_by_systemd.append(m)
                        self.start_director(m)
            finally:
                if self.director_running(n):
                    self.renice(n)
            for m in set(self.restarted_by_systemd):
                if self.director_running(m):
                    self.renice(m)
            code = self.procs[f"d{n}"].poll()
            if code is None:
                if self._members_up(n) < self.total_directors:
                    raise LabError(f"d{n} did not rejoin: a director exited meanwhile\n{self.director_logs()}")
                return start
            self.log(f"lab: d{n} exited with code {code} while rejoining (start {start})\n" + self.log_tail(f"d{n}", 6))
            if code != 3:
                break
        raise LabError(f"d{n} did not rejoin the cluster in {start} start(s)\n{self.log_tail(f'd{n}', 40)}")

    def stop_director(self, n, sig=signal.SIGTERM):
        self._stop(f"d{n}", sig)

    def signal_director(self, n, sig):
        self.procs[f"d{n}"].send_signal(sig)

    def director_running(self, n):
        p = self.procs.get(f"d{n}")
        return p is not None and p.poll() is None

    def isolate(self, n, on=True):
        """Cuts director n off (nftables drops everything but loopback in its namespace) or heals it."""
        if on:
            rules = ('table inet lvsha_partition {\n chain input { type filter hook input priority -10; policy drop; iif "lo" accept; }\n'
                     ' chain output { type filter hook output priority -10; policy drop; oif "lo" accept; }\n}\n')
            run("nft", "-f", "-", ns=self.ns(f"d{n}"), input=rules)
        else:
            run("nft", "delete", "table", "inet", "lvsha_partition", ns=self.ns(f"d{n}"))

    def status(self, n):
        """Director n's status over its control socket, or None."""
        return lvsha_control.status(self.socket_path(n))

    def holds_vip(self, n):
        return f" {VIPS[self.methods[0]]}/" in run("ip", "-n", self.ns(f"d{n}"), "-o", "addr", "show", "dev", "eth0", check=False)

    def vip_holders(self):
        """The running directors holding the VIP: a crashed director's address stays on its (downed) link, but
        it answers nobody, so it does not count."""
        return [n for n in range(1, self.vip_directors + 1) if self.director_running(n) and self.holds_vip(n)]

    def ipvs(self, n):
        """Director n's IPVS table as `ipvsadm -Sn` lines, sorted."""
        return sorted(line for line in run("ipvsadm", "-Sn", ns=self.ns(f"d{n}")).splitlines() if line.strip())

    def expected_ipvs(self, up=None):
        """The table a director should hold: every service, every real server that is up (default: all)."""
        lines = []
        for service in self.services:
            lines.append(f"-A -t {service.vip}:{service.port} -s {service.algo}")
            for name, weight in zip(self.rs_names(service.method), service.weights):
                if up is None or name in up:
                    lines.append(f"-a -t {service.vip}:{service.port} -r {self.rs_address(name)}:{service.port} "
                                 f"{IPVSADM_FLAG[service.method]} -w {weight}{IPVSADM_SUFFIX[service.method]}")
        return sorted(lines)

    # ---- client -----------------------------------------------------------------------------------------------
    def client(self, *args, timeout=120):
        """Runs load.py ARGS in the client namespace to its end; returns its JSON summary."""
        out = run("python3", os.path.join(HERE, "load.py"), *[str(a) for a in args], ns=self.ns("client"), timeout=timeout)
        return json.loads(out.strip().splitlines()[-1])

    def start_load(self, service, rate=20, duration=60, keepalive=False, name="load"):
        """Starts steady load on a service in the background; finish_load(name) stops it and returns its summary."""
        cmd = ["python3", os.path.join(HERE, "load.py"), "steady", service.vip, str(service.port), "--rate", str(rate),
               "--duration", str(duration), "--log", os.path.join(self.dir, f"{name}.jsonl")]
        if keepalive:
            cmd.append("--keepalive")
        out = os.path.join(self.dir, f"{name}.out")
        with open(out, "wb") as f:
            self.procs[name] = subprocess.Popen(["ip", "netns", "exec", self.ns("client")] + cmd, stdout=f,
                                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.logs[name] = out
        # Python starts slowly under the VM's emulation (seconds): the scenario begins once the load does.
        log = os.path.join(self.dir, f"{name}.jsonl")
        wait_for(lambda: os.path.exists(log) and os.path.getsize(log) > 0, 60, f"the load generator {name} answers its first request", interval=0.1)

    def finish_load(self, name="load", stop=True):
        proc = self.procs[name]
        if stop and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        proc.wait(60)
        text = open(self.logs[name]).read().strip()
        try:
            summary = json.loads(text.splitlines()[-1])
        except (ValueError, IndexError):
            raise LabError(f"the load generator left no summary: {text[-1000:]}") from None
        summary["requests"] = [json.loads(line) for line in open(os.path.join(self.dir, f"{name}.jsonl"))]
        return summary

    # ---- cleanup ----------------------------------------------------------------------------------------------
    def close(self):
        for pgid in self.sessions:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for name, proc in list(self.procs.items()):
            if proc.poll() is None:
                proc.kill()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    pass
        for full in reversed(self.namespaces):
            run("ip", "netns", "del", full, check=False)
        self.namespaces.clear()
        if os.environ.get("LVSHA_E2E_KEEP"):
            self.log(f"lab: kept {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
