"""The Zero to JupyterHub image: deploy/image/Dockerfile is what deploy/image/build-root.sh writes
from the steps `make image-root` runs in a chroot, so the Dockerfile and the tested root filesystem
cannot drift apart. (Building the root takes minutes and root; it is `make image-root`, not here.)"""
import pathlib
import re
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
IMAGE = ROOT / "deploy" / "image"


def written():
    return subprocess.run([str(IMAGE / "build-root.sh"), "dockerfile"], capture_output=True, text=True,
                          check=True, cwd=ROOT).stdout


def test_dockerfile_is_the_scripts_output():
    assert (IMAGE / "Dockerfile").read_text() == written(), (
        "deploy/image/Dockerfile differs from its steps: run "
        "`deploy/image/build-root.sh dockerfile > deploy/image/Dockerfile`")


def test_dockerfile_is_a_singleuser_image():
    text = written()
    stages = re.findall(r"^FROM (\S+)", text, re.M)
    assert len(stages) == 2 and stages[1] == "debian:bookworm-slim", stages
    assert stages[0].startswith("swift:") and stages[0].endswith("-bookworm"), stages
    # Not root at run time; the hub's command; versions from PyPI pinned.
    assert re.findall(r"^USER (\S+)", text, re.M)[-1] == "1000"
    assert 'CMD ["jupyterhub-singleuser"]' in text
    pins = re.search(r"pip install [^\n]* (jupyterlab\S*) (jupyterhub\S*)", text)
    assert pins and all("==" in p for p in pins.groups()), pins
    assert "--static-swift-stdlib" in text and "install --sys-prefix" in text


def test_constraints_hold_the_pinned_versions():
    # The three pins of the steps, and constraints.txt (pip freeze of the tested root), agree.
    pins = dict(p.split("==") for p in re.search(r'^PYPI_PINS="([^"]*)"', (IMAGE / "build-root.sh").read_text(), re.M)
                .group(1).split())
    frozen = dict(line.split("==", 1) for line in (IMAGE / "constraints.txt").read_text().splitlines()
                  if line and not line.startswith("#"))
    for name, version in pins.items():
        assert frozen.get(name) == version, (name, version, frozen.get(name))
