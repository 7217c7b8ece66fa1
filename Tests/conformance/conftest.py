"""Shared fixtures: the kernel under test is the build-local kernelspec found via JUPYTER_PATH."""
import json
import secrets
import os
import signal
import socket
import subprocess
import time

import pytest
import zmq
from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file
from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session

KERNEL_NAME = "globus"
KERNEL_BIN = os.environ.get("GLOBUS_KERNEL_BIN", "globus-kernel")


@pytest.fixture
def kernel():
    """A running kernel started the way Jupyter starts it: (manager, blocking client)."""
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME)
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def run_cell(kc, code, timeout=10, **kw):
    """Executes code; returns (reply, [iopub messages between busy and idle, status excluded])."""
    msg_id = kc.execute(code, **kw)
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    return reply, collect_iopub(kc, msg_id, timeout)


def collect_iopub(kc, msg_id, timeout=10):
    msgs = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        m = kc.get_iopub_msg(timeout=timeout)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == "status":
            if m["content"]["execution_state"] == "idle":
                return msgs
            continue
        msgs.append(m)
    raise AssertionError(f"no idle for {msg_id}")


def interrupt_during(km, kc, code, after, timeout=10):
    """Runs `code`, interrupts the kernel `after` seconds into it and waits for the cell's reply.
    Returns (msg_id, the reply, seconds from the interrupt to the reply)."""
    msg_id = kc.execute(code)
    time.sleep(after)
    t = time.time()
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=timeout)
    return msg_id, reply, time.time() - t


def stdout_of(msgs, name="stdout"):
    return "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == name)


def message_texts(msgs):
    """The text a person reads in messages: displays' and results' text/plain, streams, tracebacks."""
    out = []
    for m in msgs:
        c = m["content"]
        if m["msg_type"] in ("display_data", "update_display_data", "execute_result"):
            out.append(c["data"].get("text/plain", ""))
        elif m["msg_type"] == "stream":
            out.append(c["text"])
        elif m["msg_type"] == "error":
            out.append("\n".join(c["traceback"]))
    return "\n".join(out)


def sign_in_link(msgs):
    """The sign-in link (Globus Auth's authorize URL) a login cell shows among `msgs`."""
    for line in message_texts(msgs).splitlines():
        if line.startswith("http") and "/oauth2/authorize?" in line:
            return line.strip()
    raise AssertionError("no sign-in link in the output:\n" + message_texts(msgs))


def login_two_step(sim, kc, identity="alice@uchicago.edu", line="%globus login --force"):
    """The two-step login of a kernel without stdin: the login cell shows a link; a person opens
    it, signs in (the simulator's admin API) and pastes the code into `%globus login --code`.
    Returns the second cell's reply content and the link."""
    _, msgs = run_cell(kc, line, allow_stdin=False, timeout=60)
    link = sign_in_link(msgs)
    reply, _ = run_cell(kc, f"%globus login --code {sim.approve(link, identity)}", allow_stdin=False, timeout=60)
    return reply["content"], link


def status_kb(pid, field):
    """A memory figure of /proc/PID/status in kB: VmRSS (resident now) or VmHWM (its peak)."""
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def reset_peak_rss(pid):
    """Starts VmHWM again from the current VmRSS (Linux's clear_refs, value 5)."""
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")


def stop_process_group(proc, grace=20):
    """Ends a process started with start_new_session=True and everything it started: SIGTERM to
    its process group, SIGKILL if it has not ended after `grace` seconds."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RawKernel:
    """The kernel binary started on a connection file we write, plus raw ZeroMQ sockets, for
    sending malformed and hand-signed messages."""

    def __init__(self, tmp_path, transport="tcp", argv=("run", "--connection-file", "{cf}"), **extra):
        self.path = str(tmp_path / "kernel.json")
        ip = "127.0.0.1" if transport == "tcp" else str(tmp_path / "k")
        extra.setdefault("key", secrets.token_hex(16).encode())
        self.path, self.cfg = write_connection_file(self.path, ip=ip, transport=transport, **extra)
        self.proc = subprocess.Popen([KERNEL_BIN] + [a.replace("{cf}", self.path) for a in argv],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.ctx = zmq.Context()
        self.session = Session(key=self.cfg["key"].encode())

    def endpoint(self, channel):
        port = self.cfg[f"{channel}_port"]
        if self.cfg["transport"] == "ipc":
            return f"ipc://{self.cfg['ip']}-{port}"
        return f"tcp://{self.cfg['ip']}:{port}"

    def client(self):
        kc = BlockingKernelClient()
        kc.load_connection_file(self.path)
        kc.start_channels()
        kc.wait_for_ready(timeout=20)
        return kc

    def dealer(self, channel="shell"):
        s = self.ctx.socket(zmq.DEALER)
        s.linger = 0
        s.connect(self.endpoint(channel))
        return s

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=5)
        self.ctx.destroy(linger=0)


SIM_BIN = os.environ.get("GLOBUS_SIM_BIN", os.path.join(os.path.dirname(KERNEL_BIN), "globus-sim"))
TUTORIAL_CLIENT = "61338d24-54d5-408f-a10d-66c06b59f6d2"
AUTOMATION_CLIENT = ("7a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "sim-automation-secret-do-not-use-in-production")


class Sim:
    """A globus-sim process on a free loopback port, and its environment. HTTPS by default, as
    production is: the simulator makes a private CA and announces it as GLOBUS_SDK_VERIFY_SSL;
    `http` is a requests session that trusts it."""

    def __init__(self, *args, tls=True):
        import requests
        cmd = [SIM_BIN, "--port", "0", *(["--tls"] if tls else []), *args]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.env = {}
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("globus-sim did not start: " + self.proc.stderr.read())
            if line.strip() == "# globus-sim ready":
                break
            k, v = line.strip().removeprefix("export ").split("=", 1)
            self.env[k] = v
        self.admin = self.env["GLOBUS_SIM_ADMIN_URL"]
        self.ca = self.env.get("GLOBUS_SDK_VERIFY_SSL")
        self.http = requests.Session()
        self.http.verify = self.ca or True
        self.http.trust_env = False  # REQUESTS_CA_BUNDLE in the environment would override verify (requests #3829)

    def url(self, service):
        return self.env[f"GLOBUS_SDK_SERVICE_URL_{service.upper()}"]

    def post_admin(self, path, body=None):
        r = self.http.post(self.admin + path, json=body or {}, timeout=10)
        r.raise_for_status()
        return r.json()

    def approve(self, authorize_url, identity="alice@uchicago.edu"):
        """What a person does in the browser: sign in and copy the code."""
        return self.post_admin("approve", {"authorize_url": authorize_url, "identity": identity})["code"]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=5)


@pytest.fixture
def sim(monkeypatch):
    s = Sim()
    for k, v in s.env.items():
        monkeypatch.setenv(k, v)
    yield s
    s.stop()
