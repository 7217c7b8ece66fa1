"""Demo mode keeps its tokens and the simulator's CA certificate in a private folder under
$TMPDIR, and nothing of it stays once the kernel has ended: by a shutdown request, by being
killed, or by `%globus demo off`. A standalone `globus-sim --tls` removes its own CA folder too."""
import os
import signal
import subprocess
import time

import psutil
import pytest
from jupyter_client.manager import start_new_kernel

from conftest import SIM_BIN, run_cell


def wait_until(predicate, seconds=10):
    """Waits for a condition the system reaches by itself (a process noticing its parent died)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def listing(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def demo_kernel(tmp_path):
    """start(demo) -> (manager, client, TMPDIR, the simulator's process): a kernel in demo mode
    whose $TMPDIR is a folder of the test's own, signed in and having made one call."""
    started = []

    def start(demo, cells=("%globus login", "%globus call transfer GET /task_list")):
        tmp = tmp_path / "tmp"
        tmp.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith("GLOBUS_")}
        env.update(HOME=str(tmp_path), TMPDIR=str(tmp), GLOBUS_KERNEL_DEMO=demo)
        km, kc = start_new_kernel(kernel_name="globus", env=env)
        started.append((km, kc))
        for line in cells:
            reply, msgs = run_cell(kc, line, allow_stdin=False, timeout=60)
            assert reply["content"]["status"] == "ok", (line, reply["content"])
        kernel = psutil.Process(km.provisioner.process.pid)
        sims = [p for p in kernel.children() if p.name() == "globus-sim"]
        assert len(sims) == 1, kernel.children()
        return km, kc, tmp, sims[0]

    yield start
    for km, kc in started:
        kc.stop_channels()
        if km.is_alive():
            km.shutdown_kernel(now=True)


def test_a_shutdown_request_removes_the_demo_tokens_and_the_ca_and_stops_the_simulator(demo_kernel):
    km, kc, tmp, sim = demo_kernel("alice@uchicago.edu")
    [folder] = tmp.iterdir()
    assert folder.name.startswith("globus-kernel-demo-") and oct(folder.stat().st_mode & 0o777) == "0o700"
    assert {"tokens.json", "ca.pem"} <= set(os.listdir(folder)), "the CA certificate lives in the demo's folder"
    kc.stop_channels()
    km.shutdown_kernel(now=False)  # shutdown_request, then waits for the process to end
    assert not km.is_alive()
    assert listing(tmp) == [], "demo mode left files behind after a shutdown"
    assert wait_until(lambda: not sim.is_running() or sim.status() == psutil.STATUS_ZOMBIE)


def test_a_killed_kernel_s_demo_folder_is_removed_by_its_simulator(demo_kernel):
    km, kc, tmp, sim = demo_kernel("alice@uchicago.edu")
    assert listing(tmp) != []
    km.provisioner.process.send_signal(signal.SIGKILL)
    km.provisioner.process.wait()
    assert wait_until(lambda: listing(tmp) == []), f"left behind: {listing(tmp)}"
    assert wait_until(lambda: not sim.is_running())


def test_a_person_s_demo_leaves_nothing_after_a_restart_and_a_shutdown(demo_kernel):
    # A person's demo (sign-in in the browser, plain HTTP), turned on in a cell.
    km, kc, tmp, sim = demo_kernel("", cells=["%globus demo on"])
    assert [p.name.startswith("globus-kernel-demo-") for p in tmp.iterdir()] == [True]
    km.restart_kernel(now=False)
    assert listing(tmp) == [], "the first kernel's demo folder outlived its restart"
    assert wait_until(lambda: not sim.is_running())
    kc.wait_for_ready(timeout=30)
    reply, msgs = run_cell(kc, "%globus demo on", allow_stdin=False, timeout=60)
    assert reply["content"]["status"] == "ok"
    assert len(list(tmp.iterdir())) == 1, "the restarted kernel's demo only"
    reply, msgs = run_cell(kc, "%globus demo off", allow_stdin=False, timeout=60)
    assert listing(tmp) == []
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    assert listing(tmp) == []


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_standalone_simulator_removes_its_ca_folder_when_stopped(tmp_path, sig):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    sim = subprocess.Popen([SIM_BIN, "--port", "0", "--tls", "--ready-json"], stdout=subprocess.PIPE,
                           env={**os.environ, "TMPDIR": str(tmp)}, text=True)
    try:
        assert '"ready"' in sim.stdout.readline()
        [folder] = tmp.iterdir()
        assert os.listdir(folder) == ["ca.pem"]
        sim.send_signal(sig)
        assert sim.wait(timeout=10) == 128 + sig, "the shell's status for a signal"
    finally:
        if sim.poll() is None:
            sim.kill()
            sim.wait()
    assert listing(tmp) == []
