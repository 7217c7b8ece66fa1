"""`make bench` and `make bench-instructions` keep working: the floors and the instruction counts,
each run briefly against the debug build, print every figure a reader looks for."""
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import KERNEL_BIN

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.dirname(os.path.abspath(KERNEL_BIN)) if os.path.isabs(KERNEL_BIN) else os.path.join(ROOT, ".build", "debug")


def bench(script, *args, timeout=300):
    out = subprocess.run([sys.executable, os.path.join(ROOT, "bench", script), "--kernel", os.path.join(BUILD, "globus-kernel"),
                          "--sim", os.path.join(BUILD, "globus-sim"), *args], capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def test_floors_print_each_figure_against_its_floor():
    out = bench("floors.py", "--floors", BUILD, "--starts", "3", "--cells", "20")
    for figure in ("start-up (ms)", "lean cell p50 (ms)", "warm call p50 (ms)", "first call (ms)", "  typed 0.5 s later"):
        rows = [line for line in out.splitlines() if line.startswith(figure)]
        assert rows, out
        for row in rows:
            kernel, floor, multiple = (float(x) for x in re.findall(r"\d+\.\d+", row[len(figure):])[:3])
            assert kernel > 0 and floor > 0 and abs(kernel / floor / multiple - 1) < 0.02, row  # printed rounded
    assert re.search(r"warm call overhead\s+-?\d+\.\d+", out) and re.search(r"token file \(ms\)\s+\d+\.\d+", out), out
    # The first call's floor holds a fresh process's first request (libcurl loaded, a new connection).
    assert re.search(r"first request \(ms\)\s+\d+\.\d+", out) and "minimal start + token file + first request" in out, out


@pytest.mark.skipif(not shutil.which("valgrind"), reason="make bench-instructions installs valgrind; make test does not need it")
def test_instruction_counts_per_phase_with_the_top_functions():
    # Ten: in a release build (the Swift runtime linked in) the dynamic linker's frames fill the first five.
    out = bench("instructions.py", "--calls", "3", "--top", "10", timeout=600)
    counts = {m.group(1): int(m.group(2).replace(",", "")) for m in re.finditer(r"^(start-up|first call|warm call|paging)\s+([\d,]+)$", out, re.M)}
    assert set(counts) == {"start-up", "first call", "warm call", "paging"}, out
    assert all(n > 100_000 for n in counts.values()), counts
    assert counts["first call"] > counts["warm call"], counts  # the first call opens the token file and a connection
    assert "start-up: top 10 functions" in out and "globus_kernel_main" in out, out
