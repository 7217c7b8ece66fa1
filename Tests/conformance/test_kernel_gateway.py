"""Remote kernels: Jupyter Kernel Gateway (PyPI) launches the Globus kernel, and the client talks to
it only over the gateway's HTTP and WebSocket API: a login whose code prompt crosses the
WebSocket, a call, an interrupt and a restart through the REST API, and tokens that survive it."""
import os
import subprocess
import sys
import time

import pytest
import requests

from conftest import Sim, free_port, stop_process_group
from remote_kernels import KernelServer, interrupted_wait, sign_in_and_call

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
    stop_process_group(proc)
    log.close()
    sim.stop()


def test_the_globus_kernel_through_a_kernel_gateway(gateway):
    sim, server, home = gateway
    assert "globus" in server.kernelspecs(), "the gateway does not list the Globus kernel"
    kernel = server.start_kernel("globus")
    try:
        kernel.wait_ready()
        sign_in_and_call(kernel, sim, home)
        # A long wait, interrupted through the REST API: the waiting stops, the task goes on.
        interrupted_wait(kernel, "gw-copy")

        # A restart through the REST API: the kernel comes back signed in, from its token file.
        kernel.restart()
        whoami = kernel.execute("%globus whoami")
        assert whoami.status == "ok" and whoami.output.strip().startswith("alice@uchicago.edu"), whoami
        assert not whoami.prompts
    finally:
        kernel.shutdown()
