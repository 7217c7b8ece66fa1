"""Wire fuzzing: a seeded driver throws malformed, truncated, oversized, wrongly signed, replayed
and mistyped messages at a running kernel over its real sockets; afterwards it must still answer
kernel_info and run a cell. GLOBUS_FUZZ_MESSAGES sets the count (default 100000)."""
import json
import os
import random
import time

import pytest
import zmq

from conftest import RawKernel, run_cell, stdout_of

N = int(os.environ.get("GLOBUS_FUZZ_MESSAGES", "100000"))
TYPES = ["execute_request", "complete_request", "inspect_request", "is_complete_request", "history_request",
         "kernel_info_request", "comm_info_request", "comm_open", "comm_msg", "interrupt_request", "nonsense_request", ""]
VALUES = [None, True, 0, -1, 2**63, 1.5, "", "x" * 1000, "%globus", "%%globus call", "é😀\u0000", [], {}, [1, {"a": None}],
          {"code": 5}, "%globus call transfer GET /x --jmespath '[[['", "%env", "'unterminated", "\\"]
CORPUS = os.path.join(os.path.dirname(__file__), "fuzz_corpus")


def hostile_content(rng):
    keys = ["code", "cursor_pos", "detail_level", "hist_access_type", "n", "pattern", "silent", "store_history",
            "allow_stdin", "stop_on_error", "user_expressions", "comm_id", "target_name", "data", "restart", "output", "raw"]
    return {k: rng.choice(VALUES) for k in rng.sample(keys, rng.randint(0, len(keys)))}


def make_frames(rng, session, sent):
    # Mostly cheap malformations; oversized (up to 1 MB) and deeply nested ones are the rare tail.
    kind = rng.choices(range(10), weights=[20, 15, 15, 15, 10, 10, 0.3, 1, 8, 5.7])[0]
    msg_type = rng.choice(TYPES)
    header = {"msg_id": f"f{rng.random()}", "session": "fuzz", "username": "fuzz", "date": "2026-01-01T00:00:00Z",
              "msg_type": msg_type, "version": "5.3"}
    content = hostile_content(rng)
    if msg_type == "execute_request":
        content["allow_stdin"] = False  # nobody answers stdin here
        content["code"] = rng.choice(["%echo fuzz", "%nope", "%globus help", "%env", "%sleep 0", "%globus config", content.get("code")])
        if not isinstance(content["code"], str):
            content["code"] = "%echo coerced"
    if msg_type == "interrupt_request" or msg_type == "shutdown_request":
        msg_type = "nonsense_request"
    frames = [json.dumps(header).encode(), b"{}", b"{}", json.dumps(content).encode()]
    if kind == 0:   # valid signature, hostile content
        return [b"<IDS|MSG>", session.sign(frames)] + frames
    if kind == 1:   # wrong signature
        return [b"<IDS|MSG>", bytes(rng.choice(b"0123456789abcdef") for _ in range(64))] + frames
    if kind == 2:   # truncated
        full = [b"<IDS|MSG>", session.sign(frames)] + frames
        return full[: rng.randrange(1, len(full))]
    if kind == 3:   # random bytes in random frames
        return [bytes(rng.getrandbits(8) for _ in range(rng.randrange(200))) for _ in range(rng.randrange(1, 8))]
    if kind == 4 and sent:  # replay
        return rng.choice(sent)
    if kind == 5:   # invalid JSON, correctly signed
        bad = [b"{", b"[]", b"\xff\xfe", b'{"msg_type": 5}'][rng.randrange(4)]
        frames[rng.randrange(4)] = bad
        return [b"<IDS|MSG>", session.sign(frames)] + frames
    if kind == 6:   # oversized content
        frames[3] = json.dumps({"code": "%echo " + "A" * rng.randrange(100_000, 1_000_000)}).encode()
        header["msg_type"] = "is_complete_request"
        frames[0] = json.dumps(header).encode()
        return [b"<IDS|MSG>", session.sign(frames)] + frames
    if kind == 7:   # deep nesting
        frames[3] = b"[" * 5000 + b"]" * 5000
        return [b"<IDS|MSG>", session.sign(frames)] + frames
    if kind == 8:   # extra buffers and identities
        return [b"id1", b"id2", b"<IDS|MSG>", session.sign(frames)] + frames + [b"buf"] * rng.randrange(3)
    return [b"<IDS|MSG>", b""] + frames  # unsigned


@pytest.mark.timeout(1200)
def test_kernel_survives_the_fuzzer(tmp_path):
    rk = RawKernel(tmp_path)
    try:
        kc = rk.client()
        rng = random.Random(20261129)
        shell, control = rk.dealer("shell"), rk.dealer("control")
        for s in (shell, control):
            s.setsockopt(zmq.SNDHWM, 0)
        sent = []
        t = time.time()
        for i in range(N):
            frames = make_frames(rng, kc.session, sent)
            if len(sent) < 1000 and frames and frames[0] == b"<IDS|MSG>":
                sent.append(frames)
            (control if i % 7 == 0 else shell).send_multipart(frames)
            if i % 500 == 0:  # drain replies so nothing piles up
                for s in (shell, control):
                    while s.poll(0):
                        s.recv_multipart()
            if i % 20000 == 19999:
                assert rk.proc.poll() is None, f"kernel died after {i + 1} messages"
        elapsed = time.time() - t
        # Let it work through the fuzzer's queue: a last request on the fuzzer's own socket is
        # answered after everything sent before it there (another client's request may be served
        # earlier, and a cell sent then could fall into an abort window of a fuzzed failing cell).
        marker = kc.session.msg("kernel_info_request")
        shell.send_multipart(kc.session.serialize(marker))
        deadline = time.time() + 120
        done = False
        while time.time() < deadline and not done:
            if shell.poll(2000):
                done = marker["header"]["msg_id"].encode() in b"".join(shell.recv_multipart())
        assert done, "the fuzzer's queue was not worked through in 120 s"
        assert rk.proc.poll() is None, "the kernel died"
        reply, msgs = run_cell(kc, "%echo still serving", timeout=120)
        assert reply["content"]["status"] == "ok" and "still serving" in stdout_of(msgs)
        print(f"fuzzed {N} messages in {elapsed:.1f} s; kernel alive and serving")
        kc.stop_channels()
    finally:
        rk.close()
    err = rk.proc.stderr.read().decode(errors="replace")
    assert rk.cfg["key"] not in err


def test_crash_corpus_replays_clean(tmp_path):
    """Inputs that once crashed something, kept as regression tests (one JSON list of base64 frames per file)."""
    import base64
    files = sorted(os.listdir(CORPUS)) if os.path.isdir(CORPUS) else []
    rk = RawKernel(tmp_path)
    try:
        kc = rk.client()
        shell = rk.dealer("shell")
        for name in files:
            with open(os.path.join(CORPUS, name)) as f:
                frames = [base64.b64decode(x) for x in json.load(f)]
            shell.send_multipart(frames)
        reply, msgs = run_cell(kc, "%echo ok")
        assert reply["content"]["status"] == "ok"
        kc.stop_channels()
    finally:
        rk.close()
