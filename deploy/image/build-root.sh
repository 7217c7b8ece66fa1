#!/usr/bin/env bash
# The single-user image for Zero to JupyterHub, from one list of steps (steps() below):
#
#   deploy/image/build-root.sh build ROOT   builds the kernel on this machine (release, static Swift
#                                           runtime), makes ROOT a Debian root with debootstrap and
#                                           runs every step in it with chroot (needs root)
#   deploy/image/build-root.sh smoke ROOT   the smoke test inside ROOT (chroot, as jovyan): the
#                                           kernelspec is listed, a kernel answers kernel_info,
#                                           demo mode runs the tour without an error
#   deploy/image/build-root.sh dockerfile   prints the Dockerfile that runs the same steps;
#                                           deploy/image/Dockerfile is its output, and a test in
#                                           `make test` (test_image_dockerfile.py) fails if they differ
#   deploy/image/build-root.sh constraints ROOT  prints the versions of every PyPI package in a
#                                           built ROOT, for deploy/image/constraints.txt (what pip
#                                           installs is held to it, so a build next month gets
#                                           what was tested; to update, empty it, build, rewrite)
#
# Each step is a shell script that runs either in the chroot or as one `RUN` of the Dockerfile,
# and each copy is one `COPY` or the same copy into ROOT: the two cannot drift. `make image-root`
# runs build and smoke into build/image-root.
set -euo pipefail
cd "$(dirname "$0")/../.."

# ---- What goes in (the only place these are written) ----------------------------------------
SUITE=bookworm
BASE_IMAGE=debian:bookworm-slim         # the Dockerfile's base: what debootstrap makes here
SWIFT_IMAGE=swift:6.3.1-bookworm        # the Dockerfile's build stage: the toolchain tested here
DEB_BUILD="libzmq3-dev libcurl4-openssl-dev libsqlite3-dev pkg-config"
DEB_RUNTIME="ca-certificates python3 python3-venv libcurl4 libzmq5 libsqlite3-0 tini"
PYPI_PINS="jupyterlab==4.6.6 jupyterhub==6.1.1 papermill==2.7.0"  # and their dependencies: constraints.txt
# The release flags (scripts/swift-release-flags: the Swift runtime linked in, so the image needs
# no Swift); symbols stripped at link (-s: 105 MB for the two executables instead of 209 MB; a
# crash's backtrace then shows addresses only).
SWIFT_BUILD="swift build -c release $(grep -v '^#' scripts/swift-release-flags) -Xlinker -s"
PRODUCTS="globus-kernel globus-sim"
VENV=/opt/venv
NB_USER=jovyan
NB_UID=1000
NB_GID=100
# The image's environment: ENV in the Dockerfile, the only environment of every chroot step.
IMAGE_ENV=(
  "LANG=C.UTF-8"
  "VIRTUAL_ENV=$VENV"
  "PATH=$VENV/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
  "SHELL=/bin/bash"
  "NB_USER=$NB_USER"
  "NB_UID=$NB_UID"
)

# ---- The steps ------------------------------------------------------------------------------
# run "WHAT" <<EOF … EOF   a shell script (sh -eu), as root, in the image
# copy WHAT DEST           kernel: the built executables; papermill: integrations/papermill;
#                          constraints: deploy/image/constraints.txt
steps() {
  # libzmq and SQLite are linked; libcurl is loaded with dlopen on first use (ldd does not list it).
  run "Debian's packages, updated: Python, and the C libraries the kernel uses (libzmq, SQLite, libcurl)" <<EOF
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get upgrade -y
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $DEB_RUNTIME
apt-get clean
rm -rf /var/lib/apt/lists/*
EOF
  run "The notebook user Zero to JupyterHub expects (uid $NB_UID, group users, home /home/$NB_USER)" <<EOF
useradd --create-home --uid $NB_UID --gid $NB_GID --shell /bin/bash $NB_USER
EOF
  copy constraints /tmp/constraints.txt
  run "JupyterLab and jupyterhub-singleuser from PyPI, in a virtual environment, at the versions tested" <<EOF
python3 -m venv $VENV
$VENV/bin/pip install --no-cache-dir --disable-pip-version-check -c /tmp/constraints.txt $PYPI_PINS
rm /tmp/constraints.txt
EOF
  copy kernel /usr/local/bin/
  copy papermill /tmp/globus-papermill
  run "The papermill translator; the kernelspec in the environment (--sys-prefix)" <<EOF
$VENV/bin/pip install --no-cache-dir --disable-pip-version-check /tmp/globus-papermill
rm -rf /tmp/globus-papermill
/usr/local/bin/globus-kernel install --sys-prefix
jupyter kernelspec list
EOF
}

# ---- The Dockerfile -------------------------------------------------------------------------
dockerfile() {
  local products_src="" p e
  for p in $PRODUCTS; do products_src+="/src/.build/release/$p "; done
  run() {
    printf '\n# %s\nRUN <<EOF\nset -eu\n%s\nEOF\n' "$1" "$(cat)"
  }
  copy() {
    case "$1" in
      kernel) printf '\nCOPY --from=build %s%s\n' "$products_src" "$2" ;;
      papermill) printf '\nCOPY integrations/papermill %s\n' "$2" ;;
      constraints) printf '\nCOPY deploy/image/constraints.txt %s\n' "$2" ;;
      *) echo "copy: unknown $1" >&2; exit 2 ;;
    esac
  }
  cat <<EOF
# syntax=docker/dockerfile:1
# Written by \`deploy/image/build-root.sh dockerfile\`; do not edit: edit the script's steps, then
# \`deploy/image/build-root.sh dockerfile > deploy/image/Dockerfile\`. The same steps build a root
# filesystem with debootstrap and chroot, and test it there: \`make image-root\`.
#
# From the repository's top folder (BuildKit; Dockerfile.dockerignore keeps builds out):
#   docker build -f deploy/image/Dockerfile -t REGISTRY/globus-notebook:TAG .

# The kernel, built on the image's Debian release with the Swift runtime linked in
# (--static-swift-stdlib): the image needs only the C libraries.
FROM $SWIFT_IMAGE AS build
EOF
  run "The C libraries' headers" <<EOF
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $DEB_BUILD
EOF
  printf '\nWORKDIR /src\nCOPY . .\n'
  run "The kernel, and the simulator demo mode starts beside it" < <(for p in $PRODUCTS; do echo "$SWIFT_BUILD --product $p"; done)
  printf '\n# The single-user image\nFROM %s\n' "$BASE_IMAGE"
  for e in "${IMAGE_ENV[@]}"; do echo "ENV ${e%%=*}=\"${e#*=}\""; done
  steps
  cat <<EOF

USER $NB_UID
WORKDIR /home/$NB_USER
EXPOSE 8888
ENTRYPOINT ["tini", "-g", "--"]
CMD ["jupyterhub-singleuser"]
EOF
}

# ---- The root filesystem --------------------------------------------------------------------
need_root() { [ "$(id -u)" = 0 ] || { echo "build-root.sh: $1 needs root (debootstrap, chroot)" >&2; exit 1; }; }

# The Debian mirror this machine uses (deb822 or one-line sources), else deb.debian.org.
mirror() {
  local m
  m=$(grep -hs -E '^(URIs:|deb) ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
        | grep -E '/debian/?( |$)' | grep -v security | head -n1 | sed -E 's/^URIs: *//; s/^deb +(\[[^]]*\] +)?//; s/ .*//') || true
  echo "${m:-http://deb.debian.org/debian}"
}

in_root() {  # in_root ROOT COMMAND…: COMMAND in ROOT with only the image's environment
  local root=$1; shift
  chroot "$root" /usr/bin/env -i "${IMAGE_ENV[@]}" HOME=/root ${PIP_CERT:+PIP_CERT=/tmp/build-ca.pem} "$@"
}

mount_proc() {  # /proc for the steps (the kernel finds itself through /proc/self/exe); undone on exit
  local root=$1
  mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
  trap "umount '$root/proc' 2>/dev/null || true; rm -f '$root/tmp/build-ca.pem'" EXIT
}

build() {
  local root=$1 t0 p
  need_root build
  t0=$(date +%s)
  command -v debootstrap >/dev/null || { echo "build-root.sh: debootstrap is missing (apt-get install debootstrap)" >&2; exit 1; }

  echo "== debootstrap $SUITE into $root ($(mirror))"
  if [ -e "$root" ]; then  # only a root this script made (its log beside it), or an empty folder, is replaced
    [ -e "$root.debootstrap.log" ] || [ -z "$(ls -A "$root")" ] \
      || { echo "build-root.sh: $root exists and is not a root this script built; not removing it" >&2; exit 1; }
    umount "$root/proc" 2>/dev/null || true
    rm -rf --one-file-system "$root"
  fi
  mkdir -p "$root"
  nice -n 10 debootstrap --variant=minbase "$SUITE" "$root" "$(mirror)" >"$root.debootstrap.log" 2>&1 \
    || { tail -n 30 "$root.debootstrap.log" >&2; exit 1; }
  # The image's apt sources: the release, its updates and security, as debian:bookworm-slim has.
  rm -f "$root/etc/apt/sources.list"
  cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $(mirror)
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  # Name resolution for the build only, and this machine's CA bundle for pip when PIP_CERT says
  # one is needed (an egress proxy's); both are removed at the end, nothing of them stays.
  cp -L /etc/resolv.conf "$root/etc/resolv.conf"
  [ -n "${PIP_CERT:-}" ] && cp "$PIP_CERT" "$root/tmp/build-ca.pem"
  mount_proc "$root"

  run() {
    echo "== $1"
    local script; script=$(cat)
    in_root "$root" /bin/sh -euc "$script"
  }
  copy() {
    case "$1" in
      kernel)  # built here, when the steps need it (its own scratch path, .build-image)
        echo "== the kernel: $SWIFT_BUILD --scratch-path .build-image"
        for p in $PRODUCTS; do nice -n 10 $SWIFT_BUILD --scratch-path .build-image --product "$p"; done
        local bin; bin=$($SWIFT_BUILD --scratch-path .build-image --show-bin-path)
        for p in $PRODUCTS; do install -m 0755 "$bin/$p" "$root$2"; done ;;
      papermill)
        mkdir -p "$root$2"
        tar -C integrations/papermill --exclude='*.egg-info' --exclude=__pycache__ --exclude=build -cf - . | tar -C "$root$2" -xf - ;;
      constraints) install -m 0644 deploy/image/constraints.txt "$root$2" ;;
      *) echo "copy: unknown $1" >&2; exit 2 ;;
    esac
  }
  steps

  rm -f "$root/etc/resolv.conf" "$root/tmp/build-ca.pem"
  echo "== built $root in $(( $(date +%s) - t0 )) s; $(du -sh --one-file-system "$root" | cut -f1)"
}

# ---- The smoke test -------------------------------------------------------------------------
smoke() {
  local root=$1 t0
  need_root smoke
  t0=$(date +%s)
  [ -x "$root$VENV/bin/jupyter" ] || { echo "build-root.sh: $root is not built (build-root.sh build $root)" >&2; exit 1; }
  mount_proc "$root"
  local work=/tmp/globus-smoke
  rm -rf "$root$work"; mkdir -p "$root$work"
  trap "umount '$root/proc' 2>/dev/null || true; rm -rf '$root$work'" EXIT
  cp deploy/image/smoke_kernel.py scripts/run_notebook.py notebooks/tour.ipynb "$root$work/"
  chown -R "$NB_UID:$NB_GID" "$root$work"
  as_user() {  # as the notebook user, with the image's environment and a fresh home
    chroot --userspec="$NB_UID:$NB_GID" "$root" /usr/bin/env -i "${IMAGE_ENV[@]}" HOME="$work/home" TMPDIR="$work/tmp" "$@"
  }
  mkdir -p "$root$work/home" "$root$work/tmp"; chown "$NB_UID:$NB_GID" "$root$work/home" "$root$work/tmp"

  echo "== smoke: jupyter kernelspec list"
  local specs; specs=$(as_user jupyter kernelspec list)
  echo "$specs"
  grep -qE "^ *globus +$VENV/share/jupyter/kernels/globus\$" <<<"$specs" \
    || { echo "smoke: the globus kernelspec is not in $VENV/share/jupyter" >&2; exit 1; }
  echo "== smoke: every library the kernel and the simulator load is in the root"
  local missing; missing=$(in_root "$root" sh -c 'for f in /usr/local/bin/globus-kernel /usr/local/bin/globus-sim; do ldd "$f"; done; ls /usr/lib/*/libcurl.so.4' 2>&1 | grep -E "not found|cannot access" || true)
  [ -z "$missing" ] || { echo "smoke: missing in the root: $missing" >&2; exit 1; }
  echo "== smoke: a kernel starts and answers kernel_info"
  as_user python3 "$work/smoke_kernel.py"
  echo "== smoke: demo mode runs the tour"
  as_user env GLOBUS_KERNEL_DEMO=alice@uchicago.edu python3 "$work/run_notebook.py" "$work/tour.ipynb" \
    --out "$work/tour.out.ipynb" >"$root$work/tour.log" 2>&1 \
    || { tail -n 40 "$root$work/tour.log" >&2; echo "smoke: the tour failed in demo mode" >&2; exit 1; }
  as_user python3 - "$work/tour.out.ipynb" <<'EOF'
import sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
code = [c for c in nb.cells if c.cell_type == "code"]
errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"
          and "raises-exception" not in c.metadata.get("tags", [])]
unrun = [c for c in code if c.get("execution_count") is None]
print(f"smoke: tour: {len(code)} code cells run, {len(errors)} errors")
sys.exit(1 if errors or unrun else 0)
EOF
  echo "== smoke passed in $(( $(date +%s) - t0 )) s"
}

constraints() {
  local root=$1
  need_root constraints
  echo "# Every PyPI package of the image, as built and smoke-tested by \`make image-root\`:"
  echo "# deploy/image/build-root.sh constraints build/image-root > deploy/image/constraints.txt"
  in_root "$root" $VENV/bin/pip freeze --disable-pip-version-check --exclude globus-kernel-papermill | LC_ALL=C sort -f
}

case "${1:-}" in
  dockerfile) dockerfile ;;
  constraints) [ $# = 2 ] || { echo "usage: $0 constraints ROOT" >&2; exit 2; }; constraints "$(realpath -m "$2")" ;;
  build) [ $# = 2 ] || { echo "usage: $0 build ROOT" >&2; exit 2; }; build "$(realpath -m "$2")" ;;
  smoke) [ $# = 2 ] || { echo "usage: $0 smoke ROOT" >&2; exit 2; }; smoke "$(realpath -m "$2")" ;;
  *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
