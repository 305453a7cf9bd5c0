# dropscope — see README.md. `make` builds ./dropscope; `make check` tests;
# `make bench` measures. Every target that needs packages installs them first.

CC      ?= gcc
CLANG   ?= clang
BPFTOOL ?= bpftool
# A static build keeps its objects apart, so switching never mixes them.
OUT     := $(if $(filter 1,$(STATIC)),build-static,build)
LINK    := $(if $(filter 1,$(STATIC)),static,dynamic)

# Debian package sets: what building, testing and benchmarking need.
DEPS_BUILD := make gcc clang llvm libbpf-dev libelf-dev zlib1g-dev libpcap-dev bpftool \
	      libncurses-dev libmnl-dev libmicrohttpd-dev libcap-dev
DEPS_TEST  := libcmocka-dev iproute2 nftables jq tshark strace linux-perf tmux scdoc man-db \
	      bash-completion libcap2-bin debhelper lintian dpkg-dev fakeroot \
	      prometheus curl openssl systemd
DEPS_BENCH := bpftrace linux-perf prometheus-node-exporter

CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc -I$(OUT)
# libmicrohttpd is loaded by the exporter at run time (src/mhd.h says why).
LIBS    := -lbpf -lelf -lz -lpcap -lmnl -lcap -lncursesw -ltinfo
# The exporter and the rtnetlink counter readers (`dropscope exporter`,
# `dropscope counters`).
EXPORTER_SRCS := src/exporter.c src/countercmd.c src/counters.c src/devstats.c \
		 src/qdiscstats.c src/nldump.c src/metrics.c src/mhd.c
ifeq ($(STATIC),1)
# Self-contained: runs in a bare initramfs on other kernels (CO-RE).
# Debian's libpcap.a needs libsystemd, which has no static library, so the
# static build leaves pcap-filter expressions out (all else works).
LDFLAGS += -static
# Debian ships no libmnl.a, and libmicrohttpd.a needs GnuTLS's static
# libraries, which it does not ship either: the static build leaves out
# the exporter and the counters command.
LIBS    := -lbpf -lelf -lz -lncursesw -ltinfo
CFLAGS  += -DDROPSCOPE_NO_PCAP -DDROPSCOPE_NO_EXPORTER
endif

BPF_ARCH := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -Wall -Werror -Isrc

BPF_SRCS  := $(wildcard src/*.bpf.c)
BPF_OBJS  := $(patsubst src/%.bpf.c,$(OUT)/%.bpf.o,$(BPF_SRCS))
SKELS     := $(patsubst src/%.bpf.c,$(OUT)/%.skel.h,$(BPF_SRCS))
USER_SRCS := $(filter-out src/main.c $(BPF_SRCS) $(if $(filter 1,$(STATIC)),$(EXPORTER_SRCS)),\
	       $(wildcard src/*.c))
USER_OBJS := $(patsubst src/%.c,$(OUT)/%.o,$(USER_SRCS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUT)/%,$(UNIT_SRCS))
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(patsubst tests/tools/%.c,$(OUT)/tools/%,$(TOOL_SRCS))
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_BINS := $(patsubst bench/%.c,$(OUT)/bench/%,$(BENCH_SRCS))

# Only the BPF chain is intermediate; an empty .SECONDARY would also let
# `make STATIC=1` after a dynamic build call ./dropscope up to date.
.SECONDARY: $(BPF_OBJS) $(SKELS)
.PHONY: all deps deps-test deps-bench run check unit integration bench matrix format clean \
	man install uninstall
all: dropscope

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

deps:
	$(call apt_install,$(DEPS_BUILD))
deps-test: deps
	$(call apt_install,$(DEPS_TEST))
deps-bench: deps-test
	$(call apt_install,$(DEPS_BENCH))

$(OUT) $(OUT)/tools $(OUT)/bench:
	@mkdir -p $@

$(OUT)/%.bpf.o: src/%.bpf.c src/dropscope.h src/vmlinux_min.h | $(OUT)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/%.skel.h: $(OUT)/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

$(OUT)/%.o: src/%.c $(wildcard src/*.h) $(SKELS) | $(OUT)
	$(CC) $(CFLAGS) -c $< -o $@

# ./dropscope is relinked whenever the last link was of the other kind.
.link-$(LINK):
	@rm -f .link-*; touch $@

dropscope: $(OUT)/main.o $(USER_OBJS) .link-$(LINK)
	$(if $(filter 1,$(STATIC)),@echo "static build: without pcap-filter expressions and without the exporter (no static libmnl/GnuTLS)")
	$(CC) $(LDFLAGS) $(OUT)/main.o $(USER_OBJS) $(LIBS) -o $@

$(OUT)/test_%: tests/unit/test_%.c $(wildcard tests/unit/*.h) $(USER_OBJS) | $(OUT)
	$(CC) $(CFLAGS) -Itests/unit $< $(USER_OBJS) $(LIBS) -lcmocka -o $@

$(OUT)/tools/%: tests/tools/%.c $(wildcard tests/tools/*.h) | $(OUT)/tools
	$(CC) $(CFLAGS) $< -o $@

$(OUT)/bench/%: bench/%.c | $(OUT)/bench
	$(CC) $(CFLAGS) $< -o $@ -lm

# Installation: the binary, dropscope(8) and bash completion.
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

install: dropscope $(OUT)/dropscope.8
	install -D -m 0755 dropscope $(DESTDIR)$(SBINDIR)/dropscope
	install -D -m 0644 $(OUT)/dropscope.8 $(DESTDIR)$(MANDIR)/dropscope.8
	install -D -m 0644 contrib/bash-completion/dropscope $(DESTDIR)$(COMPDIR)/dropscope
	install -d $(DESTDIR)$(SYSTEMDDIR)
	sed 's|/usr/local/sbin/dropscope|$(SBINDIR)/dropscope|' contrib/dropscope-exporter.service \
		> $(DESTDIR)$(SYSTEMDDIR)/dropscope-exporter.service

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/dropscope $(DESTDIR)$(MANDIR)/dropscope.8 \
		$(DESTDIR)$(COMPDIR)/dropscope $(DESTDIR)$(SYSTEMDDIR)/dropscope-exporter.service

run: deps dropscope
	./dropscope

check: deps-test dropscope $(UNIT_BINS) $(TOOL_BINS)
	@bash tests/run.sh

unit: deps-test $(UNIT_BINS)
	@bash tests/run.sh --unit

integration: deps-test dropscope $(TOOL_BINS)
	@bash tests/run.sh --integration

bench: deps-bench dropscope $(BENCH_BINS)
	@bash bench/run.sh

# Boots other Debian kernels under qemu with the static binary (slow: minutes).
matrix: deps-test
	@bash tests/matrix/run.sh

format:
	clang-format -i src/*.c src/*.h tests/unit/*.c tests/tools/*.c bench/*.c

clean:
	rm -rf build build-static dropscope .link-*
