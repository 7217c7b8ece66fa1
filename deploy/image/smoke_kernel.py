"""Smoke test inside the image: the globus kernelspec starts a kernel that answers kernel_info.
Run by `deploy/image/build-root.sh smoke ROOT` with the image's Python, as the notebook user."""
import sys

from jupyter_client.manager import start_new_kernel

km, kc = start_new_kernel(kernel_name="globus", startup_timeout=60)
try:
    reply = kc.kernel_info(reply=True, timeout=30)["content"]
    print(f"smoke: kernel_info: {reply['implementation']} {reply['implementation_version']}, "
          f"language {reply['language_info']['name']}, protocol {reply['protocol_version']}")
    if reply["status"] != "ok" or not reply.get("implementation"):
        sys.exit(f"smoke: unexpected kernel_info reply: {reply}")
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=False)
