"""Command fuzzing: random and adversarial lines never crash the kernel; each gets a result or a
clear error (a name and a message). GLOBUS_FUZZ_LINES sets the count (default 2000)."""
import os
import random

import pytest
from jupyter_client.manager import start_new_kernel

from conftest import Sim, run_cell

N = int(os.environ.get("GLOBUS_FUZZ_LINES", "2000"))
HEADS = ["%globus", "%globus login", "%globus call", "%globus call transfer", "%globus call transfer GET", "%globus call gcs",
         "%globus whoami", "%globus tokens", "%globus consent", "%globus logout", "%globus config", "%globus help", "%globus demo",
         "%globus version", "%%globus call transfer POST /x", "%echo", "%env", "%time", "%time %globus", "%help", "%lsmagic",
         "%clear", "%sleep", "?", "%globus?", "%nonsense", "", "%%", "%"]
ATOMS = ["--scope", "--force", "--code", "-Q", "-H", "--body", "--body-file", "--jmespath", "--format", "table", "raw", "json",
         "GET", "POST", "DELETE", "/task_list", "/v0.10/x", "'", '"', "\\", "$HOME", "${HOME}", "${", "$", "--", "-", "=", "a=b",
         "'[*]'", "'foo[?bar > `1`]'", "'[[[['", "'@.a.b | length(@)'", "é", "😀", "\u0000", "\t", "x" * 200_000, "--all",
         "auto_relogin=maybe", "storage=sqlite", "refresh_tokens=false", "environment=nowhere", "client_id=", "on", "off",
         "--as", "transfer", "groups", "gcs", "0", "-1", "1e309", "nan", "86401", "'a b'", '"a $HOME b"', "%%globus", "\n%echo next"]


def line(rng):
    if rng.random() < 0.05:
        return "".join(chr(rng.choice([rng.randrange(1, 128), rng.randrange(128, 0x2FFF)])) for _ in range(rng.randrange(1, 80)))
    words = [rng.choice(HEADS)] + [rng.choice(ATOMS) for _ in range(rng.randrange(0, 7))]
    return " ".join(words)


@pytest.mark.timeout(900)
def test_random_command_lines(tmp_path):
    sim = Sim()
    env = {**os.environ, **sim.env, "HOME": str(tmp_path), "GLOBUS_SDK_SERVICE_URL_SEARCH": "http://127.0.0.1:9/search/"}
    km, kc = start_new_kernel(kernel_name="globus", env=env)
    rng = random.Random(1129)
    outcomes = {"ok": 0, "error": 0}
    try:
        for i in range(N):
            code = line(rng)
            if "demo on" in code:  # do not spawn simulators in a loop
                code = code.replace("demo on", "demo status")
            reply, _ = run_cell(kc, code, timeout=60, allow_stdin=False)
            c = reply["content"]
            outcomes[c["status"]] += 1
            if c["status"] == "error":
                assert c["ename"] and c["evalue"] is not None and c["traceback"], (code, c)
        reply, msgs = run_cell(kc, "%echo alive")
        assert reply["content"]["status"] == "ok"
        assert km.is_alive()
        print(f"{N} fuzzed lines: {outcomes}")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        sim.stop()
