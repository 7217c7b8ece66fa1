#!/usr/bin/env python3
"""HTTPS data access: `%globus get` against curl on the same URL with the same token, and
`%globus open`'s read of a large file's head. One simulator over TLS, as production is.

  get      a cell that downloads a generated file of --mb MB from Tutorial Collection 1's HTTPS
           server to a local file, median of --runs; beside it `curl -o` of the same URL with
           the same token and CA (throughput ratio: ours / curl's)
  open     a cell that opens a 100 MB file (`big.csv`): a HEAD, then a Range read of its head;
           median of --runs

Usage: bench/https_bench.py --kernel PATH --sim PATH [--mb 200] [--runs 3]
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from globus_bench import arguments, cache_tokens, run, start_sim, token_file  # noqa: E402
from kernel_bench import LeanClient, launch, stop  # noqa: E402

T1 = "6c54cade-bde5-45c1-bdea-f4bd71dba2cc"
HTTPS_SCOPE = f"https://auth.globus.org/scopes/{T1}/https"


def main():
    a = arguments(mb=200, runs=3)
    sim, env = start_sim(a.sim, "--tls")
    home = tempfile.mkdtemp()
    import requests
    for path, size in [("/~/big.dat", a.mb << 20), ("/~/big.csv", 100 << 20)]:
        requests.post(env["GLOBUS_SIM_ADMIN_URL"] + "files", json={"collection": T1, "path": path, "size": size},
                      verify=env["GLOBUS_SDK_VERIFY_SSL"]).raise_for_status()
    # The client keeps the simulator's address and CA it was made with.
    server = cache_tokens(env, home, {T1: [HTTPS_SCOPE]}).get_endpoint(T1)["https_server"]
    with open(token_file(home)) as f:
        token = json.load(f)["data"]["DEFAULT"][T1]["access_token"]
    out = tempfile.mkdtemp()
    curl = []
    for _ in range(a.runs):
        t = time.perf_counter()
        subprocess.run(["curl", "-sSf", "-o", os.path.join(out, "curl.dat"), "--cacert", env["GLOBUS_SDK_VERIFY_SSL"],
                        "-H", f"Authorization: Bearer {token}", server + "/~/big.dat"], check=True)
        curl.append(time.perf_counter() - t)
    old = dict(os.environ)
    os.environ.update({**env, "HOME": home})
    gets, opens = [], []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            proc, client, _ = launch([a.kernel, "run", "--connection-file", "{cf}"], tmp, LeanClient)
            time.sleep(max(0.3, 1.2 - (time.time() - os.stat(token_file(home)).st_mtime)))
            local = os.path.join(out, "kernel.dat")
            run(client, f"%globus open {T1}:/~/big.csv", timeout=120)  # the client's first use: Transfer's document
            for _ in range(a.runs):
                t = time.perf_counter()
                reply = run(client, f"%globus get {T1}:/~/big.dat {local} --overwrite", timeout=600)
                gets.append(time.perf_counter() - t)
                assert reply and os.path.getsize(local) == a.mb << 20, "the download did not complete"
                t = time.perf_counter()
                run(client, f"%globus open {T1}:/~/big.csv", timeout=120)
                opens.append(time.perf_counter() - t)
            stop(proc, client)
    finally:
        os.environ.clear()
        os.environ.update(old)
        sim.terminate()
    g, c = statistics.median(gets), statistics.median(curl)
    print(f"{'metric':<46}{'globus-kernel':>15}{'curl':>12}{'ratio':>9}")
    print(f"{'get of %d MB, median (MB/s)' % a.mb:<46}{a.mb / g:>15.1f}{a.mb / c:>12.1f}{(a.mb / g) / (a.mb / c) * 100:>8.0f}%")
    print(f"{'open of a 100 MB file, head read, median (ms)':<46}{statistics.median(opens) * 1000:>15.1f}")
    print(f"(Tutorial Collection 1's HTTPS server on the simulator, over TLS; {a.runs} runs; the same token for both;"
          " ratio = our throughput as a share of curl's)")


if __name__ == "__main__":
    main()
