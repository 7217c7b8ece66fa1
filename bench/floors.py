#!/usr/bin/env python3
"""The kernel against its physical floors, side by side in one run, as multiples of each floor.

  start-up     exec -> kernel_info_reply: the kernel against `minimal-kernel kernel`, a process that
               binds the five sockets and answers with signed replies and nothing else (median)
  cell         a lean cell's round trip (`%echo hi`, execute_request -> idle): the kernel against
               the minimal kernel's cell and against a bare ZeroMQ echo of the same frames (p50)
  warm call    `%globus call transfer GET /task_list`: the kernel against the simulator's own time
               a request (a kept-alive libcurl client in Swift, `request-floors http`) plus the
               ZeroMQ echo; the overhead is what is left (p50)
  first call   a fresh kernel's first call, exec to result: against the minimal kernel's start-up,
               reading and parsing the token file (`request-floors token-file`) and a fresh
               process's first request (`request-floors first`: loading libcurl and its ~30
               libraries, a new connection, the request); and the same call sent 0.5 s after
               start-up (as a person types it), from send to result, against the token file and
               that first request
  token file   reading and parsing the token file, alone (median)

The client is the same hand-signing ZeroMQ client for the kernel and for every floor, so its own
cost is in both. Usage: bench/floors.py --kernel PATH --floors DIR --sim PATH [--starts 15] [--cells 500]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from globus_bench import GK_CALL, cache_tokens, run, start_sim, token_file  # noqa: E402
from kernel_bench import LeanClient, launch, stop  # noqa: E402


def starts(argv, tmp, n):
    times = []
    for _ in range(n):
        proc, client, ms = launch(argv, tmp, LeanClient)
        times.append(ms)
        stop(proc, client)
    return statistics.median(times)


def round_trips(argv, tmp, code, n):
    proc, client, _ = launch(argv, tmp, LeanClient)
    time.sleep(0.3)  # let the IOPub subscription settle
    try:
        for _ in range(20):
            run(client, code)
        times = []
        for _ in range(n):
            t = time.perf_counter()
            run(client, code)
            times.append((time.perf_counter() - t) * 1000)
        return statistics.median(times)
    finally:
        stop(proc, client)


def first_calls(argv, tmp, n, pause=0.0):
    """A fresh kernel's first call: from exec, or (with `pause`) from the moment a cell sent
    `pause` seconds after start-up, as a person types it, is sent."""
    times = []
    for _ in range(n):
        t = time.perf_counter()
        proc, client, _ = launch(argv, tmp, LeanClient)
        if pause:
            time.sleep(pause)
            t = time.perf_counter()
        run(client, GK_CALL)
        times.append((time.perf_counter() - t) * 1000)
        stop(proc, client)
    return statistics.median(times)


def zmq_echo(floors, n):
    """A DEALER sends a message's frames (a signed execute_request's size) to a ROUTER that sends
    them back: ZeroMQ's own round trip on this machine, with this client."""
    import zmq
    echo = subprocess.Popen([floors, "echo", "tcp://127.0.0.1:*"], stdout=subprocess.PIPE, text=True)
    try:
        endpoint = echo.stdout.readline().strip()
        ctx = zmq.Context()
        s = ctx.socket(zmq.DEALER)
        s.linger = 0
        s.connect(endpoint)
        frames = [b"<IDS|MSG>", b"0" * 64, b"h" * 180, b"{}", b"{}", b'{"code": "%echo hi", "silent": false}']
        times = []
        for i in range(n + 50):
            t = time.perf_counter()
            s.send_multipart(frames)
            s.recv_multipart()
            if i >= 50:
                times.append((time.perf_counter() - t) * 1000)
        ctx.destroy(linger=0)
        return statistics.median(times)
    finally:
        echo.kill()
        echo.wait()


def floor_output(argv):
    return float(subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()) / 1000


def first_requests(argv, n):
    """A fresh process's first request, median of `n` processes."""
    return statistics.median(floor_output(argv) for _ in range(n))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--floors", required=True, help="the folder with minimal-kernel and request-floors")
    ap.add_argument("--sim", required=True)
    ap.add_argument("--starts", type=int, default=15)
    ap.add_argument("--cells", type=int, default=500)
    a = ap.parse_args()
    sim, env = start_sim(a.sim)
    home = tempfile.mkdtemp()
    saved = dict(os.environ)
    kernel = [a.kernel, "run", "--connection-file", "{cf}"]
    minimal = [os.path.join(a.floors, "minimal-kernel"), "kernel", "{cf}"]
    requests_floor = os.path.join(a.floors, "request-floors")
    try:
        cache_tokens(env, home)
        tokens = token_file(home)
        os.environ.update({**env, "HOME": home})
        time.sleep(max(0.0, 2.2 - (time.time() - os.stat(tokens).st_mtime)))  # a settled token file
        with tempfile.TemporaryDirectory() as tmp:
            f = {
                "start": (starts(kernel, tmp, a.starts), starts(minimal, tmp, a.starts)),
                "cell": (round_trips(kernel, tmp, "%echo hi", a.cells), round_trips(minimal, tmp, "%echo hi", a.cells)),
                "echo": zmq_echo(os.path.join(a.floors, "minimal-kernel"), a.cells),
                "warm": round_trips(kernel, tmp, GK_CALL, a.cells // 2),
                "sim": floor_output([requests_floor, "http", env["GLOBUS_SDK_SERVICE_URL_TRANSFER"] + "v0.10/task_list", tokens, str(a.cells)]),
                "token": floor_output([requests_floor, "token-file", tokens, "200"]),
                "fresh": first_requests([requests_floor, "first", env["GLOBUS_SDK_SERVICE_URL_TRANSFER"] + "v0.10/task_list", tokens], max(5, a.starts)),
                "first": first_calls(kernel, tmp, max(5, a.starts // 2)),
                "typed": first_calls(kernel, tmp, max(5, a.starts // 2), pause=0.5),
            }
    finally:
        os.environ.clear()
        os.environ.update(saved)
        sim.terminate()
    (start, start_floor), (cell, cell_floor) = f["start"], f["cell"]
    first_floor = start_floor + f["token"] + f["fresh"]
    overhead = f["warm"] - f["sim"] - f["echo"]
    rows = [
        ("start-up (ms)", start, start_floor, "minimal kernel"),
        ("lean cell p50 (ms)", cell, cell_floor, "minimal kernel's cell"),
        ("lean cell p50 (ms)", cell, f["echo"], "ZeroMQ echo"),
        ("warm call p50 (ms)", f["warm"], f["sim"] + f["echo"], "simulator's time + ZeroMQ echo"),
        ("first call (ms)", f["first"], first_floor, "minimal start + token file + first request"),
        ("  typed 0.5 s later", f["typed"], f["token"] + f["fresh"], "token file + first request"),
    ]
    print(f"{'figure':<22}{'kernel':>9}{'floor':>9}{'multiple':>10}   floor")
    for label, value, floor, what in rows:
        print(f"{label:<22}{value:>9.3f}{floor:>9.3f}{value / floor:>9.2f}x   {what}")
    print(f"{'warm call overhead':<22}{overhead:>9.3f}{'':>9}{'':>10}   warm call - simulator's time - ZeroMQ echo (target <= 0.2 ms)")
    print(f"{'token file (ms)':<22}{f['token']:>9.3f}{'':>9}{'':>10}   read and parse, alone")
    print(f"{'first request (ms)':<22}{f['fresh']:>9.3f}{'':>9}{'':>10}   a fresh process's first request: libcurl loaded, a new connection")
    print(f"(start-up: median of {a.starts}; cells: p50 of {a.cells}; warm calls: p50 of {a.cells // 2}; "
          f"simulator: median of {a.cells} kept-alive requests; "
          f"first request: median of {max(5, a.starts)} processes)")


if __name__ == "__main__":
    main()
