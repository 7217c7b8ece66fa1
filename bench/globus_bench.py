#!/usr/bin/env python3
"""%globus call versus the Python globus-sdk inside ipykernel, same request, same simulator.

  warm call   execute_request -> idle for a Transfer task_list, tokens already in memory; p50/p99
  first call  exec of a fresh kernel -> the first call's result, with tokens cached in the token
              file (the same file for both: the Python SDK's UserApp path); median of N

Usage: bench/globus_bench.py --kernel PATH --sim PATH [--calls 200] [--starts 5]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kernel_bench import LeanClient, launch, stop  # noqa: E402

TUTORIAL = "61338d24-54d5-408f-a10d-66c06b59f6d2"
PY_SETUP = ("import globus_sdk\n"
            "app = globus_sdk.UserApp('Globus Kernel', client_id='%s')\n"
            "tc = globus_sdk.TransferClient(app=app)\n" % TUTORIAL)
PY_CALL = "tc.task_list().data['total']"
GK_CALL = "%globus call transfer GET /task_list"


def run(client, code, timeout=60):
    mid = client.request("execute_request", {"code": code, "silent": False, "allow_stdin": False})
    client.wait_idle(mid, timeout)
    reply = client.reply(timeout)
    return reply


def arguments(**counts):
    """The command line of a bench of the kernel against the simulator: --kernel and --sim, and
    a whole-number option for each count (name=default)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--sim", required=True)
    for name, default in counts.items():
        ap.add_argument(f"--{name}", type=int, default=default)
    return ap.parse_args()


def start_sim(path, *options):
    """The simulator on a free port with `options`, and the environment it announces in one JSON
    line (--ready-json). Plain HTTP unless `options` has --tls, as in earlier figures."""
    p = subprocess.Popen([path, "--port", "0", "--ready-json", *options], stdout=subprocess.PIPE, text=True)
    return p, json.loads(p.stdout.readline())["environment"]


def cache_tokens(env, home, scopes=None):
    """Logs in once with the Python SDK (approving through the simulator) into HOME's token file,
    for Transfer, Groups, Search and Auth, and `scopes` ({resource server: [scope string]}) too.
    Answers Transfer's client of that app."""
    import globus_sdk
    import requests
    from globus_sdk.login_flows import CommandLineLoginFlowManager

    class Flow(CommandLineLoginFlowManager):
        def print_authorize_url(self, url):
            self.url = url

        def prompt_for_code(self):
            return requests.post(env["GLOBUS_SIM_ADMIN_URL"] + "approve", json={"authorize_url": self.url},
                                 verify=env.get("GLOBUS_SDK_VERIFY_SSL", True)).json()["code"]

    old = dict(os.environ)
    os.environ.update(env)
    os.environ["HOME"] = home
    try:
        cfg = globus_sdk.GlobusAppConfig(login_flow_manager=Flow, request_refresh_tokens=True)
        app = globus_sdk.UserApp("Globus Kernel", client_id=TUTORIAL, config=cfg)
        for c in (globus_sdk.TransferClient, globus_sdk.GroupsClient, globus_sdk.SearchClient):
            c(app=app)
        app.add_scope_requirements({"auth.globus.org": [globus_sdk.scopes.AuthScopes.profile, globus_sdk.scopes.AuthScopes.email]})
        app.add_scope_requirements({rs: [globus_sdk.Scope(x) for x in xs] for rs, xs in (scopes or {}).items()})
        app.login(force=True)
        return globus_sdk.TransferClient(app=app)
    finally:
        os.environ.clear()
        os.environ.update(old)


def token_file(home):
    """The token file the Python SDK's UserApp and the kernel share."""
    return os.path.join(home, ".globus", "app", TUTORIAL, "globus-kernel", "tokens.json")


def main():
    a = arguments(calls=200, starts=5)
    sim, env = start_sim(a.sim)
    home = tempfile.mkdtemp()
    cache_tokens(env, home)
    kenv = {**os.environ, **env, "HOME": home}
    kernels = {
        "globus-kernel": ([a.kernel, "run", "--connection-file", "{cf}"], None, GK_CALL),
        "ipykernel + globus-sdk": ([sys.executable, "-m", "ipykernel_launcher", "-f", "{cf}"], PY_SETUP, PY_CALL),
    }
    results = {}
    old = dict(os.environ)
    os.environ.clear()
    os.environ.update(kenv)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name, (argv, setup, call) in kernels.items():
                firsts = []
                for _ in range(a.starts):
                    t0 = time.perf_counter()
                    proc, client, _ = launch(argv, tmp, LeanClient)
                    if setup:
                        run(client, setup)
                    r = run(client, call)
                    firsts.append((time.perf_counter() - t0) * 1000)
                    assert r, "no reply"
                    stop(proc, client)
                proc, client, _ = launch(argv, tmp, LeanClient)
                # Warm means tokens in memory: the kernel keeps a token file's entries once the
                # file has been quiet for a second (file times are coarse), so the timed calls
                # start at least that long after the last write (the login above).
                time.sleep(max(0.3, 1.2 - (time.time() - os.stat(token_file(home)).st_mtime)))
                if setup:
                    run(client, setup)
                for _ in range(10):
                    run(client, call)
                times = []
                for _ in range(a.calls):
                    t = time.perf_counter()
                    run(client, call)
                    times.append((time.perf_counter() - t) * 1000)
                stop(proc, client)
                times.sort()
                results[name] = {"first": statistics.median(firsts), "p50": times[len(times) // 2], "p99": times[int(len(times) * 0.99) - 1]}
    finally:
        os.environ.clear()
        os.environ.update(old)
        sim.terminate()
    g, p = results["globus-kernel"], results["ipykernel + globus-sdk"]
    print(f"{'metric':<36}{'globus-kernel':>15}{'ipykernel+sdk':>15}{'ratio':>9}")
    for label, key in [("warm call round trip p50 (ms)", "p50"), ("warm call round trip p99 (ms)", "p99"),
                       ("fresh kernel, first call (ms)", "first")]:
        print(f"{label:<36}{g[key]:>15.2f}{p[key]:>15.2f}{p[key] / g[key]:>8.1f}x")
    print(f"(transfer GET /task_list against globus-sim; {a.calls} warm calls; first call: median of {a.starts} fresh "
          f"kernels with tokens cached in the shared token file; ratio = ipykernel / globus-kernel)")


if __name__ == "__main__":
    main()
