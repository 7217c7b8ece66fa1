#!/usr/bin/env python3
"""Kernel benchmark: this kernel and ipykernel side by side, in one run.

  start-up   exec of the kernelspec argv -> first kernel_info_reply, measured with a plain
             ZeroMQ client that connects first and sends the request right after exec
             (jupyter_client's own start-up would add ~270 ms to any kernel); median of N
  round trip execute_request -> status idle for a trivial cell printing one line; p50/p99
  RSS        the kernel's resident memory after the round trips

Usage: bench/kernel_bench.py --kernel PATH [--starts 7] [--cells 500]
"""
import argparse
import hashlib
import hmac
import json
import os
import uuid
import statistics
import subprocess
import sys
import tempfile
import time

import zmq
from jupyter_client.connect import write_connection_file
from jupyter_client.session import Session


def kernels(path):
    return {
        "globus-kernel": ([path, "run", "--connection-file", "{cf}"], "%echo hi"),
        "ipykernel": ([sys.executable, "-m", "ipykernel_launcher", "-f", "{cf}"], "print('hi')"),
    }


class Client:
    def __init__(self, cfg):
        self.ctx = zmq.Context()
        self.session = Session(key=cfg["key"].encode())
        self.shell = self.ctx.socket(zmq.DEALER)
        self.iopub = self.ctx.socket(zmq.SUB)
        for s in (self.shell, self.iopub):
            s.setsockopt(zmq.RECONNECT_IVL, 1)
            s.linger = 0
        self.iopub.setsockopt(zmq.SUBSCRIBE, b"")
        self.shell.connect(f"tcp://127.0.0.1:{cfg['shell_port']}")
        self.iopub.connect(f"tcp://127.0.0.1:{cfg['iopub_port']}")

    def request(self, msg_type, content=None):
        msg = self.session.msg(msg_type, content or {})
        self.session.send(self.shell, msg)
        return msg["header"]["msg_id"]

    def reply(self, timeout=30):
        if not self.shell.poll(timeout * 1000):
            raise TimeoutError("no reply")
        return self.session.recv(self.shell, mode=0)[1]

    def wait_idle(self, msg_id, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if not self.iopub.poll(1000):
                continue
            _, m = self.session.recv(self.iopub, mode=0)
            if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status" \
                    and m["content"]["execution_state"] == "idle":
                return
        raise TimeoutError("no idle")

    def close(self):
        self.ctx.destroy(linger=0)


class LeanClient(Client):
    """The same sockets, but messages built and read by hand: signed with hmac, and only the
    header and parent header parsed, so that the client's own cost stays small next to the
    kernel's (jupyter_client's Session spends ~0.6 ms a cell on its side alone)."""

    def __init__(self, cfg):
        super().__init__(cfg)
        self.key = cfg["key"].encode()
        self.sid = uuid.uuid4().hex

    def request(self, msg_type, content=None):
        mid = uuid.uuid4().hex
        header = json.dumps({"msg_id": mid, "session": self.sid, "username": "bench", "date": "2026-01-01T00:00:00Z",
                             "msg_type": msg_type, "version": "5.3"}).encode()
        frames = [header, b"{}", b"{}", json.dumps(content or {}).encode()]
        sig = hmac.new(self.key, b"".join(frames), hashlib.sha256).hexdigest().encode()
        self.shell.send_multipart([b"<IDS|MSG>", sig] + frames)
        return mid

    def reply(self, timeout=30):
        if not self.shell.poll(timeout * 1000):
            raise TimeoutError("no reply")
        return self.shell.recv_multipart()

    def wait_idle(self, msg_id, timeout=30):
        needle = msg_id.encode()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if not self.iopub.poll(1000):
                continue
            f = self.iopub.recv_multipart()
            i = f.index(b"<IDS|MSG>")
            if needle in f[i + 3] and b'"status"' in f[i + 2] and b'"idle"' in f[i + 5]:
                return
        raise TimeoutError("no idle")


def launch(argv, tmp, client_class=Client):
    cf, cfg = write_connection_file(os.path.join(tmp, f"k-{time.monotonic_ns()}.json"),
                                    key=os.urandom(16).hex().encode())
    client = client_class(cfg)
    t0 = time.perf_counter()
    proc = subprocess.Popen([a.replace("{cf}", cf) for a in argv], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client.request("kernel_info_request")
    client.reply()
    return proc, client, (time.perf_counter() - t0) * 1000


def stop(proc, client):
    client.close()
    proc.kill()
    proc.wait()


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure(name, argv, code, starts, cells, tmp):
    startups = []
    for _ in range(starts):
        proc, client, ms = launch(argv, tmp)
        startups.append(ms)
        stop(proc, client)
    out = {"start_ms": statistics.median(startups)}
    for label, client_class in (("", LeanClient), ("session_", Client)):
        proc, client, _ = launch(argv, tmp, client_class)
        time.sleep(0.3)  # let the IOPub subscription settle
        for _ in range(20):  # warm up
            client.wait_idle(client.request("execute_request", {"code": code, "silent": False}))
            client.reply()
        rtts = []
        for _ in range(cells):
            t = time.perf_counter()
            mid = client.request("execute_request", {"code": code, "silent": False})
            client.wait_idle(mid)
            rtts.append((time.perf_counter() - t) * 1000)
            client.reply()
        rtts.sort()
        out[label + "p50_ms"] = rtts[len(rtts) // 2]
        out[label + "p99_ms"] = rtts[int(len(rtts) * 0.99) - 1]
        if not label:
            out["rss_mb"] = rss_mb(proc.pid)
        stop(proc, client)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--starts", type=int, default=7)
    ap.add_argument("--cells", type=int, default=500)
    a = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, (argv, code) in kernels(a.kernel).items():
            results[name] = measure(name, argv, code, a.starts, a.cells, tmp)
    g, p = results["globus-kernel"], results["ipykernel"]
    print(f"{'metric':<28}{'globus-kernel':>15}{'ipykernel':>12}{'ratio':>9}")
    rows = [("start-up, median (ms)", "start_ms"), ("cell round trip p50 (ms)", "p50_ms"),
            ("cell round trip p99 (ms)", "p99_ms"), ("  via jupyter_client p50", "session_p50_ms"),
            ("  via jupyter_client p99", "session_p99_ms"), ("RSS after (MB)", "rss_mb")]
    for label, key in rows:
        print(f"{label:<28}{g[key]:>15.2f}{p[key]:>12.2f}{p[key] / g[key]:>8.1f}x")
    print(f"(starts: median of {a.starts}; round trips: {a.cells} cells with a lean hand-signing client, then the same "
          f"with jupyter_client's Session; ratio = ipykernel / globus-kernel)")


if __name__ == "__main__":
    main()
