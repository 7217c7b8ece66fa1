#!/usr/bin/env python3
"""Cost of one simulator request on loopback: a Transfer task_list with a valid bearer token,
N requests over one keep-alive connection made by curl (libcurl times each: %{time_total}),
so no Python client overhead is in the figure.

Usage: bench/sim_bench.py --sim PATH [--requests 2000]
"""
import argparse
import json
import statistics
import subprocess

import requests


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sim", required=True)
    ap.add_argument("--requests", type=int, default=2000)
    a = ap.parse_args()
    proc = subprocess.Popen([a.sim, "--port", "0", "--ready-json"], stdout=subprocess.PIPE, text=True)
    env = json.loads(proc.stdout.readline())["environment"]
    try:
        cid, secret = "7a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "sim-automation-secret-do-not-use-in-production"
        tok = requests.post(env["GLOBUS_SDK_SERVICE_URL_AUTH"] + "v2/oauth2/token", auth=(cid, secret),
                            data={"grant_type": "client_credentials",
                                  "scope": "urn:globus:auth:scope:transfer.api.globus.org:all"}).json()["access_token"]
        url = env["GLOBUS_SDK_SERVICE_URL_TRANSFER"] + "v0.10/task_list"
        cmd = ["curl", "-s", "-o", "/dev/null", "-H", f"Authorization: Bearer {tok}", "-w", "%{http_code} %{time_total}\\n"]
        for _ in range(a.requests):
            cmd += [url, "-o", "/dev/null"]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.split("\n")
        times = [float(l.split()[1]) * 1000 for l in out if l.startswith("200 ")]
        times.sort()
        first = times[0]
        print(f"simulator GET /transfer/v0.10/task_list over keep-alive, {len(times)} requests (curl %{{time_total}}):")
        print(f"  median {statistics.median(times):.3f} ms   p99 {times[int(len(times) * 0.99) - 1]:.3f} ms   min {first:.3f} ms")
    finally:
        proc.terminate()


if __name__ == "__main__":
    main()
