"""A Flows service that never ends its listing (hostile_globus.EndlessFlows: a fresh marker and
`has_next_page` on every page, for ever). Before, `%globus flows list` sent 155,000 requests in a
minute and `call flows GET /flows --paginate` grew by 170 MB/s until the machine ran out; under
nbclient or papermill nothing would have interrupted it. Now each stops at a cap, says so and how
to go on, and the kernel's memory stays bounded. Prints the figures."""
import threading
import time

import psutil
import pytest
from jupyter_client.manager import start_new_kernel

from conftest import run_cell, stdout_of
from hostile_globus import EndlessFlows, HostileGlobus, World


@pytest.fixture(scope="module")
def endless(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile-paging")
    g = HostileGlobus(folder)
    env = g.kernel_env(folder)  # a token file for every service, written while a plain World is served
    km, kc = start_new_kernel(kernel_name="globus", env=env)
    yield g, km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    g.stop()


def settle(kc):
    """Lets the kernel hand back the heap it has freed, as it does when a cell is done and no
    request comes for 5 ms: a cell's growth is then measured from the same state whatever ran
    before it (before that, a cell reused what the previous cell had freed, and looked smaller)."""
    run_cell(kc, "%echo settled")
    time.sleep(0.2)


def peak_rss_while(pid, cell):
    """Runs `cell` and samples the kernel's resident memory meanwhile: (result, rss before, peak)."""
    proc = psutil.Process(pid)
    before = proc.memory_info().rss
    peak = [before]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], proc.memory_info().rss)
            time.sleep(0.02)
    t = threading.Thread(target=sample)
    t.start()
    try:
        result = cell()
    finally:
        done.set()
        t.join()
    return result, before, peak[0]


@pytest.mark.parametrize("command,per_page,pad,pages,note,most", [
    ("%globus flows list", 100, 1000, 100, "Stopped after the first 10000 items; there may be more. --limit N fetches up to N items.", 200),
    # The merged 10,000 items written as one text: 221-243 MB over a settled heap, its peak
    # (~255 MB) the same as when the previous cell's freed heap was still held and reused (then
    # it grew by ~100 MB): the text, its escaped copy in the message and the tree, each whole.
    ("%globus call flows GET /flows --paginate --format raw", 100, 1000, 100, "Stopped after the first 10000 items", 300),
    ("%globus flows list", 1, 1000, 1000, "Stopped after 1000 pages (1000 items); there may be more.", 200),
    # Pages of 10 MB: the byte cap (64 MB) ends it; the seventh page is cut off where the cap runs out.
    ("%globus flows list", 100, 100_000, 7, "Stopped after 64 MB of pages (600 items); there may be more.", 600),
])
def test_a_listing_that_never_ends_stops_at_a_cap_in_bounded_memory(endless, command, per_page, pad, pages, note, most):
    g, km, kc = endless
    g.serve(EndlessFlows(per_page, pad))
    settle(kc)
    started = time.time()
    (reply, msgs), before, peak = peak_rss_while(km.provisioner.pid, lambda: run_cell(kc, command, timeout=300))
    seconds = time.time() - started
    assert reply["content"]["status"] == "ok", reply["content"]
    # Pages are parsed while the next one is on its way: the cap is seen at most one page late.
    assert pages <= g.requests <= pages + 1, f"{g.requests} requests"
    assert note in stdout_of(msgs, "stderr")
    grown = (peak - before) / 2**20
    # What is kept is bounded by the caps (10,000 items, 64 MB of pages), whatever the service does.
    assert grown < most, f"the kernel grew by {grown:.0f} MB"
    with capsys_disabled():
        print(f"\n{command} against endless pages of {per_page}: {g.requests} requests in {seconds:.1f} s, "
              f"kernel {before / 2**20:.0f} MB -> peak {peak / 2**20:.0f} MB (+{grown:.0f} MB)")
    g.serve(World(["plain"]))


class capsys_disabled:
    """Figures go to the terminal even when pytest captures output."""

    def __enter__(self):
        import sys
        self.out = sys.stdout
        sys.stdout = sys.__stdout__

    def __exit__(self, *exc):
        import sys
        sys.stdout = self.out


def test_one_page_larger_than_the_cap_is_refused_before_it_is_held(endless):
    """A single answer of about 80 MB: the transport stops reading at the byte cap."""
    g, km, kc = endless
    g.serve(EndlessFlows(100, pad=800_000))
    settle(kc)
    (reply, msgs), before, peak = peak_rss_while(km.provisioner.pid, lambda: run_cell(kc, "%globus flows list", timeout=300))
    c = reply["content"]
    assert c["status"] == "error" and c["ename"] == "NetworkError" and "larger than 64 MB" in "".join(c["traceback"]), c
    grown = (peak - before) / 2**20
    assert grown < 200, f"the kernel grew by {grown:.0f} MB"
    with capsys_disabled():
        print(f"\none answer of 80 MB: refused at 64 MB, kernel +{grown:.0f} MB")
    g.serve(World(["plain"]))


def test_an_idle_kernel_gives_back_what_a_long_listing_took(endless):
    """After a cell that held 10,000 items (about 130 MB at its peak), the kernel hands the freed
    heap back to the system once it is idle: each of a class's kernels would otherwise keep its
    largest cell's memory for the rest of the class (152 MB here, where it now goes back to ~30)."""
    g, km, kc = endless
    proc = psutil.Process(km.provisioner.pid)
    g.serve(EndlessFlows(100, 1000))
    settle(kc)
    (reply, _), before, peak = peak_rss_while(km.provisioner.pid, lambda: run_cell(kc, "%globus flows list", timeout=300))
    assert reply["content"]["status"] == "ok", reply["content"]
    assert peak - before > 64 * 2**20, "the listing took less memory than this test is about"
    # The kernel gives the pages back 5 ms after a cell when no request has come: wait for it.
    deadline = time.time() + 10
    while proc.memory_info().rss - before > 32 * 2**20 and time.time() < deadline:
        time.sleep(0.05)
    after = proc.memory_info().rss
    assert after - before <= 32 * 2**20, f"idle after the listing, the kernel still holds {(after - before) / 2**20:.0f} MB more"
    with capsys_disabled():
        print(f"\nafter 10,000 items: kernel {before / 2**20:.0f} MB -> peak {peak / 2**20:.0f} MB -> idle {after / 2**20:.0f} MB")
    g.serve(World(["plain"]))
