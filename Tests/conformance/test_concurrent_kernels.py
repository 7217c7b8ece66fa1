"""Eight kernels share one token file, logging in (as two different people), calling with
refreshes, and logging out in a loop: the file is never corrupt, never holds two people's
tokens at once, and a final login leaves every entry present."""
import json
import os
import random
import threading
import time

from jupyter_client.manager import start_new_kernel

from conftest import Sim, login_two_step, run_cell

KERNELS = int(os.environ.get("GLOBUS_CONCURRENT_KERNELS", "8"))
ROUNDS = 3


def test_eight_kernels_one_token_file(tmp_path):
    sim = Sim()
    env = {**os.environ, **sim.env, "HOME": str(tmp_path)}
    path = tmp_path / ".globus/app/61338d24-54d5-408f-a10d-66c06b59f6d2/globus-kernel/tokens.json"
    kernels = [start_new_kernel(kernel_name="globus", env=env) for _ in range(KERNELS)]
    problems, stop, seen = [], threading.Event(), {"reads": 0, "identities": set(), "refused": 0, "logins": 0}

    def monitor():
        while not stop.is_set():
            if path.exists():
                try:
                    doc = json.loads(path.read_text())
                except Exception as e:  # a torn or corrupt file
                    problems.append(f"unreadable token file: {e}")
                    continue
                ids = {t.get("identity_id") for t in doc["data"].get("DEFAULT", {}).values()}
                seen["reads"] += 1
                if len(ids) > 1:
                    problems.append(f"two identities in one file: {ids}")
            time.sleep(0.005)

    def worker(i, km, kc):
        rng = random.Random(i)
        who = "alice@uchicago.edu" if i % 2 == 0 else "bob@globusid.org"
        for _ in range(ROUNDS):
            c, _ = login_two_step(sim, kc, who)
            if c["status"] == "error":
                if c["ename"] != "LoginRequired" or "%globus logout" not in "\n".join(c["traceback"]):
                    problems.append(f"kernel {i}: unexpected login failure {c['ename']}: {c['evalue']}")
                seen["refused"] += 1
            else:
                seen["logins"] += 1
                sim.post_admin("expire-tokens")
                r, _ = run_cell(kc, "%globus call transfer GET /task_list", allow_stdin=False, timeout=60)
                # Another person may have logged in meanwhile; any failure must be a clear login error.
                if r["content"]["status"] == "error" and r["content"]["ename"] not in ("LoginRequired", "GlobusAPIError"):
                    problems.append(f"kernel {i}: {r['content']['ename']}: {r['content']['evalue']}")
                run_cell(kc, "%globus logout", allow_stdin=False, timeout=60)
            time.sleep(rng.random() * 0.05)

    mon = threading.Thread(target=monitor)
    mon.start()
    try:
        threads = [threading.Thread(target=worker, args=(i, km, kc)) for i, (km, kc) in enumerate(kernels)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        stop.set()
        mon.join()
        assert not problems, problems[:5]
        assert seen["logins"] > 0 and seen["reads"] > 10
        # Quiet now: one last login leaves every entry present, for one identity.
        km, kc = kernels[0]
        run_cell(kc, "%globus logout --all", allow_stdin=False)
        assert login_two_step(sim, kc, "alice@uchicago.edu")[0]["status"] == "ok"
        doc = json.loads(path.read_text())
        entries = doc["data"]["DEFAULT"]
        assert set(entries) == {"auth.globus.org", "transfer.api.globus.org", "groups.api.globus.org", "search.api.globus.org"}
        assert len({e["identity_id"] for e in entries.values()}) == 1
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        print(f"\n{KERNELS} kernels x {ROUNDS} rounds: {seen['logins']} logins, {seen['refused']} refused "
              f"(another person's tokens were in the file), {seen['reads']} file reads, no corruption, no mixing")
    finally:
        stop.set()
        for km, kc in kernels:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
        sim.stop()
