# The Globus kernel. Two commands do everything on a fresh machine:
#   make demo   build, install the kernelspec locally, run the teaching notebook, show the result
#   make test   build and run every test (Swift unit tests and the Python-driven conformance suite)
SHELL := /bin/bash
BUILD := .build/debug
JUPYTER_DIR := $(CURDIR)/build/share/jupyter
PY := .venv/bin/python

.PHONY: all setup build release test swift-test conformance demo bench clean kernelspec sanitize

all: build

setup:
	@scripts/setup.sh

build: setup
	swift build

release: setup
	swift build -c release

# A kernelspec inside the build folder, found through JUPYTER_PATH (nothing in $HOME changes).
kernelspec: build
	@$(BUILD)/globus-kernel install --prefix $(CURDIR)/build >/dev/null
	@echo "kernelspec: $(JUPYTER_DIR)/kernels/globus"

swift-test: build
	swift test

conformance: kernelspec
	JUPYTER_PATH=$(JUPYTER_DIR) GLOBUS_KERNEL_BIN=$(CURDIR)/$(BUILD)/globus-kernel \
	  $(PY) -m pytest -q -p no:cacheprovider --timeout=120 Tests/conformance

test: swift-test conformance

# The Swift test suite under the thread and the address sanitizer (separate build folders).
sanitize: setup
	swift test --sanitize=thread --scratch-path .build-tsan
	LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan.supp swift test --sanitize=address --scratch-path .build-asan

# The tour, offline: demo mode starts the Globus Simulator and approves the login as a simulated
# person; tokens go to a scratch HOME so nothing touches your own ~/.globus.
demo: kernelspec
	@mkdir -p build/demo-home
	env -u GLOBUS_CLIENT_ID -u GLOBUS_CLIENT_SECRET HOME=$(CURDIR)/build/demo-home GLOBUS_KERNEL_DEMO=alice@uchicago.edu \
	  JUPYTER_PATH=$(JUPYTER_DIR) $(PY) scripts/run_notebook.py notebooks/tour.ipynb --out build/tour.ipynb --html build/tour.html

bench: release
	$(PY) bench/kernel_bench.py --kernel $(CURDIR)/.build/release/globus-kernel
	$(PY) bench/globus_bench.py --kernel $(CURDIR)/.build/release/globus-kernel --sim $(CURDIR)/.build/release/globus-sim
	$(PY) bench/sim_bench.py --sim $(CURDIR)/.build/release/globus-sim
	$(PY) bench/workflow_bench.py --kernel $(CURDIR)/.build/release/globus-kernel --sim $(CURDIR)/.build/release/globus-sim

clean:
	rm -rf .build .build-tsan .build-asan build
