"""Remote kernels on a second host: Jupyter Enterprise Gateway (PyPI, its own venv .venv-eg) with
its DistributedProcessProxy starts the Globus kernel over SSH on another host, through
`globus-kernel launch`, and the client talks to it only over the gateway's HTTP and WebSocket API.

The second host is made here: a network namespace with a veth pair (addresses of its own on both
ends) and Debian's sshd inside it, with a host key and a client key made for the test. The
gateway's response address is the host's end of the pair, so the launcher's encrypted connection
information crosses it, and the gateway reaches the kernel's ports at the namespace's address.
(With the remote host's address its own, the gateway would start the kernel locally, without SSH.)
The simulator listens on the host's loopback; inside the namespace its port is forwarded to it.
Needs root (namespaces, sshd)."""
import ctypes
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests

from conftest import Sim, free_port, stop_process_group
from remote_kernels import KernelServer, interrupted_wait, sign_in_and_call

REPO = Path(__file__).resolve().parents[2]
KERNEL_BIN = os.environ.get("GLOBUS_KERNEL_BIN", str(REPO / ".build/debug/globus-kernel"))
EG_BIN = os.environ.get("GLOBUS_EG_BIN", str(REPO / ".venv-eg/bin/jupyter-enterprisegateway"))
SSHD = "/usr/sbin/sshd"
CLONE_NEWNET = 0x40000000
PORT_RANGE = (41000, 42999)  # the gateway's EG_PORT_RANGE: the kernel's six ports are picked in it

EG_PYTHON = os.path.join(os.path.dirname(EG_BIN), "python")
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="makes a network namespace and runs sshd: needs root")


def run(*cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def wait_for(condition, what, timeout=30, interval=0.05):
    """Polls `condition` until it returns something true, or fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(interval)


class SecondHost:
    """A network namespace with its own address, reachable from this host over a veth pair, and
    an sshd in it that lets root in with a key made here."""

    def __init__(self, tmp):
        n = os.getpid() % 200 + 20
        self.ns = f"gk-eg-{os.getpid()}"
        self.host_if, self.ns_if = f"gkh{os.getpid()}", f"gkn{os.getpid()}"
        self.host_ip, self.ip = f"10.231.{n}.1", f"10.231.{n}.2"
        self.tmp = tmp
        self.sshd = None
        self._listeners = []
        run("ip", "netns", "add", self.ns)
        try:
            run("ip", "link", "add", self.host_if, "type", "veth", "peer", "name", self.ns_if)
            run("ip", "link", "set", self.ns_if, "netns", self.ns)
            run("ip", "addr", "add", f"{self.host_ip}/24", "dev", self.host_if)
            run("ip", "link", "set", self.host_if, "up")
            for cmd in (("ip", "addr", "add", f"{self.ip}/24", "dev", self.ns_if),
                        ("ip", "link", "set", self.ns_if, "up"), ("ip", "link", "set", "lo", "up")):
                run("ip", "netns", "exec", self.ns, *cmd)
            self._start_sshd()
        except BaseException:
            self.close()
            raise

    def _start_sshd(self):
        ssh = self.tmp / "ssh"
        ssh.mkdir(mode=0o700)
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(ssh / "host_key"))
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(ssh / "client_key"))
        (ssh / "authorized_keys").write_text((ssh / "client_key.pub").read_text())
        (ssh / "sshd_config").write_text("\n".join([
            f"ListenAddress {self.ip}:22", f"HostKey {ssh / 'host_key'}", f"AuthorizedKeysFile {ssh / 'authorized_keys'}",
            "PermitRootLogin prohibit-password", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
            "UsePAM no", "StrictModes no", f"PidFile {ssh / 'sshd.pid'}", "LogLevel VERBOSE", ""]))
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privilege separation directory
        self.sshd_log = open(self.tmp / "sshd.log", "w")
        self.sshd = subprocess.Popen(["ip", "netns", "exec", self.ns, SSHD, "-D", "-e", "-f", str(ssh / "sshd_config")],
                                     stdout=self.sshd_log, stderr=subprocess.STDOUT)

        def listening():
            assert self.sshd.poll() is None, (self.tmp / "sshd.log").read_text()
            with socket.socket() as s:
                s.settimeout(1)
                return s.connect_ex((self.ip, 22)) == 0
        wait_for(listening, "sshd on the second host")

    def client_home(self, home):
        """A HOME for the SSH client (the gateway's paramiko): the client key and the host's key as known."""
        dot = home / ".ssh"
        dot.mkdir(parents=True, mode=0o700)
        shutil.copy(self.tmp / "ssh" / "client_key", dot / "id_ed25519")
        os.chmod(dot / "id_ed25519", 0o600)
        host_key = (self.tmp / "ssh" / "host_key.pub").read_text().split()
        (dot / "known_hosts").write_text(f"{self.ip} {host_key[0]} {host_key[1]}\n")

    def pids(self):
        """The processes in the second host's network namespace."""
        out = subprocess.run(["ip", "netns", "pids", self.ns], capture_output=True, text=True).stdout
        return {int(p) for p in out.split()}

    def kernel_pids(self):
        """The Globus kernel processes running on the second host (not zombies)."""
        found = set()
        for pid in self.pids():
            try:
                exe = os.readlink(f"/proc/{pid}/exe")
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if os.path.basename(exe) == "globus-kernel" and state != "Z":
                found.add(pid)
        return found

    def forward_loopback_port(self, port):
        """Inside the namespace, 127.0.0.1:`port` reaches this host's 127.0.0.1:`port` (the
        simulator's URLs and TLS certificate name 127.0.0.1). The listening socket is made in the
        namespace (setns on this thread, then back); the forwarding runs on threads here."""
        libc = ctypes.CDLL(None, use_errno=True)
        here = os.open("/proc/self/ns/net", os.O_RDONLY)
        there = os.open(f"/run/netns/{self.ns}", os.O_RDONLY)
        try:
            assert libc.setns(there, CLONE_NEWNET) == 0, os.strerror(ctypes.get_errno())
            try:
                listener = socket.socket()
                listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                listener.bind(("127.0.0.1", port))
                listener.listen(64)
            finally:
                assert libc.setns(here, CLONE_NEWNET) == 0, os.strerror(ctypes.get_errno())
        finally:
            os.close(here)
            os.close(there)
        self._listeners.append(listener)

        def pipe(src, dst):
            try:
                while data := src.recv(65536):
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                for s in (src, dst):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        def serve():
            while True:
                try:
                    inside, _ = listener.accept()
                except OSError:
                    return
                try:
                    outside = socket.create_connection(("127.0.0.1", port))
                except OSError:
                    inside.close()
                    continue
                threading.Thread(target=pipe, args=(inside, outside), daemon=True).start()
                threading.Thread(target=pipe, args=(outside, inside), daemon=True).start()
        threading.Thread(target=serve, daemon=True).start()

    def close(self):
        for listener in self._listeners:
            listener.close()
        if self.sshd and self.sshd.poll() is None:
            self.sshd.terminate()
            self.sshd.wait(10)
        # Anything the test's sessions left in the namespace (nothing, when the test passed).
        for pid in self.pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        subprocess.run(["ip", "link", "del", self.host_if], capture_output=True)
        subprocess.run(["ip", "netns", "del", self.ns], capture_output=True)


@pytest.fixture
def enterprise_gateway(tmp_path):
    """Enterprise Gateway on this host's loopback, with the Globus kernelspec that
    `globus-kernel install --gateway distributed` writes, its kernels on the second host."""
    assert os.path.exists(EG_BIN), f"{EG_BIN} is missing: `make setup` makes .venv-eg"
    host = SecondHost(tmp_path)
    sim = gateway = log = None
    try:
        sim = Sim("--task-seconds", "30")
        for port in {urlparse(v).port for v in sim.env.values() if v.startswith("http")}:
            host.forward_loopback_port(port)

        remote_home = tmp_path / "remote-home"
        remote_home.mkdir()
        envs = [f"--env=HOME={remote_home}"] + [f"--env={k}={v}" for k, v in sorted(sim.env.items())]
        run(KERNEL_BIN, "install", "--gateway", "distributed", "--remote-hosts", host.ip,
            "--prefix", str(tmp_path / "kernelspecs"), "--name", "globus_distributed",
            "--display-name", "Globus (distributed)", *envs)

        gateway_home = tmp_path / "gateway-home"
        host.client_home(gateway_home)
        port, token = free_port(), "enterprise-gateway-test-token"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SSH_", "GLOBUS_", "JUPYTER", "EG_"))}
        env.update({"HOME": str(gateway_home), "JUPYTER_PATH": str(tmp_path / "kernelspecs/share/jupyter"),
                    "EG_REMOTE_USER": "root", "EG_RESPONSE_IP": host.host_ip,
                    "EG_KERNEL_LOG_DIR": str(tmp_path), "EG_KERNEL_LAUNCH_TIMEOUT": "40",
                    "EG_PORT_RANGE": f"{PORT_RANGE[0]}..{PORT_RANGE[1]}"})
        log = open(tmp_path / "gateway.log", "w")
        gateway = subprocess.Popen([EG_BIN, "--EnterpriseGatewayApp.ip=127.0.0.1", f"--EnterpriseGatewayApp.port={port}",
                                    f"--EnterpriseGatewayApp.auth_token={token}", "--debug"],
                                   env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        server = KernelServer(f"http://127.0.0.1:{port}/", token)

        def answers():
            assert gateway.poll() is None, (tmp_path / "gateway.log").read_text()[-3000:]
            try:
                return server.kernelspecs()
            except (requests.ConnectionError, AssertionError):
                return None
        wait_for(answers, "Enterprise Gateway's REST API", timeout=60)
        yield sim, server, host, remote_home, tmp_path
    finally:
        if gateway:
            stop_process_group(gateway)
        if log:
            log.close()
        if sim:
            sim.stop()
        host.close()


def test_the_launcher_payload_opens_with_the_gateways_own_decoder():
    """Enterprise Gateway's ResponseManager decodes what `globus-kernel launch` sends, and the
    launcher answers a poll, lives through an interrupt and ends on a shutdown request."""
    out = subprocess.run([EG_PYTHON, str(Path(__file__).with_name("eg_launcher_check.py")), KERNEL_BIN],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    info = result["info"]
    assert info["kernel_id"] == "kernel-1" and info["pid"] == result["pid"] and info["pgid"] > 0
    assert info["ip"] == "0.0.0.0" and info["transport"] == "tcp" and info["signature_scheme"] == "hmac-sha256"
    ports = [info[k] for k in ("shell_port", "iopub_port", "stdin_port", "hb_port", "control_port", "comm_port")]
    assert len(set(ports)) == 6 and all(0 < p < 65536 for p in ports)
    assert info["key"] >= 32  # its length: the key itself stays out of the output
    assert result["alive_after_interrupt"] and result["status"] == 0, result
    assert "signal 2 from the gateway" in result["stderr"] and "shutdown from the gateway" in result["stderr"]


@pytest.fixture(scope="module")
def public_key(tmp_path_factory):
    """A real RSA public key (base64 DER, as the gateway sends it), for the cases after the key's check."""
    tmp = tmp_path_factory.mktemp("rsa")
    run("ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", str(tmp / "k"))
    pem = run("ssh-keygen", "-e", "-m", "PKCS8", "-f", str(tmp / "k.pub")).stdout
    return "".join(line for line in pem.splitlines() if not line.startswith("-----"))


@pytest.mark.parametrize("args, message", [
    (["--port-range", "a..b"], "launch: port range 'a..b' is not of the form LOWER..UPPER"),
    (["--port-range", "40000..40010"], "launch: port range '40000..40010' spans 10 ports; it must span at least 1000"),
    (["--public-key", "not base64!"], "launch: the public key is not base64"),
    (["--public-key", "aGVsbG8="], "launch: the public key is not an RSA public key of 1024 bits or more"),
    (["--response-address", "gateway:8877"], "launch: response address 'gateway:8877' does not start with an IPv4 address"),
    (["--response-address", "127.0.0.1:CLOSED"], "launch: cannot reach the gateway's response address 127.0.0.1:"),
])
def test_the_launcher_refuses_bad_arguments_with_a_reason(args, message, public_key):
    closed = free_port()  # bound and closed: nothing listens there
    argv = {"--kernel-id": "kernel-1", "--response-address": "127.0.0.1:1", "--public-key": public_key, "--port-range": "0..0"}
    argv.update(zip(args[::2], args[1::2]))
    argv = [a for kv in argv.items() for a in kv]
    r = subprocess.run([KERNEL_BIN, "launch", *[a.replace("CLOSED", str(closed)) for a in argv]],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 1 and r.stdout == "", r
    assert r.stderr.startswith("globus-kernel: " + message), r.stderr
    assert r.stderr.count("\n") == 1 and public_key[40:80] not in r.stderr


@needs_root
def test_the_globus_kernel_on_a_second_host_through_enterprise_gateway(enterprise_gateway):
    sim, server, host, remote_home, logs = enterprise_gateway
    spec = server.kernelspecs()["globus_distributed"]["spec"]
    assert spec["metadata"]["process_proxy"]["class_name"] == \
        "enterprise_gateway.services.processproxies.distributed.DistributedProcessProxy", spec
    assert spec["argv"][1] == "launch" and "{public_key}" in spec["argv"], spec
    assert not host.kernel_pids()

    # KERNEL_USERNAME, as a gateway client sends it (the gateway refuses kernels for root).
    kernel = server.start_kernel("globus_distributed", env={"KERNEL_USERNAME": "alice"})
    try:
        # Started over SSH on the second host: one kernel process there, none here.
        first = wait_for(host.kernel_pids, "the kernel on the second host")
        assert len(first) == 1, first
        assert "Connecting to remote host with ssh key" in (logs / "gateway.log").read_text()
        started = re.search(r"ports ([\d,]+), communication port (\d+), pid (\d+)", (logs / f"kernel-{kernel.id}.log").read_text())
        ports = [int(p) for p in started[1].split(",")] + [int(started[2])]
        assert int(started[3]) in first and len(set(ports)) == 6, started[0]
        assert all(PORT_RANGE[0] <= p <= PORT_RANGE[1] for p in ports), ports
        kernel.wait_ready()

        sign_in_and_call(kernel, sim, remote_home)
        # A long wait, interrupted through the REST API: the gateway asks the launcher on its
        # communication port, which raises SIGINT in the kernel; the waiting stops, the task goes on.
        interrupted_wait(kernel, "eg-copy")
        assert "signal 2 from the gateway" in (logs / f"kernel-{kernel.id}.log").read_text()

        # A restart through the REST API: a new process on the second host, the old one gone,
        # signed in from the token file.
        kernel.restart()
        second = wait_for(lambda: host.kernel_pids() - first, "the restarted kernel")
        wait_for(lambda: not any(os.path.exists(f"/proc/{p}") for p in first), "the first kernel process to end")
        assert host.kernel_pids() == second and len(second) == 1, (first, second)
        whoami = kernel.execute("%globus whoami")
        assert whoami.status == "ok" and whoami.output.strip().startswith("alice@uchicago.edu"), whoami
        assert not whoami.prompts
    finally:
        kernel.shutdown()

    # Shut down through the REST API: no kernel process left on the second host.
    wait_for(lambda: not any(os.path.exists(f"/proc/{p}") for p in first | second), "the kernel process to end", timeout=30)
    assert not host.kernel_pids()
    assert server.api("GET", f"kernels/{kernel.id}", expect=(404,)) is not None  # the gateway forgot it
    # The connection information never reached a log in the clear.
    text = (logs / f"kernel-{kernel.id}.log").read_text()
    assert '"key"' not in text and "signature_scheme" not in text, text
