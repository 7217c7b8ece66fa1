"""A 10 MB answer renders without stalling the kernel or dropping messages."""
import json
import os
import time

from jupyter_client.manager import start_new_kernel

from conftest import AUTOMATION_CLIENT, Sim, collect_iopub, run_cell

LS = "%globus call transfer GET /operation/endpoint/6c54cade-bde5-45c1-bdea-f4bd71dba2cc/ls -Q path=/~/large/"


def test_ten_megabyte_listing(tmp_path):
    sim = Sim()
    cid, secret = AUTOMATION_CLIENT
    km, kc = start_new_kernel(kernel_name="globus", env={**os.environ, **sim.env, "HOME": str(tmp_path),
                                                         "GLOBUS_CLIENT_ID": cid, "GLOBUS_CLIENT_SECRET": secret})
    try:
        t = time.time()
        msg_id = kc.execute(LS)
        # While the big result is built and sent, the control channel still answers at once.
        time.sleep(0.05)
        t_ctl = time.time()
        kc.control_channel.send(kc.session.msg("kernel_info_request"))
        assert kc.get_control_msg(timeout=5)["msg_type"] == "kernel_info_reply"
        control_latency = time.time() - t_ctl
        reply = kc.get_shell_msg(timeout=120)
        msgs = collect_iopub(kc, msg_id, timeout=120)  # idle arrived: nothing was dropped on the way
        elapsed = time.time() - t
        assert reply["content"]["status"] == "ok"
        result = [m for m in msgs if m["msg_type"] == "execute_result"][0]["content"]["data"]
        assert len(result["application/json"]["DATA"]) == 50_000
        assert len(json.dumps(result["application/json"])) > 10_000_000
        assert "more lines" in result["text/plain"] and len(result["text/plain"]) < 200_000
        assert control_latency < 1.0
        # The kernel is healthy afterwards, and a filtered view of the same answer is quick.
        reply, msgs = run_cell(kc, LS + " --jmespath 'length(DATA)'", timeout=120)
        assert [m for m in msgs if m["msg_type"] == "execute_result"][0]["content"]["data"]["application/json"] == 50000
        print(f"\n10 MB listing: {elapsed:.2f} s end to end; control answered in {control_latency * 1000:.0f} ms meanwhile")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        sim.stop()
