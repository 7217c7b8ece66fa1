"""`globus-kernel install/uninstall` as jupyter's own tooling sees it."""
import json
import os
import subprocess
import sys

from conftest import KERNEL_BIN


def kernelspecs(env):
    out = subprocess.run([sys.executable, "-m", "jupyter_client.kernelspecapp", "list", "--json"],
                         capture_output=True, text=True, env=env, check=True).stdout
    return json.loads(out)["kernelspecs"]


def test_install_user_honours_jupyter_data_dir_and_uninstall(tmp_path):
    env = {**os.environ, "JUPYTER_DATA_DIR": str(tmp_path / "data"), "JUPYTER_PATH": ""}
    r = subprocess.run([KERNEL_BIN, "install", "--user", "--name", "Globus-Test", "--display-name", "Globus (test)",
                        "--env", "GLOBUS_SDK_ENVIRONMENT=preview"], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    spec = kernelspecs(env)["globus-test"]
    assert spec["resource_dir"] == str(tmp_path / "data" / "kernels" / "globus-test")
    s = spec["spec"]
    assert s["display_name"] == "Globus (test)" and s["language"] == "globus"
    assert s["interrupt_mode"] == "message"
    assert s["argv"][0] == os.path.realpath(KERNEL_BIN) and s["argv"][1:] == ["run", "--connection-file", "{connection_file}"]
    assert s["env"] == {"GLOBUS_SDK_ENVIRONMENT": "preview"}
    assert s["metadata"]["supported_encryption"] == ["curve"]
    files = sorted(os.listdir(spec["resource_dir"]))
    assert files == ["kernel.json", "logo-32x32.png", "logo-64x64.png", "logo-svg.svg"]
    with open(os.path.join(spec["resource_dir"], "logo-64x64.png"), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    r = subprocess.run([KERNEL_BIN, "uninstall", "--user", "--name", "globus-test"], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert "globus-test" not in kernelspecs(env)
    r = subprocess.run([KERNEL_BIN, "uninstall", "--user", "--name", "globus-test"], capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "no kernelspec named 'globus-test'" in r.stderr


def test_install_rejects_bad_names_and_conflicting_places(tmp_path):
    r = subprocess.run([KERNEL_BIN, "install", "--prefix", str(tmp_path), "--name", "bad name!"], capture_output=True, text=True)
    assert r.returncode == 1 and "invalid kernel name" in r.stderr
    r = subprocess.run([KERNEL_BIN, "install", "--user", "--prefix", str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 1 and "choose one of" in r.stderr


def test_install_for_enterprise_gateway(tmp_path):
    """`--gateway distributed`: the kernelspec Enterprise Gateway's DistributedProcessProxy runs
    (test_enterprise_gateway.py runs it through a real gateway)."""
    r = subprocess.run([KERNEL_BIN, "install", "--prefix", str(tmp_path), "--name", "globus_distributed",
                        "--gateway", "distributed", "--remote-hosts", "node1,node2", "--env", "GLOBUS_CLIENT_ID=abc"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    with open(tmp_path / "share/jupyter/kernels/globus_distributed/kernel.json") as f:
        s = json.load(f)
    assert s["argv"] == [os.path.realpath(KERNEL_BIN), "launch",
                         "--RemoteProcessProxy.kernel-id", "{kernel_id}",
                         "--RemoteProcessProxy.response-address", "{response_address}",
                         "--RemoteProcessProxy.public-key", "{public_key}",
                         "--RemoteProcessProxy.port-range", "{port_range}"]
    assert s["metadata"]["process_proxy"] == {
        "class_name": "enterprise_gateway.services.processproxies.distributed.DistributedProcessProxy",
        "config": {"remote_hosts": "node1,node2"}}
    assert s["interrupt_mode"] == "signal" and s["env"] == {"GLOBUS_CLIENT_ID": "abc"}
    r = subprocess.run([KERNEL_BIN, "install", "--prefix", str(tmp_path), "--remote-hosts", "node1"], capture_output=True, text=True)
    assert r.returncode == 1 and "--remote-hosts needs --gateway distributed" in r.stderr
    r = subprocess.run([KERNEL_BIN, "install", "--prefix", str(tmp_path), "--gateway", "yarn"], capture_output=True, text=True)
    assert r.returncode != 0 and "yarn" in r.stderr


def test_version():
    r = subprocess.run([KERNEL_BIN, "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip().count(".") == 2
