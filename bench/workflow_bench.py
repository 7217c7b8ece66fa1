#!/usr/bin/env python3
"""Notebook workflows: the Globus kernel's verbs versus the Python globus-sdk inside ipykernel,
same simulator, same token file.

  transfer submit   a warm cell that submits a one-file transfer (submission id + POST); median
  task wait CPU     the kernel process's CPU while a cell waits for a 6-second task (% of one core)
  pagination        a cell that fetches a 10,000-file task's successful transfers page by page
                    (Transfer's default 100 a page, paged by marker) and counts them

Usage: bench/workflow_bench.py --kernel PATH --sim PATH [--submits 30] [--items 10000]
"""
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from globus_bench import PY_SETUP, arguments, cache_tokens, run, start_sim, token_file  # noqa: E402
from kernel_bench import LeanClient, launch, stop  # noqa: E402

T1 = "6c54cade-bde5-45c1-bdea-f4bd71dba2cc"
T2 = "31ce9ba0-176d-45a5-add3-f37d233ba47d"
TASK_SECONDS = 6

GK = {
    "submit": f"%globus transfer {T1}:/~/file1.txt {T2}:/~/file1.txt --as t",
    "wait": "%globus task wait @{t.task_id}",
    "paginate": "%globus call transfer GET /task/{big}/successful_transfers --paginate --jmespath 'length(DATA)'",
}
PY = {
    "setup": PY_SETUP,
    "submit": (f"td = globus_sdk.TransferData(source_endpoint='{T1}', destination_endpoint='{T2}')\n"
               "td.add_item('/~/file1.txt', '/~/file1.txt')\nt = tc.submit_transfer(td)"),
    "wait": "tc.task_wait(t['task_id'], timeout=120, polling_interval=1)",
    "paginate": "sum(len(page['DATA']) for page in tc.paginated.task_successful_transfers('{big}'))",
}


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(argv, cells, a, tmp):
    proc, client, _ = launch(argv, tmp, LeanClient)
    # Warm cells start once the token file has been quiet a second (see globus_bench.py).
    time.sleep(max(0.3, 1.2 - (time.time() - os.stat(token_file(os.environ["HOME"])).st_mtime)))
    if "setup" in cells:
        run(client, cells["setup"])
    for _ in range(3):
        run(client, cells["submit"])
    submits = []
    for _ in range(a.submits):
        t = time.perf_counter()
        run(client, cells["submit"])
        submits.append((time.perf_counter() - t) * 1000)
    # One task to wait for: the last submitted one takes TASK_SECONDS.
    c0, t0 = cpu_seconds(proc.pid), time.perf_counter()
    run(client, cells["wait"], timeout=120)
    wall = time.perf_counter() - t0
    cpu = cpu_seconds(proc.pid) - c0
    run(client, cells["paginate"], timeout=300)
    pages = []
    for _ in range(a.pages):
        t = time.perf_counter()
        run(client, cells["paginate"], timeout=300)
        pages.append((time.perf_counter() - t) * 1000)
    stop(proc, client)
    return {"submit": statistics.median(submits), "wait_cpu": 100 * cpu / wall, "wait_wall": wall,
            "paginate": statistics.median(pages)}


def main():
    a = arguments(submits=30, pages=10, items=10000)
    sim, env = start_sim(a.sim, "--task-seconds", str(TASK_SECONDS))
    home = tempfile.mkdtemp()
    cache_tokens(env, home)
    import requests
    seeded = requests.post(env["GLOBUS_SIM_ADMIN_URL"] + "tasks", json={"count": 1, "files": a.items, "identity": "alice@uchicago.edu"})
    seeded.raise_for_status()
    big = seeded.json()["task_ids"][0]
    for cells in (GK, PY):
        cells["paginate"] = cells["paginate"].replace("{big}", big)
    old = dict(os.environ)
    os.environ.update({**env, "HOME": home})
    try:
        with tempfile.TemporaryDirectory() as tmp:
            g = measure([a.kernel, "run", "--connection-file", "{cf}"], GK, a, tmp)
            p = measure([sys.executable, "-m", "ipykernel_launcher", "-f", "{cf}"], PY, a, tmp)
    finally:
        os.environ.clear()
        os.environ.update(old)
        sim.terminate()
    print(f"{'metric':<44}{'globus-kernel':>15}{'ipykernel+sdk':>15}{'ratio':>9}")
    print(f"{'transfer submit, warm cell, median (ms)':<44}{g['submit']:>15.2f}{p['submit']:>15.2f}{p['submit'] / g['submit']:>8.1f}x")
    print(f"{'task wait, CPU while waiting (% of a core)':<44}{g['wait_cpu']:>15.2f}{p['wait_cpu']:>15.2f}"
          f"{(p['wait_cpu'] / g['wait_cpu'] if g['wait_cpu'] else float('inf')):>8.1f}x")
    print(f"{'pagination, %d items, median (ms)' % a.items:<44}{g['paginate']:>15.1f}{p['paginate']:>15.1f}"
          f"{p['paginate'] / g['paginate']:>8.1f}x")
    print(f"(wait: {g['wait_wall']:.1f} s and {p['wait_wall']:.1f} s of a {TASK_SECONDS}-second simulated task; "
          "ratio = ipykernel / globus-kernel; lower CPU is better)")


if __name__ == "__main__":
    main()
