#!/usr/bin/env python3
"""Instruction counts of the kernel, phase by phase, under valgrind's callgrind: numbers that repeat
exactly for the same binary and inputs, so a change of 2 % is visible where times swing by 30 %.

  start-up    exec -> first kernel_info_reply
  first call  the first `%globus call transfer GET /task_list` (token file read, HTTP handle made)
  warm call   one warm call, the mean of --calls (100) calls
  paging      one cell paging a 10,000-file task's successful transfers (10 pages)

Each phase is a callgrind dump taken with `callgrind_control --dump` between phases, so a phase's
count is the kernel's own work for it (the simulator and this client run outside valgrind). All
threads are counted. The top functions by inclusive cost are printed per phase (--top, 10).

With --old PATH a second build is counted the same way and the two are printed side by side with
the change in per cent.

Usage: bench/instructions.py --kernel PATH --sim PATH [--old PATH] [--calls 100] [--top 10] [--keep DIR]
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from globus_bench import GK_CALL, cache_tokens, run, start_sim, token_file  # noqa: E402
from kernel_bench import LeanClient, launch, stop  # noqa: E402

PHASES = ("start-up", "first call", "warm call", "paging")


def stripped_copy(path, tmp):
    """A copy without DWARF: valgrind reads the symbol table only, in a second instead of a minute.
    Function names stay (the symbol table is kept)."""
    out = os.path.join(tmp, os.path.basename(path) + f"-{time.monotonic_ns()}")
    if shutil.which("objcopy"):
        subprocess.run(["objcopy", "--strip-debug", path, out], check=True)
    else:
        shutil.copy(path, out)
    return out


def dump(pid, label):
    subprocess.run(["callgrind_control", f"--dump={label}", str(pid)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for_dumps(prefix, n, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        files = sorted(glob.glob(prefix + ".*"), key=lambda f: int(f.rsplit(".", 1)[1]) if f.rsplit(".", 1)[1].isdigit() else 0)
        done = [f for f in files if f.rsplit(".", 1)[1].isdigit() and total(f) is not None]
        if len(done) >= n:
            return done
        time.sleep(0.1)
    raise TimeoutError(f"callgrind wrote fewer than {n} dumps")


def total(path):
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("totals:") or line.startswith("summary:"):
                return int(line.split()[1])
    return None


# Frames every phase passes through (threads, the server's loop, the request dispatch): they are
# at the top of any inclusive list and say nothing about where a phase differs.
WRAPPERS = re.compile(r"^(clone|start_thread|\(below main\)|__libc_start_main.*|JupyterKernel\.spawnThread.*|"
                      r"closure #\d+ .* in JupyterKernel\.KernelServer\.run.*|JupyterKernel\.KernelCore\.(handle|execute).*|"
                      r".*GlobusInterpreter\.execute.*)$")


def demangle(names):
    if not names or not shutil.which("swift-demangle") and not shutil.which("swift"):
        return names
    cmd = ["swift-demangle"] if shutil.which("swift-demangle") else ["swift", "demangle"]
    out = subprocess.run(cmd + ["--simplified", "--compact"], input="\n".join(names), capture_output=True, text=True)
    lines = out.stdout.splitlines()
    return lines if out.returncode == 0 and len(lines) == len(names) else names


def top(path, n):
    out = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", path],
                         capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(?:\S*:)?(\S+)(?: \[(.*)\])?$", line)
        if m and "PROGRAM TOTALS" not in line:
            rows.append((int(m.group(1).replace(",", "")), m.group(2), os.path.basename(m.group(3) or "")))
    names = demangle([r[1] for r in rows])
    shown = [(c, name, lib) for (c, _, lib), name in zip(rows, names) if not WRAPPERS.match(name)]
    return shown[:n]


def count(kernel, tmp, page_cell, calls):
    binary = stripped_copy(kernel, tmp)
    prefix = os.path.join(tmp, f"cg-{time.monotonic_ns()}")
    argv = ["valgrind", "--tool=callgrind", "--quiet", f"--callgrind-out-file={prefix}",
            "--dump-instr=no", "--dump-line=no", binary, "run", "--connection-file", "{cf}"]
    proc, client, _ = launch(argv, tmp, LeanClient)
    try:
        dump(proc.pid, "start-up")
        run(client, GK_CALL, timeout=120)
        dump(proc.pid, "first call")
        for _ in range(calls):
            run(client, GK_CALL, timeout=120)
        dump(proc.pid, "warm call")
        run(client, page_cell, timeout=600)
        dump(proc.pid, "paging")
        files = wait_for_dumps(prefix, 4)
    finally:
        stop(proc, client)
    counts = [total(f) for f in files[:4]]
    counts[2] = counts[2] // calls
    return counts, files[:4]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--sim", required=True)
    ap.add_argument("--old")
    ap.add_argument("--calls", type=int, default=100)
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--keep", help="a folder to keep the callgrind dumps in (for callgrind_annotate)")
    a = ap.parse_args()
    if not shutil.which("valgrind"):
        sys.exit("instructions: valgrind is not installed (make setup installs it)")
    sim, env = start_sim(a.sim)
    home = tempfile.mkdtemp()
    saved = dict(os.environ)
    try:
        cache_tokens(env, home)
        import requests
        big = requests.post(env["GLOBUS_SIM_ADMIN_URL"] + "tasks",
                            json={"count": 1, "files": 10000, "identity": "alice@uchicago.edu"}).json()["task_ids"][0]
        page_cell = f"%globus call transfer GET /task/{big}/successful_transfers --paginate --jmespath 'length(DATA)'"
        os.environ.update({**env, "HOME": home})
        # A token file changed in the last moments is read again on every cell; let it settle.
        time.sleep(max(0.0, 2.2 - (time.time() - os.stat(token_file(home)).st_mtime)))
        with tempfile.TemporaryDirectory() as tmp:
            builds = [("new", a.kernel)] + ([("old", a.old)] if a.old else [])
            results = {name: count(path, tmp, page_cell, a.calls) for name, path in builds}
            if a.keep:
                os.makedirs(a.keep, exist_ok=True)
                for name, _ in builds:
                    for phase, f in zip(PHASES, results[name][1]):
                        shutil.copy(f, os.path.join(a.keep, f"{name}-{phase.replace(' ', '-')}.callgrind"))
            print(f"instructions per phase (callgrind, all threads; warm call is the mean of {a.calls})")
            print(f"{'phase':<12}" + "".join(f"{name:>16}" for name, _ in builds) + ("      change" if a.old else ""))
            for i, phase in enumerate(PHASES):
                row = f"{phase:<12}" + "".join(f"{results[name][0][i]:>16,}" for name, _ in builds)
                if a.old:
                    new, old = results["new"][0][i], results["old"][0][i]
                    row += f"{(new - old) / old * 100:>+11.1f}%"
                print(row)
            for name, _ in builds:
                for i, phase in enumerate(PHASES):
                    print(f"\n{name} · {phase}: top {a.top} functions by inclusive instructions")
                    for n, fn, lib in top(results[name][1][i], a.top):
                        where = "" if lib.startswith("globus-kernel") else f"  [{lib}]"
                        print(f"  {n:>14,}  {fn[:100]}{where}")
    finally:
        os.environ.clear()
        os.environ.update(saved)
        sim.terminate()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
