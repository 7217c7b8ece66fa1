"""Remote kernels: Jupyter Kernel Gateway (PyPI) launches the Globus kernel, and the client talks to
it only over the gateway's HTTP and WebSocket API: a login whose code prompt crosses the
WebSocket, a call, an interrupt and a restart through the REST API, and tokens that survive it."""
import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from conftest import Sim, free_port
from remote_kernels import TOKEN_FILE, KernelServer, sign_in

@pytest.fixture
def gateway(tmp_path):
    """A Kernel Gateway on loopback whose kernels talk to a simulator as they would to Globus."""
    sim = Sim("--task-seconds", "30")
    port, token = free_port(), "gateway-test-token"
    env = {**os.environ, **sim.env, "HOME": str(tmp_path)}
    env.pop("GLOBUS_KERNEL_DEMO", None)
    log = open(tmp_path / "gateway.log", "w")
    proc = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "jupyter-kernelgateway"),
                             "--KernelGatewayApp.ip=127.0.0.1", f"--KernelGatewayApp.port={port}",
                             f"--KernelGatewayApp.auth_token={token}"],
                            env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = KernelServer(f"http://127.0.0.1:{port}/", token)
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, (tmp_path / "gateway.log").read_text()
        try:
            server.kernelspecs()
            break
        except (requests.ConnectionError, AssertionError):
            assert time.monotonic() < deadline, "the gateway did not answer"
            time.sleep(0.2)
    yield sim, server, tmp_path
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    log.close()
    sim.stop()


def test_the_globus_kernel_through_a_kernel_gateway(gateway):
    sim, server, home = gateway
    assert "globus" in server.kernelspecs(), "the gateway does not list the Globus kernel"
    kernel = server.start_kernel("globus")
    try:
        kernel.wait_ready()
        login = kernel.execute("%globus login", answer=sign_in(sim))
        assert login.status == "ok", login
        assert login.prompts and "code" in login.prompts[0].lower(), login.prompts
        assert "Logged in as alice@uchicago.edu" in login.output, login
        token_file = home.joinpath(*TOKEN_FILE)
        assert token_file.stat().st_mode & 0o777 == 0o600

        call = kernel.execute("%globus call transfer GET /endpoint_search -Q filter_fulltext=tutorial --jmespath 'DATA[].display_name'")
        assert call.status == "ok" and "Globus Tutorial Collection 1" in call.output, call

        # A long wait, interrupted through the REST API: the waiting stops, the task goes on.
        submit = kernel.execute("%globus transfer 'Globus Tutorial Collection 1':/~/data 'Globus Tutorial Collection 2':/~/gw-copy "
                                "--recursive --as task")
        assert submit.status == "ok", submit
        asked = []

        def interrupt_soon(k):
            time.sleep(1)
            asked.append(time.monotonic())
            k.interrupt()

        wait = kernel.execute("%globus task wait @{task.task_id}", during=interrupt_soon, timeout=60)
        assert asked and wait.seconds < 25, wait  # the task takes 30 s: the wait stopped, not ran out
        assert wait.status == "error" and "goes on" in wait.output + (wait.error or ""), wait
        show = kernel.execute("%globus task show @{task.task_id}")
        assert show.status == "ok" and "ACTIVE" in show.output, show

        # A restart through the REST API: the kernel comes back signed in, from its token file.
        kernel.restart()
        whoami = kernel.execute("%globus whoami")
        assert whoami.status == "ok" and whoami.output.strip().startswith("alice@uchicago.edu"), whoami
        assert not whoami.prompts
    finally:
        kernel.shutdown()
