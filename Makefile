# The Globus kernel. Two commands do everything on a fresh machine:
#   make demo   build, install the kernelspec locally, run the teaching notebook, show the result
#   make test   build and run every test (Swift unit tests and the Python-driven conformance suite,
#               with a class of 5 on JupyterHub and a Kernel Gateway)
#   make classroom  a class of 30 on JupyterHub, side by side with ipykernel: the figures
#   make fuzz   a million generated JMESPath cases, ours against Python's jmespath (FUZZ_CASES, FUZZ_SEED)
#   make format  the Swift sources in the house style (make test checks it: make format-check)
#   make docs   the GlobusSDK documentation (DocC) in build/docs; any warning fails it
#   make bench  figures side by side: the kernel against its physical floors, ipykernel and the Python SDK
#   make bench-instructions  instructions per phase under callgrind (OLD=<binary> to compare two builds)
#   make image-root  the Zero to JupyterHub image's root filesystem (debootstrap), smoke-tested in a chroot
SHELL := /bin/bash
BUILD := .build/debug
JUPYTER_DIR := $(CURDIR)/build/share/jupyter
PY := .venv/bin/python

.PHONY: all setup build release format format-check test swift-test conformance demo bench bench-instructions classroom clean kernelspec sanitize fuzz docs image-root

all: build

# Installing and building are separate steps: `setup` installs (Debian and PyPI packages; a no-op
# in a tenth of a second once done), `build` and `release` only build. The commands a person runs
# on a fresh machine (test, demo, bench, classroom, sanitize, fuzz, docs) set up first, in order.
setup:
	@scripts/setup.sh

build:
	swift build

# Release builds take the flags in scripts/swift-release-flags (the images and docs/deploy.md too).
RELEASE := swift build -c release $(shell grep -v '^\#' scripts/swift-release-flags)

release:
	$(RELEASE)

# A kernelspec inside the build folder, found through JUPYTER_PATH (nothing in $HOME changes).
kernelspec: build
	@$(BUILD)/globus-kernel install --prefix $(CURDIR)/build >/dev/null
	@echo "kernelspec: $(JUPYTER_DIR)/kernels/globus"

swift-test: build
	swift test

conformance: kernelspec
	JUPYTER_PATH=$(JUPYTER_DIR) GLOBUS_KERNEL_BIN=$(CURDIR)/$(BUILD)/globus-kernel \
	  $(PY) -m pytest -q -p no:cacheprovider --timeout=120 Tests/conformance

# The conformance suite runs the example program Examples/globus-tasks (built by `swift build`)
# against the simulator: test_example_globus_tasks.py.
test: setup format-check swift-test conformance docs

# The Swift sources in the house style (.swift-format: 4 spaces, lines up to 180): `make format`
# rewrites them, `make format-check` (part of `make test`) fails on any difference.
FORMATTED := Sources Tests bench Examples Snippets Package.swift
format:
	swift format format -i -r $(FORMATTED)

format-check:
	swift format lint --strict -r $(FORMATTED)

# The Swift test suite under the thread and the address sanitizer (separate build folders).
sanitize: setup
	swift test --sanitize=thread --scratch-path .build-tsan
	LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan.supp swift test --sanitize=address --scratch-path .build-asan

# The tour, offline: demo mode starts the Globus Simulator and approves the login as a simulated
# person; tokens go to a scratch HOME so nothing touches your own ~/.globus.
demo: setup kernelspec
	@mkdir -p build/demo-home
	env -u GLOBUS_CLIENT_ID -u GLOBUS_CLIENT_SECRET HOME=$(CURDIR)/build/demo-home GLOBUS_KERNEL_DEMO=alice@uchicago.edu \
	  JUPYTER_PATH=$(JUPYTER_DIR) $(PY) scripts/run_notebook.py notebooks/tour.ipynb --out build/tour.ipynb --html build/tour.html

bench: setup release
	$(PY) bench/floors.py --kernel $(CURDIR)/.build/release/globus-kernel --floors $(CURDIR)/.build/release --sim $(CURDIR)/.build/release/globus-sim
	$(PY) bench/kernel_bench.py --kernel $(CURDIR)/.build/release/globus-kernel
	$(PY) bench/globus_bench.py --kernel $(CURDIR)/.build/release/globus-kernel --sim $(CURDIR)/.build/release/globus-sim
	$(PY) bench/sim_bench.py --sim $(CURDIR)/.build/release/globus-sim
	$(PY) bench/workflow_bench.py --kernel $(CURDIR)/.build/release/globus-kernel --sim $(CURDIR)/.build/release/globus-sim
	$(PY) bench/https_bench.py --kernel $(CURDIR)/.build/release/globus-kernel --sim $(CURDIR)/.build/release/globus-sim

# Instructions per phase (start-up, first call, warm call, paging) under valgrind's callgrind:
# exact for the same binary and inputs. OLD=path/to/an/older/globus-kernel prints both side by side.
bench-instructions: setup release
	@scripts/setup.sh valgrind binutils
	$(PY) bench/instructions.py --kernel $(CURDIR)/.build/release/globus-kernel --sim $(CURDIR)/.build/release/globus-sim $(if $(OLD),--old $(OLD))

# A class of 30 on a real JupyterHub (the proxy from Debian, a shared Globus Simulator), then the
# same class with ipykernel and the Python globus-sdk: time to all done, cell latency, memory.
# (`make test` runs the same with 5 students.) STUDENTS=N for another size.
STUDENTS ?= 30
classroom: setup release
	cd Tests/conformance && $(CURDIR)/$(PY) classroom.py --students $(STUDENTS) --kernel $(CURDIR)/.build/release/globus-kernel

# The JMESPath differential fuzzer, long (`make test` runs 50,000 cases): the checker built with
# optimization, as the kernel ships, against Python's jmespath; counts, deviations and shrunk findings.
FUZZ_CASES ?= 1000000
FUZZ_SEED ?= 1
fuzz: setup
	$(RELEASE) --product jmespath-check
	$(PY) Tests/conformance/jmespath_fuzz.py --checker $(CURDIR)/.build/release/jmespath-check --cases $(FUZZ_CASES) --seed $(FUZZ_SEED)

# The GlobusSDK documentation: its catalog (Sources/GlobusSDK/GlobusSDK.docc), every public
# symbol's doc comment, and the snippets the articles show (Snippets/, built by `swift build`).
# DocC fails on any warning (--warnings-as-errors), and so does this target on any diagnostic in
# DocC's part of the log (the build's own warnings, about other packages' flags, are not DocC's);
# the coverage summary is printed.
DOCS := build/docs
docs: setup
	@mkdir -p $(DOCS)
	set -o pipefail; swift package --allow-writing-to-directory $(DOCS) generate-documentation --target GlobusSDK \
	  --output-path $(DOCS)/GlobusSDK.doccarchive --warnings-as-errors \
	  --experimental-documentation-coverage --coverage-summary-level brief 2>&1 | tee $(DOCS)/generate.log
	@! sed -n '/^Building documentation for/,/^Generated documentation archive/p' $(DOCS)/generate.log | grep -E "warning:|error:"
	@echo "docs: $(DOCS)/GlobusSDK.doccarchive"

# The single-user image for Zero to JupyterHub, without a container engine: deploy/image/build-root.sh
# builds the kernel (release, --static-swift-stdlib, in .build-image), makes a Debian root with
# debootstrap and runs the image's steps in it with chroot, then the smoke test there (the
# kernelspec listed, kernel_info, the tour in demo mode). deploy/image/Dockerfile is written from
# the same steps (a test in `make test` holds them equal). Needs root and the network;
# not in `make test`: 12 minutes from nothing on 2 cores, 2 to 3.5 with .build-image kept.
IMAGE_ROOT := build/image-root
image-root:
	@SETUP_DEBIAN_ONLY=1 scripts/setup.sh debootstrap
	@start=$$(date +%s); \
	  deploy/image/build-root.sh build $(IMAGE_ROOT) && deploy/image/build-root.sh smoke $(IMAGE_ROOT) && \
	  echo "image-root: $(IMAGE_ROOT), $$(du -sh --one-file-system $(IMAGE_ROOT) | cut -f1), built and tested in $$(( $$(date +%s) - start )) s"

clean:
	rm -rf .build .build-tsan .build-asan .build-image build
