#!/usr/bin/env python3
"""Two builds of the kernel side by side, interleaved round by round on one simulator: the warm
`%globus call transfer GET /task_list` (p50 of 200 calls) and paging a 10,000-file task's
successful transfers (median of 5 cells), and a fresh kernel's first call (exec to the call's
result, tokens in the token file). For telling a change from the machine's mood: both
builds see the same load.

Usage: bench/compare_kernels.py --old PATH --new PATH --sim PATH [--rounds 4]
  e.g. git worktree add --detach /tmp/old <commit> && (cd /tmp/old && make release)
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from globus_bench import GK_CALL, cache_tokens, run, start_sim, token_file  # noqa: E402
from kernel_bench import LeanClient, launch, stop  # noqa: E402


def measure(path, tmp, page_cell):
    t0 = time.perf_counter()
    proc, client, _ = launch([path, "run", "--connection-file", "{cf}"], tmp, LeanClient)
    run(client, GK_CALL)
    first = (time.perf_counter() - t0) * 1000
    time.sleep(0.3)
    for _ in range(10):
        run(client, GK_CALL)
    calls = []
    for _ in range(200):
        t = time.perf_counter()
        run(client, GK_CALL)
        calls.append((time.perf_counter() - t) * 1000)
    run(client, page_cell, timeout=300)
    pages = []
    for _ in range(5):
        t = time.perf_counter()
        run(client, page_cell, timeout=300)
        pages.append((time.perf_counter() - t) * 1000)
    stop(proc, client)
    return statistics.median(calls), statistics.median(pages), first


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--old", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--sim", required=True)
    ap.add_argument("--rounds", type=int, default=4)
    a = ap.parse_args()
    sim, env = start_sim(a.sim)
    home = tempfile.mkdtemp()
    cache_tokens(env, home)
    import requests
    big = requests.post(env["GLOBUS_SIM_ADMIN_URL"] + "tasks", json={"count": 1, "files": 10000, "identity": "alice@uchicago.edu"}).json()["task_ids"][0]
    page_cell = f"%globus call transfer GET /task/{big}/successful_transfers --paginate --jmespath 'length(DATA)'"
    old = dict(os.environ)
    os.environ.update({**env, "HOME": home})
    results = {"old": [], "new": []}
    try:
        time.sleep(max(0.0, 1.2 - (time.time() - os.stat(token_file(home)).st_mtime)))
        with tempfile.TemporaryDirectory() as tmp:
            for _ in range(a.rounds):
                for name in ("old", "new"):
                    results[name].append(measure(getattr(a, name), tmp, page_cell))
    finally:
        os.environ.clear()
        os.environ.update(old)
        sim.terminate()
    for i, (title, digits) in enumerate((("warm call p50 (ms)", 2), ("paging (ms)", 1), ("first call (ms)", 1))):
        print(f"{title + ', per round':<34}{'median':>8}")
        for name, rows in results.items():
            values = [r[i] for r in rows]
            print(f"  {name:<4}{' '.join(f'{v:.{digits}f}' for v in values):<60}{statistics.median(values):>8.{digits}f}")
        ratio = statistics.median(r[i] for r in results["new"]) / statistics.median(r[i] for r in results["old"])
        print(f"  new/old {ratio:.3f}")


if __name__ == "__main__":
    main()
