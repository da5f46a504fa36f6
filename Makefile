# stepd — build, test and demo. `make demo` and `make test` are the contract (README.md).
SWIFT ?= swift
BUILD_FLAGS ?=
BIN_DIR = $(shell $(SWIFT) build $(BUILD_FLAGS) --show-bin-path 2>/dev/null)

.PHONY: all deps build test demo bench clean

all: build

# System libraries the package links (SwiftPM system library targets found with pkg-config).
DEB_PACKAGES = libsqlite3-dev libsystemd-dev pkg-config

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get install -y $$missing || { apt-get update && apt-get install -y $$missing; }; \
	  else \
	    echo "missing Debian packages:$$missing"; \
	    echo "run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

test: deps
	$(SWIFT) build $(BUILD_FLAGS) --build-tests
	$(SWIFT) test $(BUILD_FLAGS) --skip-build

demo: build
	@scripts/demo.sh "$(BIN_DIR)"

# Not part of `make test`: release build, stepd against the physical limits and a peer.
# QUICK=1 runs every row at a smaller size.
bench: deps
	@QUICK=$(QUICK) bench/run.sh

clean:
	rm -rf .build examples/async-job/output
