"""Runs `globus-kernel launch` against Enterprise Gateway's own payload decoder, in the gateway's
environment (.venv-eg): `python eg_launcher_check.py KERNEL_BIN`. Makes an RSA key as the gateway
does (1024 bits), receives the launcher's payload on a response address, decodes it with
`ResponseManager._decode_payload` (version 1), then sends a liveness poll, SIGINT and a shutdown
request to the communication port. Prints one JSON line: the connection information (its key
replaced by its length), the launcher's pid and exit status."""
import json
import socket
import subprocess
import sys
import time
import types
import logging

from Cryptodome.PublicKey import RSA
from enterprise_gateway.services.processproxies.processproxy import ResponseManager

key = RSA.generate(ResponseManager.KEY_SIZE)
public = (key.publickey().export_key("PEM").decode()
          .replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "").replace("\n", ""))
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(1)
server.settimeout(30)
launcher = subprocess.Popen([sys.argv[1], "launch", "--RemoteProcessProxy.kernel-id", "kernel-1",
                             "--RemoteProcessProxy.response-address", f"127.0.0.1:{server.getsockname()[1]}",
                             "--RemoteProcessProxy.public-key", public, "--RemoteProcessProxy.port-range", "0..0"],
                            stderr=subprocess.PIPE, text=True)
conn, _ = server.accept()
data = b""
while chunk := conn.recv(1024):
    data += chunk
# The decoder uses only these attributes of its manager.
manager = types.SimpleNamespace(_private_key=key, log=logging.getLogger("check"), _response_registry={})
info = ResponseManager._decode_payload(manager, data.decode())


def request(body):
    with socket.create_connection(("127.0.0.1", info["comm_port"])) as s:
        s.send(json.dumps(body).encode())


request({"signum": 0})
request({"signum": 2})  # an interrupt: the kernel must live on
request({"signum": 0})
alive_after_interrupt = launcher.poll() is None
request({"shutdown": 1})
status = launcher.wait(30)
info["key"] = len(info["key"])
print(json.dumps({"info": info, "pid": launcher.pid, "alive_after_interrupt": alive_after_interrupt,
                  "status": status, "stderr": launcher.stderr.read()}))
