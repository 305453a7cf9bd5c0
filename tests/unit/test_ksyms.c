// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for src/ksyms.c. Run from the repository root, or point
 * FIXTURES at tests/unit/fixtures/ksyms.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "symbols/ksyms.h"

struct env {
	char fixtures[4096];
	char tmpdir[64];
};

static const char *fx(void **state, const char *name, char *buf, size_t len)
{
	struct env *env = *state;

	snprintf(buf, len, "%s/%s", env->fixtures, name);
	return buf;
}

static const char *tmp(void **state, const char *name, char *buf, size_t len)
{
	struct env *env = *state;

	snprintf(buf, len, "%s/%s", env->tmpdir, name);
	return buf;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static struct ksyms *load_fx(void **state, const char *name)
{
	char path[4200];
	struct ksyms *ks = ksyms__load_kallsyms(fx(state, name, path, sizeof(path)));

	if (!ks)
		fail_msg("loading %s: %s", path, strerror(errno));
	return ks;
}

/* symdata() output for addr, checked against want, including the return value. */
static void check_symdata(const struct ksyms *ks, uint64_t addr, const char *want)
{
	char buf[256];
	int n = ksyms__symdata(ks, addr, buf, sizeof(buf));

	assert_string_equal(buf, want);
	assert_int_equal(n, (int)strlen(want));
}

static void check_symname(const struct ksyms *ks, uint64_t addr, const char *want)
{
	char buf[256];
	int n = ksyms__symname(ks, addr, buf, sizeof(buf));

	assert_string_equal(buf, want);
	assert_int_equal(n, (int)strlen(want));
}

/* An address in a fixture and what one lookup must make of it. */
struct lookup {
	uint64_t addr;
	const char *symdata; /* ksyms__symdata() */
	const char *symname; /* ksyms__symname() */
	bool not_found;	     /* ksyms__find() finds no symbol */
};

/* A braced initializer: the macros below stay one line each under clang-format. */
#define INIT(...)                                                                                  \
	{                                                                                          \
		__VA_ARGS__                                                                        \
	}
#define SYMDATA(a, want) INIT(.addr = (a), .symdata = (want))
#define SYMNAME(a, want) INIT(.addr = (a), .symname = (want))
#define NOT_FOUND(a)	 INIT(.addr = (a), .not_found = true)
#define ARRAY_SIZE(a)	 (sizeof(a) / sizeof((a)[0]))

static void check_lookups(void **state, const char *fixture, const struct lookup *l, size_t n)
{
	struct ksyms *ks = load_fx(state, fixture);

	for (size_t i = 0; i < n; i++) {
		if (l[i].symdata)
			check_symdata(ks, l[i].addr, l[i].symdata);
		if (l[i].symname)
			check_symname(ks, l[i].addr, l[i].symname);
		if (l[i].not_found)
			assert_null(ksyms__find(ks, l[i].addr));
	}
	ksyms__free(ks);
}

static void check_sorted(const struct ksyms *ks)
{
	size_t i;

	for (i = 1; i < ksyms__count(ks); i++)
		assert_true(ksyms__at(ks, i - 1)->addr <= ksyms__at(ks, i)->addr);
	assert_null(ksyms__at(ks, ksyms__count(ks)));
}

static void test_load_modules_fixture(void **state)
{
	struct ksyms *ks = load_fx(state, "kallsyms_modules");
	size_t i;

	/* 24 lines, 6 of them __pfx_ padding. */
	assert_int_equal(ksyms__count(ks), 18);
	assert_int_equal(ksyms__source(ks), KSYMS_KALLSYMS);
	check_sorted(ks);
	for (i = 0; i < ksyms__count(ks); i++)
		assert_null(strstr(ksyms__at(ks, i)->name, "__pfx_"));
	assert_null(ksyms__by_name(ks, "__pfx_tcp_v4_rcv"));
	assert_string_equal(ksyms__at(ks, 0)->name, "_text");
	assert_string_equal(ksyms__at(ks, 17)->name, "bpf_prog_ab12cd34ef567890_xdp_drop");
	ksyms__free(ks);
}

static void test_symdata_format(void **state)
{
	struct ksyms *ks = load_fx(state, "kallsyms_modules");
	const struct ksym *s = ksyms__by_name(ks, "tcp_v4_rcv");
	static const struct lookup lookups[] = {
		SYMDATA(0xffffffff82033a6aULL, "tcp_v4_rcv+0xaa/0x8d0 [kernel]"),
		SYMNAME(0xffffffff82033a6aULL, "tcp_v4_rcv"),
		SYMDATA(0xffffffff820339c0ULL, "tcp_v4_rcv+0x0/0x8d0 [kernel]"),
		SYMDATA(0xffffffff8203428fULL, "tcp_v4_rcv+0x8cf/0x8d0 [kernel]"),
	};

	assert_non_null(s);
	assert_int_equal(s->addr, 0xffffffff820339c0ULL);
	assert_int_equal(s->size, 0x8d0);
	assert_string_equal(s->module, "kernel");
	ksyms__free(ks);
	check_lookups(state, "kallsyms_modules", lookups, ARRAY_SIZE(lookups));
}

/*
 * Sizes end at the next __pfx_ symbol (as the kernel's %pS prints them),
 * and an address inside the padding belongs to no function.
 */
static void test_pfx_padding(void **state)
{
	static const struct lookup lookups[] = {
		SYMDATA(0xffffffff820339afULL, "ip_rcv+0x1af/0x1b0 [kernel]"),
		NOT_FOUND(0xffffffff820339b0ULL),
		NOT_FOUND(0xffffffff820339b4ULL),
		NOT_FOUND(0xffffffff820339bfULL),
		SYMDATA(0xffffffff820339b4ULL, "0xffffffff820339b4"),
		SYMNAME(0xffffffff820339b4ULL, "0xffffffff820339b4"),
		/* The end of tcp_v4_rcv is the start of the next padding. */
		NOT_FOUND(0xffffffff82034290ULL),
		SYMDATA(0xffffffff820342a0ULL, "tcp_v4_early_demux+0x0/0x160 [kernel]"),
		/* Same in a module. */
		NOT_FOUND(0xffffffffc0a01008ULL),
		SYMDATA(0xffffffffc0a01010ULL, "nft_do_chain+0x0/0xff0 [nf_tables]"),
	};

	check_lookups(state, "kallsyms_modules", lookups, ARRAY_SIZE(lookups));
}

/* Aliases: the first one listed wins, as in %pS (not the global one). */
static void test_aliases(void **state)
{
	struct ksyms *ks = load_fx(state, "kallsyms_modules");
	const struct ksym *a, *b;

	check_symdata(ks, 0xffffffff81000010ULL, "_text+0x10/0x40 [kernel]");
	check_symdata(ks, 0xffffffff81000115ULL, "__do_sys_fork+0x5/0x10336e0 [kernel]");
	check_symdata(ks, 0xffffffff820337efULL, "__do_sys_fork+0x10336df/0x10336e0 [kernel]");
	a = ksyms__by_name(ks, "__x64_sys_fork");
	b = ksyms__by_name(ks, "__do_sys_fork");
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->addr, b->addr);
	assert_int_equal(a->size, b->size);
	assert_ptr_equal(ksyms__find(ks, a->addr), b);
	ksyms__free(ks);
}

/*
 * Fuzzer finding: aliases from different modules have different sizes. A
 * vmlinux symbol sharing a bpf program's address (size 0: nothing follows
 * it in vmlinux) hid the program, so no address inside it was found.
 */
static void test_aliases_across_modules(void **state)
{
	struct ksyms *ks = load_fx(state, "kallsyms_alias_modules");

	check_symdata(ks, 0xffffffffc0a03000ULL, "vmlinux_tail+0x0/0x0 [kernel]");
	check_symdata(ks, 0xffffffffc0a03080ULL,
		      "bpf_prog_6deef7357e7b4530_sd_fw_ingress+0x80/0x100 [bpf]");
	check_symdata(ks, 0xffffffffc0a03100ULL,
		      "bpf_prog_ab12cd34ef567890_xdp_drop+0x0/0xf00 [bpf]");
	ksyms__free(ks);
}

static void test_modules_symbols(void **state)
{
	static const struct lookup lookups[] = {
		SYMDATA(0xffffffffc0a01020ULL, "nft_do_chain+0x10/0xff0 [nf_tables]"),
		SYMDATA(0xffffffffc0a02004ULL, "nft_lookup_eval+0x4/0x40 [nf_tables]"),
		/* A module's last symbol reaches to the end of its page. */
		SYMDATA(0xffffffffc0a02048ULL, "nft_do_chain_exit+0x8/0xfc0 [nf_tables]"),
		SYMDATA(0xffffffffc0900010ULL, "br_handle_frame+0x10/0x200 [bridge]"),
		SYMDATA(0xffffffffc0900fffULL, "br_dev_xmit+0xdff/0xe00 [bridge]"),
		/* Between bridge and nf_tables there is nothing. */
		SYMDATA(0xffffffffc0901000ULL, "0xffffffffc0901000"),
		SYMNAME(0xffffffffc0a02048ULL, "nft_do_chain_exit"),
	};

	check_lookups(state, "kallsyms_modules", lookups, ARRAY_SIZE(lookups));
}

static void test_bpf_and_trampoline(void **state)
{
	static const struct lookup lookups[] = {
		SYMDATA(0xffffffffc0a03042ULL,
			"bpf_prog_6deef7357e7b4530_sd_fw_ingress+0x42/0x100 [bpf]"),
		SYMDATA(0xffffffffc0a03100ULL,
			"bpf_prog_ab12cd34ef567890_xdp_drop+0x0/0xf00 [bpf]"),
		SYMDATA(0xffffffffc0a04000ULL, "0xffffffffc0a04000"),
		SYMDATA(0xffffffffc0201010ULL, "ftrace_trampoline+0x10/0x1000 [__builtin__ftrace]"),
		SYMDATA(0xffffffffc0202000ULL, "0xffffffffc0202000"),
	};

	check_lookups(state, "kallsyms_modules", lookups, ARRAY_SIZE(lookups));
}

static void test_below_first_and_last(void **state)
{
	static const struct lookup lookups[] = {
		SYMDATA(0xffffffff80ffffffULL, "0xffffffff80ffffff"),
		SYMNAME(0xffffffff80ffffffULL, "0xffffffff80ffffff"),
		SYMDATA(0, "0x0"),
		/* The last vmlinux symbol is a marker of unknown size. */
		SYMDATA(0xffffffff82034400ULL, "_etext+0x0/0x0 [kernel]"),
		SYMDATA(0xffffffff82034401ULL, "0xffffffff82034401"),
		SYMDATA(UINT64_MAX, "0xffffffffffffffff"),
	};

	check_lookups(state, "kallsyms_modules", lookups, ARRAY_SIZE(lookups));
}

static void test_zero_addresses(void **state)
{
	char path[4200];

	/* Listed but hidden (kptr_restrict): told apart from no symbols. */
	errno = 0;
	assert_null(ksyms__load_kallsyms(fx(state, "kallsyms_zero", path, sizeof(path))));
	assert_int_equal(errno, EACCES);
	errno = 0;
	assert_null(ksyms__load_kallsyms(fx(state, "kallsyms_empty", path, sizeof(path))));
	assert_int_equal(errno, ENODATA);
	errno = 0;
	assert_null(ksyms__load_kallsyms(fx(state, "no_such_file", path, sizeof(path))));
	assert_int_equal(errno, ENOENT);
}

static void test_garbage_lines(void **state)
{
	struct ksyms *ks = load_fx(state, "kallsyms_garbage");
	const struct ksym *s;

	assert_int_equal(ksyms__count(ks), 5);
	assert_string_equal(ksyms__at(ks, 0)->name, "a_one");
	assert_string_equal(ksyms__at(ks, 1)->name, "b_two");
	assert_string_equal(ksyms__at(ks, 2)->name, "c_three");
	assert_string_equal(ksyms__at(ks, 3)->name, "d_last");
	assert_string_equal(ksyms__at(ks, 4)->name, "mod_fn");
	s = ksyms__by_name(ks, "d_last");
	assert_non_null(s);
	assert_int_equal(s->addr, 0xffffffff81000300ULL);
	s = ksyms__by_name(ks, "mod_fn");
	assert_non_null(s);
	assert_string_equal(s->module, "mod");
	check_symdata(ks, 0xffffffff81000180ULL, "b_two+0x80/0x100 [kernel]");
	assert_null(ksyms__by_name(ks, "mod_cut"));
	assert_null(ksyms__by_name(ks, "mod_space"));
	assert_null(ksyms__by_name(ks, "trailing"));
	assert_null(ksyms__by_name(ks, "nul"));
	ksyms__free(ks);

	/* A read cut short in the middle of a module name. */
	ks = load_fx(state, "kallsyms_truncated_eof");
	assert_int_equal(ksyms__count(ks), 2);
	assert_null(ksyms__by_name(ks, "mod_eof"));
	check_symdata(ks, 0xffffffffc0003010ULL, "mod_fn+0x10/0x1000 [mod]");
	ksyms__free(ks);
}

static void test_unsorted(void **state)
{
	struct ksyms *ks = load_fx(state, "kallsyms_unsorted");
	char want[64];
	int i;

	assert_int_equal(ksyms__count(ks), 43);
	check_sorted(ks);
	for (i = 0; i < 39; i++) {
		const struct ksym *s = ksyms__find(ks, 0xffffffff81000000ULL + i * 0x100 + 0x80);

		snprintf(want, sizeof(want), "fn_%02d", i);
		assert_non_null(s);
		assert_string_equal(s->name, want);
		assert_int_equal(s->size, 0x100);
	}
	/* Both aliases of fn_03 sit in the unsorted tail, fn_03 listed first. */
	check_symdata(ks, 0xffffffff81000301ULL, "fn_03+0x1/0x100 [kernel]");
	/* fn_04 in the sorted head beats its alias from the tail. */
	check_symdata(ks, 0xffffffff81000401ULL, "fn_04+0x1/0x100 [kernel]");
	check_symdata(ks, 0xffffffff81002710ULL, "fn_39+0x10/0x1900 [kernel]");
	check_symdata(ks, 0xffffffff81004000ULL, "above_all+0x0/0x0 [kernel]");
	ksyms__free(ks);
}

struct ref {
	uint64_t addr;
	unsigned int seq;
};

static int ref_cmp(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* A large head plus a tail that interleaves with it, against qsort. */
static void test_sort_matches_reference(void **state)
{
	enum { HEAD = 15000, TAIL = 5000, N = HEAD + TAIL };
	struct ref *ref = calloc(N, sizeof(*ref));
	unsigned int seed = 12345, i;
	char path[4200], name[32];
	struct ksyms *ks;
	FILE *f;

	assert_non_null(ref);
	tmp(state, "kallsyms_big", path, sizeof(path));
	f = fopen(path, "w");
	assert_non_null(f);
	for (i = 0; i < N; i++) {
		if (i < HEAD) {
			ref[i].addr = 0xffffffff81000000ULL + (uint64_t)i * 0x40;
		} else {
			seed = seed * 1103515245 + 12345;
			/* Some tail addresses collide with head ones. */
			ref[i].addr =
				0xffffffff81000000ULL + (uint64_t)(seed >> 8) % (HEAD * 2) * 0x20;
		}
		ref[i].seq = i;
		fprintf(f, "%016" PRIx64 " t s%u\n", ref[i].addr, i);
	}
	assert_int_equal(fclose(f), 0);
	qsort(ref, N, sizeof(*ref), ref_cmp);

	ks = ksyms__load_kallsyms(path);
	assert_non_null(ks);
	assert_int_equal(ksyms__count(ks), N);
	for (i = 0; i < N; i++) {
		const struct ksym *s = ksyms__at(ks, i);

		snprintf(name, sizeof(name), "s%u", ref[i].seq);
		assert_int_equal(s->addr, ref[i].addr);
		assert_string_equal(s->name, name);
		/* Lookups land on the first of the aliases. */
		if (i == 0 || ref[i - 1].addr != ref[i].addr)
			assert_ptr_equal(ksyms__find(ks, ref[i].addr), s);
	}
	ksyms__free(ks);
	free(ref);
}

static void test_padding_alias_and_cfi(void **state)
{
	struct ksyms *ks = load_fx(state, "kallsyms_padding_alias");
	static const struct lookup lookups[] = {
		SYMDATA(0xffffffff810000efULL, "_text+0xef/0xf0 [kernel]"),
		SYMDATA(0xffffffff810000f4ULL, "0xffffffff810000f4"),
		SYMDATA(0xffffffff81000104ULL, "foo+0x4/0x80 [kernel]"),
		/* A real symbol sharing the padding's address still names it. */
		SYMDATA(0xffffffff81000184ULL, "__split_text_end+0x4/0x10 [kernel]"),
		SYMDATA(0xffffffff81000190ULL, "run_init_process+0x0/0x70 [kernel]"),
		SYMDATA(0xffffffff81000208ULL, "0xffffffff81000208"),
		SYMDATA(0xffffffff81000218ULL, "__pi_startup_64_load_idt+0x8/0x70 [kernel]"),
	};

	assert_int_equal(ksyms__count(ks), 6);
	assert_null(ksyms__by_name(ks, "__cfi_foo"));
	assert_null(ksyms__by_name(ks, "__pi___pfx_startup_64_load_idt"));
	ksyms__free(ks);
	check_lookups(state, "kallsyms_padding_alias", lookups, ARRAY_SIZE(lookups));
}

static void test_truncated_output(void **state)
{
	struct ksyms *ks = load_fx(state, "kallsyms_modules");
	char buf[8];

	(void)state;
	assert_int_equal(ksyms__symdata(ks, 0xffffffff82033a6aULL, buf, sizeof(buf)), 30);
	assert_string_equal(buf, "tcp_v4_");
	assert_int_equal(ksyms__symname(ks, 0xffffffff80ffffffULL, buf, sizeof(buf)), 18);
	assert_string_equal(buf, "0xfffff");
	ksyms__free(ks);
}

static void test_system_map(void **state)
{
	char path[4200];
	struct ksyms *ks =
		ksyms__load_system_map(fx(state, "System.map", path, sizeof(path)), 0x1e000000);
	const struct ksym *s;

	assert_non_null(ks);
	assert_int_equal(ksyms__source(ks), KSYMS_SYSTEM_MAP);
	/* Per-cpu, absolute and padding symbols are left out. */
	assert_int_equal(ksyms__count(ks), 10);
	check_sorted(ks);
	assert_null(ksyms__by_name(ks, "cpu_number"));
	assert_null(ksyms__by_name(ks, "phys_startup_64"));
	assert_null(ksyms__by_name(ks, "__pfx_tcp_v4_rcv"));
	s = ksyms__by_name(ks, "_text");
	assert_non_null(s);
	assert_int_equal(s->addr, 0xffffffff9f000000ULL);
	check_symdata(ks, 0xffffffff9f0002baULL, "tcp_v4_rcv+0xaa/0x8d0 [kernel]");
	check_symdata(ks, 0xffffffff9f000204ULL, "0xffffffff9f000204");
	check_symdata(ks, 0xffffffff9f000115ULL, "do_one+0x5/0xf0 [kernel]");
	check_symdata(ks, 0xffffffff9f600000ULL, "_end+0x0/0x0 [kernel]");
	check_symdata(ks, 0x1e001000ULL, "0x1e001000");
	assert_false(ksyms__modules_changed(ks));
	ksyms__free(ks);

	ks = ksyms__load_system_map(path, -0x1000);
	assert_non_null(ks);
	check_symdata(ks, 0xffffffff80fff2baULL, "tcp_v4_rcv+0xaa/0x8d0 [kernel]");
	ksyms__free(ks);

	errno = 0;
	assert_null(ksyms__load_system_map(fx(state, "nope", path, sizeof(path)), 0));
	assert_int_equal(errno, ENOENT);
	errno = 0;
	assert_null(ksyms__load_system_map(fx(state, "kallsyms_empty", path, sizeof(path)), 0));
	assert_int_equal(errno, ENODATA);
}

static void test_kaslr_from_kallsyms(void **state)
{
	char map[4200], ka[4200];
	int64_t off = 0;

	fx(state, "System.map", map, sizeof(map));
	assert_int_equal(ksyms__kaslr_offset_at(map, fx(state, "kallsyms_kaslr", ka, sizeof(ka)),
						"/nonexistent/kcore", &off),
			 0);
	assert_int_equal(off, 0x1e000000);
	off = 0;
	assert_int_equal(
		ksyms__kaslr_offset_at(map, fx(state, "kallsyms_kaslr_stext_only", ka, sizeof(ka)),
				       "/nonexistent/kcore", &off),
		0);
	assert_int_equal(off, 0x1e000000);
	off = 0;
	assert_int_equal(ksyms__kaslr_offset_at(map,
						fx(state, "kallsyms_only_text", ka, sizeof(ka)),
						"/nonexistent/kcore", &off),
			 0);
	assert_int_equal(off, 0x20000000);
	/* Zeroed kallsyms and no kcore: the kcore error comes back. */
	assert_int_equal(ksyms__kaslr_offset_at(map, fx(state, "kallsyms_zero", ka, sizeof(ka)),
						"/nonexistent/kcore", &off),
			 -ENOENT);
	assert_int_equal(ksyms__kaslr_offset_at(fx(state, "nope", map, sizeof(map)), ka,
						"/nonexistent/kcore", &off),
			 -ENOENT);
}

static void write_kcore(const char *path, const Elf64_Phdr *ph, size_t n, bool xnum)
{
	Elf64_Ehdr eh = { 0 };
	Elf64_Shdr sh = { 0 };
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_ehsize = sizeof(eh);
	eh.e_phoff = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = xnum ? PN_XNUM : n;
	if (xnum) {
		eh.e_shoff = sizeof(eh) + n * sizeof(*ph);
		eh.e_shentsize = sizeof(sh);
		eh.e_shnum = 1;
		sh.sh_info = n;
	}
	assert_int_equal(fwrite(&eh, sizeof(eh), 1, f), 1);
	assert_int_equal(fwrite(ph, sizeof(*ph), n, f), n);
	if (xnum)
		assert_int_equal(fwrite(&sh, sizeof(sh), 1, f), 1);
	assert_int_equal(fclose(f), 0);
}

static void test_kaslr_from_kcore(void **state)
{
	/* Roughly what x86-64 /proc/kcore holds; the image is 0x600000 long. */
	Elf64_Phdr ph[] = {
		{ .p_type = PT_NOTE, .p_vaddr = 0 },
		{ .p_type = PT_LOAD, .p_vaddr = 0xffff888000001000ULL, .p_memsz = 0x9e000 },
		{ .p_type = PT_LOAD, .p_vaddr = 0xffffc90000000000ULL, .p_memsz = 0x1000000 },
		{ .p_type = PT_LOAD, .p_vaddr = 0xffffffffc0000000ULL, .p_memsz = 0x40000000 },
		{ .p_type = PT_LOAD, .p_vaddr = 0xffffffffa2000000ULL, .p_memsz = 0x600000 },
		{ .p_type = PT_LOAD, .p_vaddr = 0xffffea0000000000ULL, .p_memsz = 0x1000000 },
	};
	char map[4200], ka[4200], core[4200];
	int64_t off = 0;

	fx(state, "System.map", map, sizeof(map));
	fx(state, "kallsyms_zero", ka, sizeof(ka));
	tmp(state, "kcore", core, sizeof(core));

	write_kcore(core, ph, 6, false);
	assert_int_equal(ksyms__kaslr_offset_at(map, ka, core, &off), 0);
	assert_int_equal(off, 0x21000000);

	/* More segments than e_phnum can count. */
	off = 0;
	write_kcore(core, ph, 6, true);
	assert_int_equal(ksyms__kaslr_offset_at(map, ka, core, &off), 0);
	assert_int_equal(off, 0x21000000);

	/* The size picks the image even with something else above _text. */
	off = 0;
	ph[2].p_vaddr = 0xffffffff90000000ULL;
	write_kcore(core, ph, 6, false);
	assert_int_equal(ksyms__kaslr_offset_at(map, ka, core, &off), 0);
	assert_int_equal(off, 0x21000000);
	ph[2].p_vaddr = 0xffffc90000000000ULL;

	/* No segment of the image's size: the lowest one at or above _text. */
	off = 0;
	ph[4].p_memsz = 0x800000;
	write_kcore(core, ph, 6, false);
	assert_int_equal(ksyms__kaslr_offset_at(map, ka, core, &off), 0);
	assert_int_equal(off, 0x21000000);

	/* Nothing above the link address. */
	write_kcore(core, ph, 3, false);
	assert_int_equal(ksyms__kaslr_offset_at(map, ka, core, &off), -ENODATA);

	write_text(core, "not an ELF file, certainly not a core\n");
	assert_int_equal(ksyms__kaslr_offset_at(map, ka, core, &off), -ENOEXEC);

	/* kcore needs _text in the map; _stext alone is not where it starts. */
	write_kcore(core, ph, 6, false);
	assert_int_equal(ksyms__kaslr_offset_at(fx(state, "System.map.no_text", map, sizeof(map)),
						ka, core, &off),
			 -ENODATA);
}

static void test_modules_changed(void **state)
{
	char ka[4200], mods[4200];
	struct ksyms *ks;

	tmp(state, "modules", mods, sizeof(mods));
	write_text(mods, "nf_tables 356352 1 nft_chain_nat, Live 0xffffffffc0a01000\n"
			 "bridge 421888 0 - Live 0xffffffffc0900000\n");
	ks = ksyms__load_kallsyms_at(fx(state, "kallsyms_modules", ka, sizeof(ka)), mods);
	assert_non_null(ks);
	assert_false(ksyms__modules_changed(ks));

	/* New users of a module change nothing in kallsyms. */
	write_text(mods, "nf_tables 356352 7 nft_chain_nat,nf_tables_x, Live 0xffffffffc0a01000\n"
			 "bridge 421888 12 - Live 0xffffffffc0900000\n");
	assert_false(ksyms__modules_changed(ks));

	write_text(mods, "nf_tables 356352 1 nft_chain_nat, Live 0xffffffffc0a01000\n"
			 "bridge 421888 0 - Live 0xffffffffc0900000\n"
			 "veth 40960 0 - Live 0xffffffffc0b00000\n");
	assert_true(ksyms__modules_changed(ks));

	write_text(mods, "nf_tables 356352 1 nft_chain_nat, Live 0xffffffffc0a01000\n"
			 "bridge 421888 0 - Unloading 0xffffffffc0900000\n");
	assert_true(ksyms__modules_changed(ks));

	/* Same modules, reloaded elsewhere. */
	write_text(mods, "nf_tables 356352 1 nft_chain_nat, Live 0xffffffffc0a01000\n"
			 "bridge 421888 0 - Live 0xffffffffc0d00000\n");
	assert_true(ksyms__modules_changed(ks));

	write_text(mods, "nf_tables 356352 1 nft_chain_nat, Live 0xffffffffc0a01000\n"
			 "bridge 421888 0 - Live 0xffffffffc0900000\n");
	assert_false(ksyms__modules_changed(ks));

	assert_int_equal(unlink(mods), 0);
	assert_true(ksyms__modules_changed(ks));
	ksyms__free(ks);

	/* No module support at all, as on this kernel: stays unchanged. */
	ks = ksyms__load_kallsyms_at(ka, mods);
	assert_non_null(ks);
	assert_false(ksyms__modules_changed(ks));
	write_text(mods, "veth 40960 0 - Live 0xffffffffc0b00000\n");
	assert_true(ksyms__modules_changed(ks));
	ksyms__free(ks);
}

/*
 * The running kernel: every vmlinux symbol found at its own address, and a
 * System.map made from it with a made-up KASLR offset resolves identically.
 */
static void test_live_kernel(void **state)
{
	const int64_t fake = 0x2e400000;
	struct ksyms *ks = ksyms__load_kallsyms(NULL), *map;
	char path[4200], a[256], b[256];
	const struct ksym *s;
	int64_t off = 0;
	size_t i, nk = 0;
	FILE *f;

	if (!ks) {
		print_message("skipped: /proc/kallsyms: %s\n", strerror(errno));
		skip();
	}
	assert_true(ksyms__count(ks) > 1000);
	check_sorted(ks);
	s = ksyms__by_name(ks, "_text");
	assert_non_null(s);

	tmp(state, "System.map.live", path, sizeof(path));
	f = fopen(path, "w");
	assert_non_null(f);
	for (i = 0; i < ksyms__count(ks); i++) {
		s = ksyms__at(ks, i);
		assert_null(strstr(s->name, "__pfx_"));
		if (strcmp(s->module, "kernel"))
			continue;
		nk++;
		fprintf(f, "%016" PRIx64 " T %s\n", s->addr - fake, s->name);
	}
	assert_int_equal(fclose(f), 0);

	assert_int_equal(ksyms__kaslr_offset_at(path, NULL, "/nonexistent/kcore", &off), 0);
	assert_int_equal(off, fake);

	/* Padding symbols are gone from the map, so its sizes would run
	 * past them: compare only against what both tables can know. */
	map = ksyms__load_system_map(path, off);
	assert_non_null(map);
	assert_int_equal(ksyms__count(map), nk);
	for (i = 0; i < ksyms__count(ks); i++) {
		s = ksyms__at(ks, i);
		if (strcmp(s->module, "kernel"))
			continue;
		ksyms__symname(ks, s->addr, a, sizeof(a));
		ksyms__symname(map, s->addr, b, sizeof(b));
		assert_string_equal(a, b);
	}
	ksyms__free(map);
	ksyms__free(ks);
}

static int group_setup(void **state)
{
	struct env *env = calloc(1, sizeof(*env));
	const char *dir = getenv("FIXTURES");

	if (!env)
		return -1;
	snprintf(env->fixtures, sizeof(env->fixtures), "%s",
		 dir && *dir ? dir : "tests/unit/fixtures/ksyms");
	snprintf(env->tmpdir, sizeof(env->tmpdir), "/tmp/test_ksyms.XXXXXX");
	if (!mkdtemp(env->tmpdir)) {
		free(env);
		return -1;
	}
	*state = env;
	return 0;
}

static int group_teardown(void **state)
{
	struct env *env = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", env->tmpdir);
	if (system(cmd) != 0)
		return -1;
	free(env);
	return 0;
}

/* Padding alone is no table: ENODATA, so the caller falls back and says so. */
/*
 * kallsyms keeps only what a drop location or a stack frame can be: text.
 * Data symbols (a kernel with KALLSYMS_ALL lists as many as functions) get
 * no name, but still end the text symbol before them, as in %pS.
 */
static void test_kallsyms_text_only(void **state)
{
	char path[128];
	struct ksyms *ks;

	tmp(state, "with_data", path, sizeof(path));
	write_text(path, "ffffffff81000000 T _text\n"
			 "ffffffff81000100 t foo\n"
			 "ffffffff81000200 D some_data\n"
			 "ffffffff81000300 b some_bss\n"
			 "ffffffff81000400 W weak_fn\n"
			 "ffffffff81000500 r some_rodata\n"
			 "ffffffff81000600 T bar\n"
			 "ffffffff81000700 T _etext\n");
	ks = ksyms__load_kallsyms(path);
	assert_non_null(ks);
	assert_int_equal(ksyms__count(ks), 5);
	assert_null(ksyms__by_name(ks, "some_data"));
	assert_null(ksyms__by_name(ks, "some_bss"));
	assert_null(ksyms__by_name(ks, "some_rodata"));
	check_symdata(ks, 0xffffffff81000150ULL, "foo+0x50/0x100 [kernel]");
	check_symdata(ks, 0xffffffff81000250ULL, "0xffffffff81000250");
	check_symdata(ks, 0xffffffff81000410ULL, "weak_fn+0x10/0x100 [kernel]");
	check_symdata(ks, 0xffffffff81000604ULL, "bar+0x4/0x100 [kernel]");
	ksyms__free(ks);
}

/*
 * The file is parsed in 64 KiB pieces: lines that straddle two pieces
 * parse whole, and a line longer than a piece is skipped like any other
 * malformed line without losing the lines around it.
 */
static void test_kallsyms_chunks(void **state)
{
	char path[128], name[64];
	const struct ksym *s;
	struct ksyms *ks;
	FILE *f;
	int i;

	tmp(state, "chunks", path, sizeof(path));
	f = fopen(path, "w");
	assert_non_null(f);
	/* 4000 lines of 48 bytes: about three pieces, lines across each edge. */
	for (i = 0; i < 4000; i++)
		fprintf(f, "%016llx T fn_%024d\n", 0xffffffff81000000ULL + 0x100ULL * i, i);
	fprintf(f, "ffffffff82000000 T ");
	for (i = 0; i < 70000; i++)
		fputc('x', f);
	fprintf(f, "\nffffffff82000100 T after_long\nffffffff82000200 T last");
	assert_int_equal(fclose(f), 0);

	ks = ksyms__load_kallsyms(path);
	assert_non_null(ks);
	assert_int_equal(ksyms__count(ks), 4002);
	for (i = 0; i < 4000; i += 333) {
		snprintf(name, sizeof(name), "fn_%024d", i);
		s = ksyms__by_name(ks, name);
		assert_non_null(s);
		assert_int_equal(s->addr, 0xffffffff81000000ULL + 0x100ULL * i);
	}
	s = ksyms__by_name(ks, "fn_000000000000000000003999");
	assert_non_null(s);
	/* The skipped line was no boundary: the one before reaches past it. */
	assert_int_equal(s->size, 0xffffffff82000100ULL - s->addr);
	assert_non_null(ksyms__by_name(ks, "after_long"));
	/* The last line needs no newline. */
	assert_non_null(ksyms__by_name(ks, "last"));
	ksyms__free(ks);
}

static void test_only_padding(void **state)
{
	char path[128];

	tmp(state, "pfx_only", path, sizeof(path));
	write_text(path, "ffffffff81000000 T __pfx_foo\n"
			 "ffffffff81000010 t __cfi_bar\n"
			 "ffffffff81000020 T __pi___pfx_baz\n");
	errno = 0;
	assert_null(ksyms__load_kallsyms(path));
	assert_int_equal(errno, ENODATA);
	errno = 0;
	assert_null(ksyms__load_system_map(path, 0));
	assert_int_equal(errno, ENODATA);
	assert_string_equal(ksyms__strerror(ENODATA), "no symbols in it");
}

/* Every symbol file read is bounded and must be text in a regular file
 * or FIFO: --system-map /dev/zero fails at once, not at 2 GB. */
static void test_file_bounds(void **state)
{
	char path[128];
	int fd;

	errno = 0;
	assert_null(ksyms__load_system_map("/dev/zero", 0));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(ksyms__load_kallsyms("/dev/zero"));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(ksyms__load_system_map("/", 0));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(ksyms__kaslr_offset_at("/dev/zero", NULL, NULL, &(int64_t){ 0 }), -EINVAL);

	/* A sparse file above the bound: refused from its size, unread. */
	tmp(state, "big.map", path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)KSYMS_MAX_FILE + 1), 0);
	close(fd);
	errno = 0;
	assert_null(ksyms__load_system_map(path, 0));
	assert_int_equal(errno, EFBIG);

	unlink(path);
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_modules_fixture),
		cmocka_unit_test(test_symdata_format),
		cmocka_unit_test(test_pfx_padding),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_aliases_across_modules),
		cmocka_unit_test(test_modules_symbols),
		cmocka_unit_test(test_bpf_and_trampoline),
		cmocka_unit_test(test_below_first_and_last),
		cmocka_unit_test(test_zero_addresses),
		cmocka_unit_test(test_garbage_lines),
		cmocka_unit_test(test_unsorted),
		cmocka_unit_test(test_sort_matches_reference),
		cmocka_unit_test(test_padding_alias_and_cfi),
		cmocka_unit_test(test_truncated_output),
		cmocka_unit_test(test_system_map),
		cmocka_unit_test(test_kallsyms_text_only),
		cmocka_unit_test(test_kallsyms_chunks),
		cmocka_unit_test(test_kaslr_from_kallsyms),
		cmocka_unit_test(test_kaslr_from_kcore),
		cmocka_unit_test(test_modules_changed),
		cmocka_unit_test(test_live_kernel),
		cmocka_unit_test(test_only_padding),
		cmocka_unit_test(test_file_bounds),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
