"""Bounds and traps: message size limit, interrupts during logout, a dead network, requests on
the wrong channel, and odd values from files, the environment and cells. Nothing traps; every
case ends with a named error or a normal answer."""
import json
import os
import random
import socket
import sqlite3
import threading
import time

import pytest
from jupyter_client.manager import start_new_kernel

from conftest import RawKernel, Sim, TUTORIAL_CLIENT, interrupt_during, run_cell, status_kb, stdout_of

TOKEN_DIR = (".globus", "app", TUTORIAL_CLIENT, "globus-kernel")


def peak_rss_mb(pid):
    return status_kb(pid, "VmHWM") / 1024


def test_an_oversized_frame_is_refused_before_it_fills_memory(tmp_path):
    rk = RawKernel(tmp_path)
    try:
        kc = rk.client()
        run_cell(kc, "%echo warm")
        before = peak_rss_mb(rk.proc.pid)
        d = rk.dealer("shell")
        d.send_multipart([b"<IDS|MSG>", b"x" * 64, b"{}", b"{}", b"{}", b"a" * (200 * 1024 * 1024)])
        time.sleep(2)
        reply, msgs = run_cell(kc, "%echo still serving", timeout=30)
        after = peak_rss_mb(rk.proc.pid)
        print(f"200 MB frame: kernel peak RSS {before:.0f} MB -> {after:.0f} MB")
        assert stdout_of(msgs) == "still serving\n"
        assert after < before + 80, f"peak RSS grew from {before:.0f} to {after:.0f} MB"
        kc.stop_channels()
    finally:
        rk.close()


def test_the_message_size_limit_is_configurable_and_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("GLOBUS_KERNEL_MAX_MESSAGE_SIZE", "1M")
    rk = RawKernel(tmp_path)
    try:
        kc = rk.client()
        reply, msgs = run_cell(kc, "%echo " + "b" * 1000)
        assert reply["content"]["status"] == "ok"
        kc.execute("%echo " + "c" * (2 * 1024 * 1024))
        with pytest.raises(Exception):
            kc.get_shell_msg(timeout=3)  # over the limit: never delivered
        kc.stop_channels()
    finally:
        rk.close()
    monkeypatch.setenv("GLOBUS_KERNEL_MAX_MESSAGE_SIZE", "lots")
    (tmp_path / "bad").mkdir()
    bad = RawKernel(tmp_path / "bad")
    try:
        assert bad.proc.wait(timeout=10) != 0
        assert b"GLOBUS_KERNEL_MAX_MESSAGE_SIZE" in bad.proc.stderr.read()
    finally:
        bad.close()


@pytest.fixture
def logged_in(tmp_path):
    """A kernel logged in (two-step) against a simulator, with its own HOME."""
    yield from logged_in_kernel(tmp_path)


def logged_in_kernel(tmp_path, **variables):
    """A kernel started with `variables` on top of a simulator's, logged in (two-step)."""
    sim = Sim()
    env = {**os.environ, **sim.env, "HOME": str(tmp_path), **variables}
    for k in ("GLOBUS_CLIENT_ID", "GLOBUS_CLIENT_SECRET", "GLOBUS_KERNEL_DEMO"):
        env.pop(k, None)
    km, kc = start_new_kernel(kernel_name="globus", env=env)
    reply, msgs = run_cell(kc, "%globus login", allow_stdin=False, timeout=60)
    text = "".join(m["content"].get("data", {}).get("text/plain", "") for m in msgs if m["msg_type"] == "display_data")
    url = next(w for w in text.split() if "/oauth2/authorize?" in w)
    reply, _ = run_cell(kc, f"%globus login --code {sim.approve(url)}", allow_stdin=False, timeout=60)
    assert reply["content"]["status"] == "ok"
    try:
        yield sim, km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        sim.stop()


def test_an_interrupt_ends_logout_at_once_and_the_tokens_are_still_removed(logged_in, tmp_path):
    sim, km, kc = logged_in
    sim.post_admin("faults", {"fault": "latency=80000@/auth/v2/oauth2/token/revoke"})
    msg_id, reply, took = interrupt_during(km, kc, "%globus logout", after=0.5, timeout=10)
    print(f"interrupt during logout answered in {took * 1000:.0f} ms")
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["ename"] == "KeyboardInterrupt" and "removed from this computer" in reply["content"]["evalue"]
    assert took < 1.0
    stored = json.loads(tmp_path.joinpath(*TOKEN_DIR, "tokens.json").read_text())
    assert stored["data"].get("DEFAULT", {}) == {}


def test_a_dead_network_ends_within_the_timeout(tmp_path):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # accepts connections into the backlog and never answers
    # Where tokens go is read when the kernel starts: Transfer's address is the silent port.
    kernel = logged_in_kernel(tmp_path, GLOBUS_SDK_SERVICE_URL_TRANSFER=f"http://127.0.0.1:{silent.getsockname()[1]}/transfer/")
    try:
        sim, km, kc = next(kernel)
        run_cell(kc, "%env GLOBUS_SDK_HTTP_TIMEOUT=2")
        t = time.time()
        reply, _ = run_cell(kc, "%globus call transfer GET /task_list", timeout=60)
        took = time.time() - t
        print(f"dead network with GLOBUS_SDK_HTTP_TIMEOUT=2: error after {took:.1f} s")
        assert reply["content"]["ename"] == "NetworkError" and "TimeoutError" in reply["content"]["evalue"]
        assert took < 5, f"{took:.1f} s: retries were not bounded by the timeout"
    finally:
        kernel.close()
        silent.close()


def test_requests_on_control_never_race_the_shell(tmp_path):
    km, kc = start_new_kernel(kernel_name="globus", env={**os.environ, "HOME": str(tmp_path)})
    try:
        n = 300
        def hammer_control():
            for _ in range(n):
                kc.control_channel.send(kc.session.msg("execute_request", {"code": "%echo c", "silent": False}))
        th = threading.Thread(target=hammer_control)
        th.start()
        for _ in range(n):
            kc.execute("%echo s")
        th.join()
        shell_replies = [kc.get_shell_msg(timeout=30) for _ in range(n)]
        control_replies = [kc.get_control_msg(timeout=30) for _ in range(n)]
        assert all(r["content"]["status"] == "ok" for r in shell_replies)
        assert all(r["content"]["ename"] == "WrongChannel" for r in control_replies)
        counts = sorted(r["content"]["execution_count"] for r in shell_replies)
        assert counts == list(range(1, n + 1)), "execution counts were lost or repeated"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


ODD_VALUES = [None, True, -1, 0, 1.5, 1e308, -9223372036854775808, 9223372036854775807, 2 ** 70, "", "x" * 10000,
              [], {}, {"nested": [1, {"a": None}]}, "\u202e\ud7ff", "1700000000"]


def mutated_token_files(rng, count):
    good = {"resource_server": "transfer.api.globus.org", "identity_id": "i", "scope": "urn:globus:auth:scope:transfer.api.globus.org:all",
            "access_token": "AT", "refresh_token": "RT", "expires_at_seconds": 1900000000, "token_type": "Bearer"}
    for _ in range(count):
        entry = dict(good)
        for _ in range(rng.randrange(1, 4)):
            entry[rng.choice(list(good) + ["extra"])] = rng.choice(ODD_VALUES)
        doc = {"data": {"DEFAULT": {"transfer.api.globus.org": entry}}, "format_version": "2.0", "globus-sdk.version": "4.10.0"}
        text = json.dumps(doc)
        if rng.random() < 0.3:  # damage the bytes too
            i = rng.randrange(len(text))
            text = text[:i] + rng.choice(["", "\x00", "}", "\"", "9" * 40, "\ufffd"]) + text[i + 1:]
        yield text


def test_odd_token_files_environment_values_and_databases_never_trap(tmp_path):
    rng = random.Random(1129)
    folder = tmp_path.joinpath(*TOKEN_DIR)
    folder.mkdir(parents=True, mode=0o700)
    km, kc = start_new_kernel(kernel_name="globus", env={**os.environ, "HOME": str(tmp_path)})
    outcomes = {"ok": 0, "error": 0}
    try:
        for text in mutated_token_files(rng, 300):
            (folder / "tokens.json").write_text(text, errors="surrogatepass")
            reply, _ = run_cell(kc, "%globus tokens", allow_stdin=False)
            c = reply["content"]
            outcomes[c["status"]] += 1
            assert c["status"] == "ok" or (c["ename"] and c["evalue"]), c
            for p in folder.iterdir():
                if "corrupt" in p.name:
                    p.unlink()
        # SQLite rows another program wrote: NULL columns, junk JSON.
        db = folder / "tokens.db"
        con = sqlite3.connect(db)
        con.execute("CREATE TABLE IF NOT EXISTS token_storage (namespace VARCHAR NOT NULL, resource_server VARCHAR NOT NULL, "
                    "token_data_json VARCHAR NOT NULL, PRIMARY KEY (namespace, resource_server))")
        con.execute("CREATE TABLE IF NOT EXISTS config_storage (namespace VARCHAR NOT NULL, config_name VARCHAR NOT NULL, "
                    "config_data_json VARCHAR NOT NULL, PRIMARY KEY (namespace, config_name))")
        con.execute("CREATE TABLE IF NOT EXISTS sdk_storage_adapter_internal (attribute VARCHAR NOT NULL, value VARCHAR NOT NULL, PRIMARY KEY (attribute))")
        con.execute("INSERT OR REPLACE INTO sdk_storage_adapter_internal VALUES ('globus-sdk.version', '4.10.0')")
        con.commit()
        con.close()
        for value in [None, "not json", "{}", json.dumps({"expires_at_seconds": None}), "[]"]:
            con = sqlite3.connect(db)
            con.execute("PRAGMA ignore_check_constraints = 1")
            con.execute("DROP TABLE token_storage")
            con.execute("CREATE TABLE token_storage (namespace VARCHAR, resource_server VARCHAR, token_data_json VARCHAR)")
            con.execute("INSERT INTO token_storage VALUES ('DEFAULT', ?, ?)", (None if value == "{}" else "transfer.api.globus.org", value))
            con.commit()
            con.close()
            reply, _ = run_cell(kc, "%globus config storage=sqlite\n%globus tokens", allow_stdin=False)
            c = reply["content"]
            outcomes[c["status"]] += 1
            assert c["status"] == "ok" or (c["ename"] and c["evalue"]), c
        run_cell(kc, "%globus config storage=json")
        for name in ["GLOBUS_SDK_HTTP_TIMEOUT", "GLOBUS_SDK_VERIFY_SSL", "GLOBUS_SDK_ENVIRONMENT", "GLOBUS_SDK_SERVICE_URL_TRANSFER",
                     "GLOBUS_CLIENT_ID", "GLOBUS_APP_NAME"]:
            for value in ["inf", "nan", "-inf", "1e308", "-1", "0", "", "x" * 5000, "http://", "://", "é€😀", "true", "/nonexistent"]:
                reply, _ = run_cell(kc, f"%env {name}='{value}'\n%globus call transfer GET /task_list --no-retry", allow_stdin=False, timeout=30)
                c = reply["content"]
                outcomes[c["status"]] += 1
                assert c["status"] == "ok" or (c["ename"] and c["evalue"]), (name, value, c)
            run_cell(kc, f"%env --unset {name}")
        reply, msgs = run_cell(kc, "%echo alive")
        assert stdout_of(msgs) == "alive\n" and km.is_alive()
        print(f"odd files, databases and environment values: {outcomes}")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
