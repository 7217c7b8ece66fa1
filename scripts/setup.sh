#!/usr/bin/env bash
# Installs what building and testing need, on a fresh Debian machine or an existing one:
# Debian packages (apt-get) and the Python tools (into the ignored .venv). Arguments name more
# Debian packages a target needs (`make image-root`: debootstrap, with SETUP_DEBIAN_ONLY=1).
# libjemalloc2: a test runs the kernel with an allocator put in with LD_PRELOAD.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for p in libzmq3-dev libcurl4-openssl-dev libsqlite3-dev libjemalloc2 pkg-config tmux chromium chromium-driver node-configurable-http-proxy openssh-server iproute2 "$@"; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# `make image-root` needs the Debian packages only (the image gets its Python tools from PyPI).
[ "${SETUP_DEBIAN_ONLY:-}" = 1 ] && exit 0

# The test tools, and this repository's papermill translator (integrations/papermill), installed
# editable: its Python is used as it is; a change of its pyproject.toml (its entry point)
# installs it again, as a change of the requirements does.
req=Tests/conformance/requirements.txt
plugin=integrations/papermill
stamp=.venv/.requirements.stamp
want="$(cat "$req" "$plugin/pyproject.toml")"
if [ ! -x .venv/bin/python ] || [ "$want" != "$(cat "$stamp" 2>/dev/null)" ]; then
  echo "setup: preparing the Python environment in .venv"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r "$req" -e "$plugin"
  printf '%s' "$want" > "$stamp"
fi

# Jupyter Enterprise Gateway (test_enterprise_gateway.py) pins jupyter_client < 7 and
# jupyter_server < 2, which the tools above cannot share: it gets a venv of its own, .venv-eg.
req_eg=Tests/conformance/requirements-eg.txt
stamp_eg=.venv-eg/.requirements.stamp
if [ ! -x .venv-eg/bin/python ] || [ "$(cat "$req_eg")" != "$(cat "$stamp_eg" 2>/dev/null)" ]; then
  echo "setup: preparing Enterprise Gateway's Python environment in .venv-eg"
  [ -x .venv-eg/bin/python ] || python3 -m venv .venv-eg
  .venv-eg/bin/pip install -q --disable-pip-version-check -r "$req_eg"
  cat "$req_eg" > "$stamp_eg"
fi
