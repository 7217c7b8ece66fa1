"""Every fault the simulator can inject, against a logged-in kernel: the outcome is a retry that
succeeds or a clear error with a remedy, within a bounded time, and the token file is intact
afterwards. The matrix is printed (pytest -s)."""
import json
import os
import time

import requests
from jupyter_client.manager import start_new_kernel

from conftest import Sim, run_cell
from test_globus_magics import login_with_stdin

CALL = "%globus call transfer GET /task_list"
MATRIX = [
    # (fault, how to inject, extra options, expected: "ok" or (ename, remedy substring))
    ("latency 300 ms", {"fault": "latency=300@/transfer/v0.10/task_listx1"}, "", "ok"),
    ("503 twice", {"fault": "status=503@/transfer/v0.10/task_listx2"}, "", "ok"),
    ("500, no retry", {"fault": "status=500@/transfer/v0.10/task_listx1"}, "--no-retry", ("GlobusAPIError", "500")),
    ("429 Retry-After 1", {"fault": "429=1@/transfer/v0.10/task_listx1"}, "", "ok"),
    ("dropped connection", {"fault": "drop@/transfer/v0.10/task_listx1"}, "", "ok"),
    ("access tokens expired", "expire-tokens", "", "ok"),
    ("clock +3 days", ("clock", {"offset": 3 * 86400}), "", "ok"),
    ("refresh token revoked", "revoke-refresh-tokens+expire", "", ("LoginRequired", "%globus login --code")),
    ("GARE: session domain", {"fault": "domain=anl.gov@/transfer/"}, "", ("GlobusAPIError", "%globus login --session-domain anl.gov")),
    ("GARE: MFA", {"fault": "mfa@/transfer/"}, "", ("GlobusAPIError", "%globus login --mfa")),
]


def test_fault_matrix(tmp_path):
    sim = Sim()
    km, kc = start_new_kernel(kernel_name="globus", env={**os.environ, **sim.env, "HOME": str(tmp_path)})
    token_file = tmp_path / ".globus/app/61338d24-54d5-408f-a10d-66c06b59f6d2/globus-kernel/tokens.json"
    rows = []
    try:
        for name, inject, options, expected in MATRIX:
            sim.http.delete(sim.admin + "faults")
            sim.post_admin("clock", {"offset": 0})
            if not token_file.exists() or not json.loads(token_file.read_text())["data"].get("DEFAULT"):
                login_with_stdin(sim, kc)
            if isinstance(inject, dict):
                sim.post_admin("faults", inject)
            elif isinstance(inject, tuple):
                sim.post_admin(*inject)
            elif inject == "revoke-refresh-tokens+expire":
                sim.post_admin("revoke-refresh-tokens")
                sim.post_admin("expire-tokens")
            else:
                sim.post_admin(inject)
            t = time.time()
            reply, msgs = run_cell(kc, f"{CALL} {options}", timeout=60, allow_stdin=False)
            elapsed = time.time() - t
            c = reply["content"]
            doc = json.loads(token_file.read_text())      # intact: valid JSON, format 2.0
            assert doc["format_version"] == "2.0"
            if expected == "ok":
                outcome = "succeeded" if c["status"] == "ok" else f"FAILED: {c.get('ename')}: {c.get('evalue')}"
                assert c["status"] == "ok", (name, c)
            else:
                ename, remedy = expected
                tb = "\n".join(c.get("traceback", []))
                outcome = f"{c.get('ename')} + remedy"
                assert c["status"] == "error" and c["ename"] == ename and remedy in tb + c.get("evalue", ""), (name, c)
            assert elapsed < 30, f"{name} took {elapsed:.1f} s"
            rows.append((name, outcome, f"{elapsed * 1000:.0f} ms", len(doc["data"].get("DEFAULT", {}))))
            if c["status"] == "error" and c["ename"] == "LoginRequired":
                run_cell(kc, "%globus logout", allow_stdin=False)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        sim.stop()
    print("\nfault                      outcome                      time     token file entries")
    for r in rows:
        print(f"{r[0]:<26} {r[1]:<28} {r[2]:>7}  {r[3]}")
