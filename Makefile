# stepd — build, test and demo. `make demo` and `make test` are the contract (README.md).
SWIFT ?= swift
BUILD_FLAGS ?=
BIN_DIR = $(shell $(SWIFT) build $(BUILD_FLAGS) --show-bin-path 2>/dev/null)

.PHONY: all deps build test demo bench clean release install uninstall check-units test-systemd test-durability \
	test-crash-consistency fuzz fuzz-smoke test-asan test-tsan

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

# The integration tests that kill and restart the real stepd and go through the spool, the
# writer and timers run it twice, as built and with every speed trick off (StepdMode.plain:
# STEPD_PLAIN; the switches are listed in Sources/StepDaemon/Daemon/SpeedSwitches.swift), in
# the same `swift test`, so the plain path stays tested.
#
# The real-systemd test runs beside the Swift tests (it installs the binaries just built into
# its container and mostly waits on systemd); its lines are printed after theirs.
#
# Then the fuzz smoke (fuzz-smoke, below): each libFuzzer target over its saved crashes and
# 3000 inputs; it says so and passes when the toolchain has no libFuzzer.
test: deps
	$(SWIFT) build $(BUILD_FLAGS) --build-tests
	@if command -v systemd-analyze >/dev/null; then scripts/check-units.sh "$(BIN_DIR)"; \
	else echo "check-units skipped: systemd-analyze is missing (Debian package systemd)"; fi
	@systemd_log=$$(mktemp); \
	STEPD_BIN_DIR="$(BIN_DIR)" scripts/test-systemd.sh --if-possible > "$$systemd_log" 2>&1 & systemd_test=$$!; \
	$(SWIFT) test $(BUILD_FLAGS) --skip-build; swift_status=$$?; \
	wait $$systemd_test; systemd_status=$$?; \
	cat "$$systemd_log"; rm -f "$$systemd_log"; \
	SWIFT="$(SWIFT)" fuzz/run.sh smoke; fuzz_status=$$?; \
	[ $$swift_status -eq 0 ] && [ $$systemd_status -eq 0 ] && [ $$fuzz_status -eq 0 ]

# The kill -9 loop under load (Tests/IntegrationTests/DurabilityLoopTests.swift), CYCLES times
# in each mode (as built and plain); `make test` runs it 20 times. STEPD_DURABILITY_SEED=N
# replays a failing run's pauses.
CYCLES ?= 1000
test-durability: deps
	$(SWIFT) build $(BUILD_FLAGS) --build-tests
	STEPD_DURABILITY_CYCLES=$(CYCLES) $(SWIFT) test $(BUILD_FLAGS) --skip-build --filter DurabilityLoopTests

# The crash-consistency tests (docs/testing.md) on SEEDS fresh seeds for each of their four
# tests (`make test` runs 200 seeds in all), or on the one seed SEED=0x... that a failure printed.
SEEDS ?= 500
test-crash-consistency: deps
	$(SWIFT) build $(BUILD_FLAGS) --build-tests
	STEPD_CRASH_SEEDS=$(SEEDS) $(if $(SEED),STEPD_CRASH_SEED=$(SEED)) \
	  $(SWIFT) test $(BUILD_FLAGS) --skip-build --filter CrashConsistencyTests

demo: build
	@scripts/demo.sh "$(BIN_DIR)"

# Not part of `make test`: release build, stepd against the physical limits and a peer.
# QUICK=1 runs every row at a smaller size.
bench: deps
	@QUICK=$(QUICK) bench/run.sh

# ---- Tests that attack it (docs/reliability.md) --------------------------------------------
# libFuzzer targets (fuzz/): RUNS inputs each, one target at a time; TARGETS="json http" for
# some (the names of fuzz/corpus/). Built with ASan in .build-fuzz, which keeps their corpus;
# CONFIGURATION=release for an optimized build, for long runs.
RUNS ?= 1000000
fuzz: deps
	@SWIFT="$(SWIFT)" RUNS=$(RUNS) CONFIGURATION=$(or $(CONFIGURATION),debug) fuzz/run.sh fuzz $(TARGETS)

# Each target over fuzz/regressions/, then SMOKE_RUNS inputs (3000), its seeds first (make test).
fuzz-smoke: deps
	@SWIFT="$(SWIFT)" fuzz/run.sh smoke

# The whole test suite built with AddressSanitizer, or ThreadSanitizer, each in a scratch
# folder of its own (the integration tests run the stepd built there). LeakSanitizer is off:
# it cannot follow Swift enum payloads and reports what they hold (docs/reliability.md).
test-asan: deps
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan

# ThreadSanitizer builds optimized (with -enable-testing for the tests' @testable imports): in
# a debug build swiftc instruments the inout access to a generic `some RandomNumberGenerator`
# holding the empty SystemRandomNumberGenerator, and TSan crashes on its meaningless address
# the first time a Task state runs (swiftlang/swift#66099).
TSAN_FLAGS = -c release -Xswiftc -enable-testing --sanitize=thread --scratch-path .build-tsan
test-tsan: deps
	$(SWIFT) build --build-tests $(TSAN_FLAGS)
	$(SWIFT) test --skip-build $(TSAN_FLAGS)

# ---- Installing, and stepd under systemd (README: "Running under systemd") ----------------
# Release binaries, in the scratch folder `make bench` uses too.
RELEASE_FLAGS = -c release --scratch-path .build-release
RELEASE_BIN = $(shell $(SWIFT) build $(RELEASE_FLAGS) --show-bin-path 2>/dev/null)
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/stepd
# stepd.service's ConfigurationDirectory=stepd: /etc/stepd, whatever the PREFIX.
CONFDIR = /etc/stepd
# systemd reads units from both: /usr/local/lib/systemd/system is the administrator's own,
# and a PREFIX=/usr install (a distribution package) goes where the distribution keeps its
# units (pkg-config says where: /lib/systemd/system on Debian 12).
DISTRO_UNITDIR = $(or $(shell pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null),/usr/lib/systemd/system)
UNITDIR ?= $(if $(filter /usr,$(PREFIX)),$(DISTRO_UNITDIR),$(PREFIX)/lib/systemd/system)
# systemd-sysusers reads /usr/local/lib/sysusers.d as well as /usr/lib/sysusers.d.
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
INSTALL_ENV = DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" BINDIR="$(BINDIR)" DATADIR="$(DATADIR)" \
	CONFDIR="$(CONFDIR)" UNITDIR="$(UNITDIR)" SYSUSERSDIR="$(SYSUSERSDIR)"

release: deps
	$(SWIFT) build $(RELEASE_FLAGS)

# Binaries, units, the sysusers.d entry, the example under $(DATADIR)/examples and, as the
# configuration, in /etc/stepd (existing files there are kept). DESTDIR for packaging.
# INSTALL_BIN=DIR installs the binaries of DIR instead (make test installs its debug build
# into the test container rather than spend minutes on a release build).
install: $(if $(INSTALL_BIN),,release)
	@$(INSTALL_ENV) RELEASE_BIN="$(or $(INSTALL_BIN),$(RELEASE_BIN))" scripts/install.sh install

# Leaves /var/lib/stepd (the database), the user, and files of /etc/stepd that were changed.
uninstall:
	@$(INSTALL_ENV) scripts/install.sh uninstall

# systemd-analyze verify (no warning allowed) and security (the exposure level).
check-units: build
	@scripts/check-units.sh "$(BIN_DIR)"

# Boots systemd in a container (root only) and checks stepd there: scripts/test-systemd.sh.
test-systemd:
	@scripts/test-systemd.sh

clean:
	rm -rf .build .build-fuzz .build-asan .build-tsan examples/async-job/output
