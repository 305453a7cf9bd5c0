# dropscope — see README.md. `make` builds ./dropscope; `make check` tests;
# `make bench` measures. Every target that needs packages installs them first.

CC      ?= gcc
CLANG   ?= clang
BPFTOOL ?= bpftool

# Three kinds of build, each with its own object directory so switching
# never mixes them: the normal one (./dropscope), STATIC=1 (./dropscope,
# self-contained) and SANITIZE=1 (build-san/dropscope with ASan+UBSan; the
# test suite runs it). FUZZ=1 is the libFuzzer build of `make fuzz`.
ifeq ($(SANITIZE)$(STATIC),11)
$(error SANITIZE=1 and STATIC=1 do not go together: the sanitizer runtimes need dynamic linking)
endif
ifeq ($(FUZZ),1)
OUT     := build-fuzz
CC      := $(CLANG)
else ifeq ($(SANITIZE),1)
OUT     := build-san
else ifeq ($(STATIC),1)
OUT     := build-static
else
OUT     := build
endif
BIN     := $(if $(filter build-san build-fuzz,$(OUT)),$(OUT)/dropscope,dropscope)
LINK    := $(if $(filter 1,$(STATIC)),static,dynamic)

# Debian package sets: what building, testing and benchmarking need.
DEPS_BUILD := make gcc clang llvm libbpf-dev libelf-dev zlib1g-dev libpcap-dev bpftool \
	      libncurses-dev libmnl-dev libmicrohttpd-dev libgnutls28-dev libcap-dev
DEPS_TEST  := libcmocka-dev iproute2 nftables jq tshark strace linux-perf file tmux scdoc \
	      man-db bash-completion libcap2-bin debhelper lintian dpkg-dev fakeroot \
	      prometheus curl openssl systemd ethtool python3-yaml podman crun busybox-static
# libFuzzer and the sanitizer runtimes of clang (make fuzz, make check).
DEPS_FUZZ  := clang libclang-rt-dev
DEPS_BENCH := bpftrace linux-perf prometheus-node-exporter

# CFLAGS, CPPFLAGS and LDFLAGS are the user's (dpkg-buildflags passes all
# three on the command line); what the build itself needs is in DS_*, which
# a command-line variable cannot replace.
CFLAGS      ?= -O2 -g
DS_CPPFLAGS := -D_GNU_SOURCE -Isrc -I$(OUT)
DS_CFLAGS   := -std=gnu11 -Wall -Wextra -Werror
DS_LDFLAGS  :=
# libmicrohttpd is loaded by the exporter at run time (src/lib/microhttpd.h says why),
# libpcap by events mode when given an expression (src/trace/pcap_filter.c),
# ncursesw (with libtinfo) by `top` (src/lib/ncursesw.h).
LIBS        := -lbpf -lelf -lz -ldl -lmnl -lcap
# The exporter, diagnose and the netlink counter and socket readers
# (`dropscope exporter`, `dropscope counters`, `dropscope diagnose`): they
# need libmnl.
EXPORTER_SRCS := src/cmd/exporter.c src/cmd/counters.c src/counters/counters.c \
		 src/counters/devstats.c src/counters/qdiscstats.c src/lib/netlink.c \
		 src/render/exposition.c src/render/drop_series.c src/render/counter_families.c \
		 src/lib/microhttpd.c src/lib/http_guard.c src/counters/sockdiag.c \
		 $(wildcard src/diagnose/*.c) src/cmd/diagnose.c src/counters/ethtool.c src/counters/neigh.c \
		 src/counters/route.c src/counters/delta.c src/lib/tls_keypair.c src/counters/drvstats.c \
		 src/counters/linkpeer.c src/counters/synwatch.c
ifeq ($(STATIC),1)
# Self-contained: runs in a bare initramfs on other kernels (CO-RE).
# Debian's libpcap.a needs libsystemd, which has no static library, so the
# static build leaves pcap-filter expressions out (all else works).
# Only ./dropscope is linked statically; the test programs are not.
# Debian ships no libmnl.a, and libmicrohttpd.a needs GnuTLS's static
# libraries, which it does not ship either: the static build leaves out
# the exporter, the counters command and diagnose; without libmnl the
# nftables reader (src/counters/nftstats.c) is a stub answering -EOPNOTSUPP.
# ncursesw and libtinfo are linked in (a static binary cannot dlopen
# reliably); src/lib/ncursesw.c fills top's table from them.
STATIC_LDFLAGS := -static
LIBS        := -lbpf -lelf -lz -lcap -lncursesw -ltinfo
DS_CPPFLAGS += -DDROPSCOPE_NO_PCAP -DDROPSCOPE_NO_EXPORTER -DDROPSCOPE_NO_NFTSTATS \
	       -DDROPSCOPE_LINKED_CURSES
endif
SAN_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
ifeq ($(SANITIZE),1)
DS_CFLAGS   += $(SAN_FLAGS)
DS_LDFLAGS  += $(SAN_FLAGS)
endif
ifeq ($(FUZZ),1)
# Objects get coverage for libFuzzer; the harnesses link its main.
DS_CFLAGS   += $(SAN_FLAGS) -fsanitize=fuzzer-no-link
DS_LDFLAGS  += $(SAN_FLAGS)
endif
COMPILE = $(CC) $(DS_CPPFLAGS) $(CPPFLAGS) $(DS_CFLAGS) $(CFLAGS)
LINKER  = $(CC) $(DS_CFLAGS) $(CFLAGS) $(DS_LDFLAGS) $(LDFLAGS)

BPF_ARCH := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -Wall -Werror -Isrc

# Sources live in folders by layer (src/README.md); objects mirror them.
LAYERS    := lib symbols counters trace render diagnose cmd
BPF_SRCS  := $(wildcard src/bpf/*.bpf.c)
BPF_OBJS  := $(patsubst src/bpf/%.bpf.c,$(OUT)/%.bpf.o,$(BPF_SRCS))
SKELS     := $(patsubst src/bpf/%.bpf.c,$(OUT)/%.skel.h,$(BPF_SRCS))
USER_SRCS := $(filter-out src/cmd/main.c $(if $(filter 1,$(STATIC)),$(EXPORTER_SRCS)),\
	       $(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c)))
USER_OBJS := $(patsubst src/%.c,$(OUT)/%.o,$(USER_SRCS))
MAIN_OBJ  := $(OUT)/cmd/main.o
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUT)/%,$(UNIT_SRCS))
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(patsubst tests/tools/%.c,$(OUT)/tools/%,$(TOOL_SRCS))
# bench/*.bpf.c are BPF programs (the floor row), each with its loader bench/NAME.c.
BENCH_BPF_SRCS := $(wildcard bench/*.bpf.c)
BENCH_SKELS := $(patsubst bench/%.bpf.c,$(OUT)/bench/%.skel.h,$(BENCH_BPF_SRCS))
BENCH_SRCS := $(filter-out $(BENCH_BPF_SRCS),$(wildcard bench/*.c))
BENCH_BINS := $(patsubst bench/%.c,$(OUT)/bench/%,$(BENCH_SRCS))

FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(OUT)/%,$(FUZZ_SRCS))
FUZZ_SECONDS ?= 60
# What `make check` gives each fuzzer: a smoke run, `make fuzz` is the real one.
CHECK_FUZZ_SECONDS ?= 20

# Only the BPF object is an intermediate worth keeping; a bare .SECONDARY:
# would make every target one, and make then skips rebuilding a missing
# object (or the link stamp) whose sources are older than ./dropscope.
.SECONDARY: $(BPF_OBJS) $(SKELS) $(BENCH_SKELS) $(BENCH_SKELS:.skel.h=.bpf.o)
.PHONY: all deps deps-test deps-fuzz deps-bench run check unit integration fuzz test-bins \
	fuzz-bins bench bench-quick matrix format clean man install uninstall deps-doc
all: $(BIN)

# Install only what is missing; a machine that has everything pays one dpkg call.
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
		|| { echo "apt-get install$$missing failed" >&2; exit 1; }; \
	fi
endef

# Each set is checked once per build directory: a stamp remembers that the
# set, as the Makefile lists it now, was all installed, so `make unit` or
# `make check T=NAME` on a machine that has everything asks dpkg nothing.
# A stamp older than the Makefile (a package added) checks again.
DEPS_STAMP = $(OUT)/.deps-$(1)
deps: $(call DEPS_STAMP,build)
deps-test: deps $(call DEPS_STAMP,test)
deps-fuzz: deps $(call DEPS_STAMP,fuzz)
deps-bench: deps-test $(call DEPS_STAMP,bench)
$(OUT)/.deps-build: Makefile | $(OUT)
	$(call apt_install,$(DEPS_BUILD))
	@touch $@
$(OUT)/.deps-test: Makefile | $(OUT)
	$(call apt_install,$(DEPS_TEST))
	@touch $@
$(OUT)/.deps-fuzz: Makefile | $(OUT)
	$(call apt_install,$(DEPS_FUZZ))
	@touch $@
$(OUT)/.deps-bench: Makefile | $(OUT)
	$(call apt_install,$(DEPS_BENCH))
	@touch $@

$(OUT) $(OUT)/tools $(OUT)/bench:
	@mkdir -p $@

# The flags of the last build in $(OUT): when they change (another CFLAGS,
# CPPFLAGS, LDFLAGS, compiler), everything in $(OUT) is rebuilt.
FLAGS_NOW := $(strip $(COMPILE) | $(LINKER) $(STATIC_LDFLAGS) $(LIBS))
ifneq ($(FLAGS_NOW),$(strip $(file <$(OUT)/flags)))
.PHONY: $(OUT)/flags
endif
$(OUT)/flags: | $(OUT)
	$(file >$@,$(FLAGS_NOW))

$(OUT)/%.bpf.o: src/bpf/%.bpf.c | $(OUT)
	$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@

$(OUT)/%.skel.h: $(OUT)/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

# -MMD -MP: each object depends on exactly the headers it includes ($(OUT)/*.d),
# so touching one header rebuilds only what includes it. The skeleton is
# generated, so every object waits for it (order only: the .d files say who
# really includes it).
$(OUT)/%.o: src/%.c $(OUT)/flags | $(SKELS)
	@mkdir -p $(@D)
	$(COMPILE) -MMD -MP -c $< -o $@

# ./dropscope is relinked whenever the last link was of the other kind.
.link-$(LINK):
	@rm -f .link-*; touch $@

$(BIN): $(MAIN_OBJ) $(OUT)/libdropscope.a $(OUT)/flags $(if $(filter dropscope,$(BIN)),.link-$(LINK))
	$(if $(filter 1,$(STATIC)),@echo "static build: without pcap-filter expressions and without the exporter (no static libmnl/GnuTLS)")
	$(LINKER) $(STATIC_LDFLAGS) $(MAIN_OBJ) $(OUT)/libdropscope.a $(LIBS) -o $@

# Unit tests link the one archive of every object but main.o: each takes
# what it uses, and relinks only when an object in the archive changed.
$(OUT)/test_%: tests/unit/test_%.c $(OUT)/libdropscope.a $(OUT)/flags | $(OUT)
	$(COMPILE) -MMD -MP -Itests/unit $< $(OUT)/libdropscope.a $(DS_LDFLAGS) $(LDFLAGS) \
		$(LIBS) -lcmocka -o $@

$(OUT)/tools/%: tests/tools/%.c $(OUT)/flags | $(OUT)/tools
	$(COMPILE) -MMD -MP $< $(DS_LDFLAGS) $(LDFLAGS) -o $@

$(OUT)/bench/%: bench/%.c $(OUT)/flags | $(OUT)/bench
	$(COMPILE) $< $(DS_LDFLAGS) $(LDFLAGS) -o $@ -lm

$(OUT)/bench/%.bpf.o: bench/%.bpf.c | $(OUT)/bench
	$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@

$(OUT)/bench/%.skel.h: $(OUT)/bench/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

# A loader of a bench BPF program: its skeleton, and libbpf.
$(patsubst %.skel.h,%,$(BENCH_SKELS)): $(OUT)/bench/%: bench/%.c $(OUT)/bench/%.skel.h $(OUT)/flags
	$(COMPILE) -I$(OUT)/bench $< $(DS_LDFLAGS) $(LDFLAGS) -o $@ -lbpf -lelf -lz

# Harnesses link the objects they use from this archive, never main.o.
$(OUT)/libdropscope.a: $(USER_OBJS)
	rm -f $@ && ar rcs $@ $^

$(OUT)/fuzz_%: tests/fuzz/fuzz_%.c $(OUT)/libdropscope.a
	$(COMPILE) -MMD -MP -fsanitize=fuzzer -Itests/fuzz $< $(OUT)/libdropscope.a $(DS_LDFLAGS) \
		$(LDFLAGS) $(LIBS) -o $@

test-bins: $(BIN) $(UNIT_BINS) $(TOOL_BINS)
fuzz-bins: $(FUZZ_BINS)

# Installation: the binary, dropscope(8), bash completion, the exporter's unit.
PREFIX	?= /usr/local
DESTDIR	?=
SBINDIR	:= $(PREFIX)/sbin
MANDIR	:= $(PREFIX)/share/man/man8
COMPDIR	:= $(PREFIX)/share/bash-completion/completions
SYSTEMDDIR ?= $(PREFIX)/lib/systemd/system

$(OUT)/dropscope.8: doc/dropscope.8.scd | $(OUT)
	@command -v scdoc >/dev/null || { $(MAKE) --no-print-directory deps-doc; }
	scdoc < $< > $@.tmp && mv $@.tmp $@

deps-doc:
	$(call apt_install,scdoc man-db)

man: $(OUT)/dropscope.8

install: $(BIN) $(OUT)/dropscope.8
	install -D -m 0755 $(BIN) $(DESTDIR)$(SBINDIR)/dropscope
	install -D -m 0644 $(OUT)/dropscope.8 $(DESTDIR)$(MANDIR)/dropscope.8
	install -D -m 0644 contrib/bash-completion/dropscope $(DESTDIR)$(COMPDIR)/dropscope
	install -d $(DESTDIR)$(SYSTEMDDIR)
	sed 's|/usr/local/sbin/dropscope|$(SBINDIR)/dropscope|' contrib/dropscope-exporter.service \
		> $(DESTDIR)$(SYSTEMDDIR)/dropscope-exporter.service

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/dropscope $(DESTDIR)$(MANDIR)/dropscope.8 \
		$(DESTDIR)$(COMPDIR)/dropscope $(DESTDIR)$(SYSTEMDDIR)/dropscope-exporter.service

run: deps $(BIN)
	./$(BIN)

# The sanitized and fuzz builds are made by sub-makes before the tests
# start, so that the closing test line is the last line make prints.
# `make check T="03 test_keys:test_by*"`: only the named tests (tests/run.sh
# says how names match), unit and integration, on this build.
ifneq ($(T),)
check: deps-test test-bins
	@BUILD=$(OUT) DROPSCOPE=$(abspath $(BIN)) bash tests/run.sh --unit --integration \
		$(if $(filter 1,$(SANITIZE)),--sanitized) $(T)
else ifeq ($(SANITIZE),1)
check: deps-test test-bins
	@BUILD=$(OUT) DROPSCOPE=$(abspath $(BIN)) bash tests/run.sh --sanitized
else
check: deps-test deps-fuzz test-bins
	@$(MAKE) --no-print-directory SANITIZE=1 STATIC= test-bins
	@$(MAKE) --no-print-directory FUZZ=1 SANITIZE= STATIC= fuzz-bins
	@BUILD=$(OUT) DROPSCOPE=$(abspath $(BIN)) FUZZ_SECONDS=$(CHECK_FUZZ_SECONDS) \
		bash tests/run.sh --unit --integration --build --san --fuzz --matrix
endif

unit: deps-test $(UNIT_BINS)
	@BUILD=$(OUT) bash tests/run.sh --unit $(if $(filter 1,$(SANITIZE)),--sanitized)

integration: deps-test test-bins
	@BUILD=$(OUT) DROPSCOPE=$(abspath $(BIN)) bash tests/run.sh --integration \
		$(if $(filter 1,$(SANITIZE)),--sanitized)

# Each harness for FUZZ_SECONDS, one after the other.
fuzz: deps-fuzz
	@$(MAKE) --no-print-directory FUZZ=1 SANITIZE= STATIC= fuzz-bins
	@FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/run.sh --fuzz

bench: deps-bench $(BIN) $(BENCH_BINS) $(OUT)/tools/nschurn $(OUT)/tools/udpsend
	@bash bench/run.sh
	@bash bench/xdp.sh

# A check that the bench runs, not figures to quote: 3 runs of 2 s.
bench-quick: deps-bench $(BIN) $(BENCH_BINS)
	@BENCH_REPS=3 BENCH_SECONDS=2 BENCH_OUT=$(OUT)/bench-quick bash bench/run.sh

# Boots other Debian kernels under qemu with the static binary (slow: minutes).
matrix: deps-test
	@bash tests/matrix/run.sh

format:
	clang-format -i src/*/*.c src/*/*.h tests/unit/*.c tests/tools/*.c tests/fuzz/*.c bench/*.c

clean:
	rm -rf build build-static build-san build-fuzz dropscope .link-*

# The dependency files -MMD wrote: what each object includes.
-include $(shell find $(OUT) -name '*.d' 2>/dev/null)
