"""The token file shared with Python, safely: the Python SDK's JSONTokenStorage rewrites the file
in place, without a lock, in a loop (as a Python notebook sharing the login does when it stores
tokens), while two kernels read it and refresh through it. Nothing is ever moved aside as
corrupt, and no kernel loses its login."""
import json
import os
import subprocess
import sys
import time

from jupyter_client.manager import start_new_kernel

from conftest import TUTORIAL_CLIENT, Sim, run_cell

WRITER = r"""
import sys, time
from globus_sdk.token_storage import JSONTokenStorage, TokenStorageData
path, seconds = sys.argv[1], float(sys.argv[2])
default = JSONTokenStorage(path)                       # the shared login (namespace DEFAULT)
own = JSONTokenStorage(path, namespace="python-notebook")
n = 0
end = time.time() + seconds
while time.time() < end:
    try:
        current = default.get_token_data_by_resource_server()
    except ValueError:                                  # Python read the kernel's file mid-rename? never: renames are atomic
        print("python could not read", flush=True); raise
    if current:
        default.store_token_data_by_resource_server(current)   # re-store what it read: an in-place rewrite
    own.store_token_data_by_resource_server({"example.org": TokenStorageData(
        resource_server="example.org", identity_id=None, scope="s", access_token=f"py-{n}", refresh_token=None,
        expires_at_seconds=int(time.time()) + 3600, token_type="Bearer")})
    n += 1
print(n, flush=True)
"""


def test_python_writer_in_a_loop_against_kernels_refreshing(tmp_path, capsys):
    sim = Sim()
    env = {**os.environ, **sim.env, "HOME": str(tmp_path)}
    for k in ("GLOBUS_CLIENT_ID", "GLOBUS_CLIENT_SECRET", "GLOBUS_KERNEL_DEMO"):
        env.pop(k, None)
    folder = tmp_path / ".globus" / "app" / TUTORIAL_CLIENT / "globus-kernel"
    kernels = []
    try:
        for _ in range(2):
            kernels.append(start_new_kernel(kernel_name="globus", env=env))
        kc = kernels[0][1]
        reply, msgs = run_cell(kc, "%globus login", allow_stdin=False, timeout=60)
        text = "".join(m["content"].get("data", {}).get("text/plain", "") for m in msgs if m["msg_type"] == "display_data")
        url = next(w for w in text.split() if "/oauth2/authorize?" in w)
        reply, _ = run_cell(kc, f"%globus login --code {sim.approve(url)}", allow_stdin=False, timeout=60)
        assert reply["content"]["status"] == "ok"

        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(folder / "tokens.json"), "12"], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=env)
        calls = failures = refreshes = 0
        end = time.time() + 10
        while time.time() < end:
            if calls % 10 == 0:
                sim.post_admin("expire-tokens")          # every kernel must refresh through the shared file
                refreshes += 1
            for _, c in kernels:
                for line in ("%globus call transfer GET /task_list --format raw", "%globus tokens"):
                    reply, msgs = run_cell(c, line, allow_stdin=False, timeout=60)
                    calls += 1
                    if reply["content"]["status"] != "ok":
                        failures += 1
                        print(line, reply["content"].get("ename"), reply["content"].get("evalue"))
        out, err = writer.communicate(timeout=30)
        assert writer.returncode == 0, err
        rewrites = int(out.split()[-1])
        aside = [p.name for p in folder.iterdir() if "corrupt" in p.name]
        doc = json.loads((folder / "tokens.json").read_text())
        with capsys.disabled():
            print(f"\nShared token file: Python rewrote it in place {rewrites} times while 2 kernels made {calls} calls "
                  f"({refreshes} forced refresh rounds): {failures} failed, {len(aside)} files moved aside")
        assert failures == 0
        assert aside == []
        assert rewrites > 50
        assert set(doc["data"]) == {"DEFAULT", "python-notebook"}
        assert "transfer.api.globus.org" in doc["data"]["DEFAULT"]
    finally:
        for km, kc in kernels:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
        sim.stop()
