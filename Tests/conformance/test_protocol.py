"""Protocol behaviour beyond jupyter_kernel_test, with jupyter_client and raw pyzmq sockets."""
import json
import os
import signal
import socket
import subprocess
import time

import pytest
import zmq
from jupyter_client.manager import KernelManager, start_new_kernel

from conftest import KERNEL_BIN, RawKernel, collect_iopub, free_port, run_cell, stdout_of


def test_interrupt_message_ends_blocked_cell(kernel):
    km, kc = kernel
    msg_id = kc.execute("%sleep 30")
    time.sleep(0.3)
    t = time.time()
    km.interrupt_kernel()  # interrupt_mode "message": an interrupt_request on control
    reply = kc.get_shell_msg(timeout=5)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    assert time.time() - t < 1.0
    out = collect_iopub(kc, msg_id)
    assert [m["msg_type"] for m in out][-1] == "error"
    reply, msgs = run_cell(kc, "%echo still alive")
    assert stdout_of(msgs) == "still alive\n"


def test_control_answers_while_shell_is_busy(kernel):
    km, kc = kernel
    kc.execute("%sleep 5")
    time.sleep(0.2)
    msg = kc.session.msg("kernel_info_request")
    t = time.time()
    kc.control_channel.send(msg)
    reply = kc.get_control_msg(timeout=2)
    assert reply["msg_type"] == "kernel_info_reply"
    assert time.time() - t < 0.5
    km.interrupt_kernel()


def test_sigint_never_kills_and_interrupts(kernel):
    km, kc = kernel
    msg_id = kc.execute("%sleep 30")
    time.sleep(0.3)
    km.signal_kernel(signal.SIGINT)
    reply = kc.get_shell_msg(timeout=5)
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    assert km.is_alive()
    collect_iopub(kc, msg_id)
    assert run_cell(kc, "%echo ok")[0]["content"]["status"] == "ok"


def test_shutdown_while_cell_blocks_is_prompt():
    km, kc = start_new_kernel(kernel_name="globus")
    try:
        kc.execute("%sleep 60")
        time.sleep(0.2)
        t = time.time()
        km.shutdown_kernel(now=False)
        assert time.time() - t < 2.0, "kernel had to be killed instead of exiting on shutdown_request"
        assert not km.is_alive()
    finally:
        kc.stop_channels()


def test_shutdown_on_shell_with_restart_flag(tmp_path):
    rk = RawKernel(tmp_path)
    try:
        kc = rk.client()
        msg = kc.session.msg("shutdown_request", {"restart": True})
        kc.shell_channel.send(msg)
        reply = kc.get_shell_msg(timeout=5)
        assert reply["content"] == {"status": "ok", "restart": True}
        assert rk.proc.wait(timeout=3) == 0
        kc.stop_channels()
    finally:
        rk.close()


def test_stdin_password_prompt_and_hidden_value(kernel):
    km, kc = kernel
    msg_id = kc.execute("%env MY_SECRET_TOKEN --ask", allow_stdin=True)
    req = kc.get_stdin_msg(timeout=5)
    assert req["msg_type"] == "input_request"
    assert req["parent_header"]["msg_id"] == msg_id
    assert req["content"]["password"] is True
    assert "MY_SECRET_TOKEN" in req["content"]["prompt"]
    kc.input("s3cr3t-value")
    reply = kc.get_shell_msg(timeout=5)
    assert reply["content"]["status"] == "ok"
    msgs = collect_iopub(kc, msg_id)
    assert "s3cr3t-value" not in json.dumps([m["content"] for m in msgs])
    reply, msgs = run_cell(kc, "%env MY_SECRET_TOKEN")
    shown = json.dumps([m["content"] for m in msgs])
    assert "s3cr3t-value" not in shown and "hidden" in shown
    reply, msgs = run_cell(kc, "%env")
    assert "s3cr3t-value" not in json.dumps([m["content"] for m in msgs])


def test_stdin_not_allowed_gives_clear_error(kernel):
    km, kc = kernel
    reply, msgs = run_cell(kc, "%env X --ask", allow_stdin=False)
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "StdinNotAllowed"


def test_stdin_interrupted_while_waiting(kernel):
    km, kc = kernel
    msg_id = kc.execute("%env X --ask", allow_stdin=True)
    kc.get_stdin_msg(timeout=5)
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=5)
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    collect_iopub(kc, msg_id)


def test_stop_on_error_aborts_only_queued(kernel):
    km, kc = kernel
    first = kc.execute("%sleep 0.3\n%no-such-command")
    queued = [kc.execute("%echo queued"), kc.execute("%echo queued too")]
    replies = {}
    while len(replies) < 3:
        r = kc.get_shell_msg(timeout=5)
        replies[r["parent_header"]["msg_id"]] = r["content"]["status"]
    assert replies[first] == "error"
    assert [replies[q] for q in queued] == ["aborted", "aborted"]
    # The queued cells are aborted (busy, reply, idle) before the failed cell's own idle.
    for q in queued + [first]:
        collect_iopub(kc, q)
    reply, msgs = run_cell(kc, "%echo after")
    assert stdout_of(msgs) == "after\n"


def test_a_cell_sent_when_idle_arrives_after_an_error_is_never_aborted(kernel):
    """A fast client sends its next cell the moment the failed cell's idle arrives: queued cells
    were aborted before that idle, so this one runs (1,000 times)."""
    km, kc = kernel
    # (The ordering that guarantees it is checked deterministically in KernelCoreTests.)
    aborted = next_cells_aborted(kc, 1000)
    assert aborted == 0, f"{aborted} of 1000 next cells were aborted"


def next_cells_aborted(kc, n):
    aborted = 0
    for _ in range(n):
        failed = kc.execute("%no-such-command")
        while True:
            m = kc.get_iopub_msg(timeout=10)
            if m["parent_header"].get("msg_id") == failed and m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                break
        nxt = kc.execute("%echo next")
        statuses = {}
        while nxt not in statuses:
            r = kc.get_shell_msg(timeout=10)
            statuses[r["parent_header"]["msg_id"]] = r["content"]["status"]
        aborted += statuses[nxt] == "aborted"
    return aborted


def test_stop_on_error_false_runs_queued(kernel):
    km, kc = kernel
    first = kc.execute("%sleep 0.3\n%no-such-command", stop_on_error=False)
    nxt = kc.execute("%echo runs")
    statuses = {}
    while len(statuses) < 2:
        r = kc.get_shell_msg(timeout=5)
        statuses[r["parent_header"]["msg_id"]] = r["content"]["status"]
    assert statuses == {first: "error", nxt: "ok"}


def test_update_display_data_uses_display_id(kernel):
    km, kc = kernel
    reply, msgs = run_cell(kc, "%sleep --progress 1.2")
    kinds = [m["msg_type"] for m in msgs]
    assert kinds[:2] == ["execute_input", "display_data"]
    disp = next(m for m in msgs if m["msg_type"] == "display_data")
    updates = [m for m in msgs if m["msg_type"] == "update_display_data"]
    assert updates and all(u["content"]["transient"]["display_id"] == disp["content"]["transient"]["display_id"] for u in updates)
    assert "Done waiting" in updates[-1]["content"]["data"]["text/plain"]


def test_silent_execution_publishes_nothing_and_keeps_counter(kernel):
    km, kc = kernel
    r1, _ = run_cell(kc, "%echo one")
    reply, msgs = run_cell(kc, "%echo hidden", silent=True)
    assert msgs == []  # no execute_input, no stream
    assert reply["content"]["execution_count"] == r1["content"]["execution_count"]
    r3, _ = run_cell(kc, "%echo three")
    assert r3["content"]["execution_count"] == r1["content"]["execution_count"] + 1


def test_completion_cursor_counts_unicode_scalars(kernel):
    km, kc = kernel
    code = "%echo 😀 é\n%ec"
    kc.complete(code, cursor_pos=len(code))
    reply = kc.get_shell_msg(timeout=5)["content"]
    assert reply["matches"] == ["%echo"]
    assert reply["cursor_start"] == len(code) - 3 and reply["cursor_end"] == len(code)
    kc.complete(code, cursor_pos=10_000)  # out of range: clamped
    assert kc.get_shell_msg(timeout=5)["content"]["status"] == "ok"


def test_history_with_output(kernel):
    km, kc = kernel
    run_cell(kc, "%env H=1\n%env H")
    kc.history(hist_access_type="tail", n=1, output=True)
    h = kc.get_shell_msg(timeout=5)["content"]["history"]
    assert h[0][2] == ["%env H=1\n%env H", "1"]


def test_comm_open_to_unknown_target_is_closed(kernel):
    km, kc = kernel
    msg = kc.session.msg("comm_open", {"comm_id": "c1", "target_name": "nope", "data": {}})
    kc.shell_channel.send(msg)
    deadline = time.time() + 5
    while time.time() < deadline:
        m = kc.get_iopub_msg(timeout=5)
        if m["msg_type"] == "comm_close":
            assert m["content"]["comm_id"] == "c1"
            break
    else:
        raise AssertionError("no comm_close")
    kc.comm_info()
    assert kc.get_shell_msg(timeout=5)["content"] == {"status": "ok", "comms": {}}


def test_heartbeat_echoes(tmp_path):
    rk = RawKernel(tmp_path)
    try:
        s = rk.ctx.socket(zmq.REQ)
        s.connect(rk.endpoint("hb"))
        s.send(b"ping")
        assert s.poll(2000) and s.recv() == b"ping"
    finally:
        rk.close()


def _serves_a_cell(rk, text):
    """`%echo text` through a client of `rk` answers with the text; `rk` is closed after."""
    try:
        kc = rk.client()
        reply, msgs = run_cell(kc, f"%echo {text}")
        assert stdout_of(msgs) == text + "\n"
        kc.stop_channels()
    finally:
        rk.close()


def test_ipc_transport(tmp_path):
    _serves_a_cell(RawKernel(tmp_path, transport="ipc"), "over ipc")


def _kernel_info_works(kc):
    kc.kernel_info()
    reply = kc.get_shell_msg(timeout=5)
    assert reply["msg_type"] == "kernel_info_reply"
    assert reply["content"]["language_info"]["name"] == "globus"


def test_bad_input_is_dropped_and_kernel_keeps_serving(tmp_path):
    rk = RawKernel(tmp_path)
    try:
        kc = rk.client()
        sess = kc.session
        raw = rk.dealer("shell")
        good = sess.msg("kernel_info_request")
        header, parent, meta, content = (sess.pack(good["header"]), sess.pack({}), sess.pack({}), sess.pack({}))
        sig = sess.sign([header, parent, meta, content])
        bad_cases = {
            "no delimiter": [b"garbage"],
            "too few frames": [b"<IDS|MSG>", sig, header],
            "missing signature": [b"<IDS|MSG>", b"", header, parent, meta, content],
            "wrong signature": [b"<IDS|MSG>", b"0" * 64, header, parent, meta, content],
            "short signature": [b"<IDS|MSG>", b"abc", header, parent, meta, content],
            "invalid json": [b"<IDS|MSG>", sess.sign([b"{not json", parent, meta, content]), b"{not json", parent, meta, content],
            "non-object header": [b"<IDS|MSG>", sess.sign([b"[1]", parent, meta, content]), b"[1]", parent, meta, content],
            "invalid utf-8": [b"<IDS|MSG>", sess.sign([b'{"a":"\xff"}', parent, meta, content]), b'{"a":"\xff"}', parent, meta, content],
            "empty message": [b""],
        }
        for name, frames in bad_cases.items():
            raw.send_multipart(frames)
            assert not raw.poll(300), f"kernel replied to a bad message ({name})"
            _kernel_info_works(kc)
        # A valid signed message is answered once; the same bytes again are a replay.
        valid = [b"<IDS|MSG>", sig, header, parent, meta, content]
        raw.send_multipart(valid)
        assert raw.poll(2000), "kernel did not answer a valid message"
        raw.recv_multipart()
        raw.send_multipart(valid)
        assert not raw.poll(300), "kernel answered a replayed message"
        # The same MAC upper-cased, mixed-cased, or sent on control instead: still a replay.
        ctl_replay = rk.dealer("control")
        for spelling, sock in [(sig.upper(), raw), (sig[:32].upper() + sig[32:], raw), (sig, ctl_replay)]:
            sock.send_multipart([b"<IDS|MSG>", spelling, header, parent, meta, content])
            assert not sock.poll(300), f"kernel answered a replay spelled {spelling[:8]!r}… on {'control' if sock is ctl_replay else 'shell'}"
        # Unknown message type: busy/idle, no reply.
        unknown = sess.msg("no_such_request")
        sess.send(raw, unknown)
        assert not raw.poll(300)
        _kernel_info_works(kc)
        # Bad messages on control are dropped too.
        ctl = rk.dealer("control")
        ctl.send_multipart([b"<IDS|MSG>", b"0" * 64, header, parent, meta, content])
        assert not ctl.poll(300)
        _kernel_info_works(kc)
        assert rk.proc.poll() is None
        kc.stop_channels()
    finally:
        rk.close()
    err = rk.proc.stderr.read().decode()
    assert rk.cfg["key"] not in err, "the signing key leaked into the log"
    assert "invalid signature" in err


def test_curve_transport_encryption_required():
    km = KernelManager(kernel_name="globus", transport_encryption="required")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=20)
        assert km.curve_publickey is not None
        reply, msgs = run_cell(kc, "%echo encrypted")
        assert stdout_of(msgs) == "encrypted\n"
        assert kc.hb_channel.is_beating()
        # A plain (non-CURVE) client gets nothing from the kernel.
        ctx = zmq.Context()
        plain = ctx.socket(zmq.DEALER)
        plain.linger = 0
        plain.connect(f"tcp://127.0.0.1:{km.shell_port}")
        kc.session.send(plain, kc.session.msg("kernel_info_request"))
        assert not plain.poll(500)
        ctx.destroy(linger=0)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


@pytest.mark.parametrize("content,needle", [
    (None, "cannot read connection file"),
    ("{not json", "not valid JSON"),
    ('{"shell_port": 1}', "needs 'iopub_port'"),
    ('{"shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5,"key":"k","signature_scheme":"hmac-md5"}',
     "unsupported signature_scheme"),
    ('{"registration_ip":"127.0.0.1","registration_port":5}', "registration"),
])
def test_bad_connection_file_exits_with_one_line(tmp_path, content, needle):
    path = tmp_path / "conn.json"
    if content is not None:
        path.write_text(content)
    p = subprocess.run([KERNEL_BIN, "run", "-f", str(path)], capture_output=True, text=True, timeout=10)
    assert p.returncode != 0
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], p.stderr


@pytest.mark.parametrize("argv", [
    ("run", "-f", "{cf}"), ("run", "--connection-file", "{cf}"), ("run", "--connection-file={cf}"),
    ("run", "-f={cf}"), ("run", "-f", "{cf}", "--"),
])
def test_every_spelling_of_the_connection_file_serves(tmp_path, argv):
    # The first three take the kernel's fast start (no argument parser); the others go through
    # ArgumentParser, which reads them the same way.
    _serves_a_cell(RawKernel(tmp_path, argv=argv), "served")


def test_more_than_the_connection_file_is_for_the_argument_parser(tmp_path):
    p = subprocess.run([KERNEL_BIN, "run", "-f", str(tmp_path / "k.json"), "--bogus"], capture_output=True, text=True, timeout=10)
    assert p.returncode != 0 and "Unknown option '--bogus'" in p.stderr, p.stderr


def test_port_in_use_exits_with_reason(tmp_path):
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    ports = [free_port() for _ in range(4)]
    cfg = {"shell_port": busy.getsockname()[1], "iopub_port": ports[0], "stdin_port": ports[1],
           "control_port": ports[2], "hb_port": ports[3], "ip": "127.0.0.1", "transport": "tcp",
           "key": "abc", "signature_scheme": "hmac-sha256"}
    path = tmp_path / "conn.json"
    path.write_text(json.dumps(cfg))
    p = subprocess.run([KERNEL_BIN, "run", "-f", str(path)], capture_output=True, text=True, timeout=10)
    busy.close()
    assert p.returncode != 0
    assert "cannot bind the shell socket" in p.stderr and "in use" in p.stderr


def test_connection_file_is_untouched(tmp_path):
    rk = RawKernel(tmp_path)
    try:
        before = (os.stat(rk.path).st_mode, open(rk.path).read())
        kc = rk.client()
        run_cell(kc, "%echo hi")
        kc.stop_channels()
        assert (os.stat(rk.path).st_mode, open(rk.path).read()) == before
    finally:
        rk.close()
