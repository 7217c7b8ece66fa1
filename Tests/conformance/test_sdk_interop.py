"""The Swift SDK (through the kernel) and the Python globus-sdk share one login, both ways;
and the token file survives many processes writing it at once."""
import json
import os
import subprocess

import globus_sdk
import globus_sdk.token_storage
from jupyter_client.manager import start_new_kernel

from conftest import KERNEL_BIN, Sim, TUTORIAL_CLIENT, login_two_step, run_cell
from test_simulator_python_sdk import SimulatorLogin

STRESS_BIN = os.path.join(os.path.dirname(KERNEL_BIN), "gk-token-stress")


def python_app(sim):
    SimulatorLogin.sim = sim
    cfg = globus_sdk.GlobusAppConfig(login_flow_manager=SimulatorLogin, token_storage="json")
    return globus_sdk.UserApp("Globus Kernel", client_id=TUTORIAL_CLIENT, config=cfg)


def kernel(sim, home):
    return start_new_kernel(kernel_name="globus", env={**os.environ, **sim.env, "HOME": str(home)})


def kernel_login(sim, kc):
    """The two-step login (no stdin): start, approve as a person would, finish with the code."""
    content, _ = login_two_step(sim, kc, line="%globus login")
    assert content["status"] == "ok"


def test_tokens_stored_by_python_are_used_by_the_kernel(tmp_path, monkeypatch):
    sim = Sim()
    try:
        for k, v in sim.env.items():
            monkeypatch.setenv(k, v)
        monkeypatch.setenv("HOME", str(tmp_path))
        app = python_app(sim)
        tc = globus_sdk.TransferClient(app=app)
        assert tc.task_list()["DATA_TYPE"] == "task_list"      # Python logs in and stores
        km, kc = kernel(sim, tmp_path)
        try:
            reply, msgs = run_cell(kc, "%globus call transfer GET /task_list", allow_stdin=False)
            assert reply["content"]["status"] == "ok", reply["content"]
            assert not [m for m in msgs if m["msg_type"] == "display_data"], "the kernel asked for a login"
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    finally:
        sim.stop()


def test_tokens_stored_by_the_kernel_are_used_by_python(tmp_path, monkeypatch):
    sim = Sim()
    try:
        km, kc = kernel(sim, tmp_path)
        try:
            kernel_login(sim, kc)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
        for k, v in sim.env.items():
            monkeypatch.setenv(k, v)
        monkeypatch.setenv("HOME", str(tmp_path))
        app = python_app(sim)
        tc = globus_sdk.TransferClient(app=app)
        assert app.login_required() is False
        assert tc.task_list()["DATA_TYPE"] == "task_list"
        assert globus_sdk.GroupsClient(app=app).get_my_groups()
    finally:
        sim.stop()


def test_eight_processes_hammering_one_token_file(tmp_path):
    # Every write is two fsyncs (the file and its folder), so the time this takes is the disk's:
    # 8 × 1000 writes took up to 114 s on a loaded two-core machine, against the 120 s every test
    # has. 8 × 300 keeps eight writers contending for the lock on every write, which is what is
    # tested (a lost read-modify-write shows as a short shared count).
    path = tmp_path / "app" / "tokens.json"
    n = 300
    procs = [subprocess.Popen([STRESS_BIN, str(path), str(w), str(n)]) for w in range(8)]
    assert [p.wait(timeout=600) for p in procs] == [0] * 8
    doc = json.loads(path.read_text())
    entries = doc["data"]["DEFAULT"]
    for w in range(8):
        assert entries[f"worker-{w}"]["access_token"] == f"at-{w}-{n}"
        assert entries[f"worker-{w}"]["expires_at_seconds"] == n
    assert entries["shared"]["expires_at_seconds"] == 8 * n, "a read-modify-write was lost"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in path.parent.iterdir() if ".tmp-" in p.name] == []
    # The Python SDK reads the result.
    store = globus_sdk.token_storage.JSONTokenStorage(str(path))
    assert store.get_token_data("shared").expires_at_seconds == 8 * n


def test_sqlite_store_is_readable_by_the_python_sdk(tmp_path):
    sim = Sim()
    try:
        km, kc = kernel(sim, tmp_path)
        try:
            run_cell(kc, "%globus config storage=sqlite")
            kernel_login(sim, kc)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
        db = tmp_path / ".globus/app" / TUTORIAL_CLIENT / "globus-kernel/tokens.db"
        assert oct(db.stat().st_mode & 0o777) == "0o600"
        store = globus_sdk.token_storage.SQLiteTokenStorage(str(db))
        t = store.get_token_data("transfer.api.globus.org")
        assert t.refresh_token and t.identity_id
        store.close()
    finally:
        sim.stop()
