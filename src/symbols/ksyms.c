// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel symbol table for turning drop locations into SystemTap-style
 * "func+0xoff/0xsize [module]" text.
 *
 * Lookups must agree with the kernel's own %pS, because users compare our
 * output with oopses, /proc/<pid>/stack and tracefs. Checked on 6.18:
 *  - the size %pS prints is the distance to the next higher symbol, and
 *    __pfx_ symbols count as that next symbol (proc_pid_stack is /0x150,
 *    which is where __pfx_dname_to_vma_addr starts, not the function after);
 *  - of several symbols at one address %pS names the first one listed in
 *    /proc/kallsyms (__do_sys_fork, a local, beats __x64_sys_fork);
 *  - an address in the 16 bytes of padding before a function comes out as
 *    "__pfx_func+0x4/0x10". We never name a padding symbol: such an address
 *    belongs to no function and prints as a bare 0x... address.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/escape.h"
#include "symbols/ksyms.h"
#include "symbols/symfile.h"

#define MODULES_PATH "/proc/modules"

/* Module memory is handed out in whole pages; see sym_extent(). */
#define MODULE_PAGE_SIZE 4096ULL

static const char kernel_module[] = "kernel";

struct modules_fp {
	bool present;
	uint64_t lines;
	uint64_t hash;
};

struct ksyms {
	struct ksym *syms; /* sorted by address; aliases in file order */
	size_t nr;
	/* The names of the symbols kept (text only, no padding) and of their
	 * modules, each once: every name and module points in here. The file's
	 * text itself is never held whole (see symfile_stream()). */
	char *strings;
	enum ksyms_source source;
	char *modules_path;
	struct modules_fp modules_fp;
};

const char *ksyms__strerror(int err)
{
	switch (err) {
	case EACCES:
		return "addresses hidden (all zero)";
	case ENODATA:
		return "no symbols in it";
	case EFBIG:
		return "larger than 256 MiB: not a symbol file";
	case EINVAL:
		return "not a regular file";
	default:
		return strerror(err);
	}
}

static inline bool is_padding(const char *name)
{
	/* objtool's __pfx_ and clang kCFI's __cfi_ both label the 16 bytes
	 * in front of a function; neither is a function of its own. x86's
	 * early startup code repeats them with a __pi_ prefix. */
	if (name[0] != '_' || name[1] != '_')
		return false;
	if (name[2] == 'p' && name[3] == 'i' && name[4] == '_')
		name += 5;
	return name[0] == '_' && name[1] == '_' &&
	       ((name[2] == 'p' && name[3] == 'f' && name[4] == 'x' && name[5] == '_') ||
		(name[2] == 'c' && name[3] == 'f' && name[4] == 'i' && name[5] == '_'));
}

static inline bool same_module(const char *a, const char *b)
{
	return a == b || !strcmp(a, b);
}

/*
 * Stable merge: on equal addresses a's entries go first, which is what
 * keeps "first listed alias wins" true after sorting.
 */
static void merge(const struct ksym *a, size_t na, const struct ksym *b, size_t nb,
		  struct ksym *out)
{
	if (na && nb && a[na - 1].addr <= b[0].addr) {
		memmove(out, a, na * sizeof(*a));
		memmove(out + na, b, nb * sizeof(*b));
		return;
	}
	while (na && nb) {
		if (b->addr < a->addr) {
			*out++ = *b++;
			nb--;
		} else {
			*out++ = *a++;
			na--;
		}
	}
	memmove(out, a, na * sizeof(*a));
	memmove(out + na, b, nb * sizeof(*b));
}

/* Bottom-up merge sort over tmp; insertion sort first does the small runs. */
static void sort_stable(struct ksym *s, size_t n, struct ksym *tmp)
{
	const size_t run = 16;
	struct ksym *src = s, *dst = tmp, *t;
	size_t lo, w;

	for (lo = 0; lo < n; lo += run) {
		size_t hi = lo + run < n ? lo + run : n, i, j;

		for (i = lo + 1; i < hi; i++) {
			struct ksym k = s[i];

			for (j = i; j > lo && s[j - 1].addr > k.addr; j--)
				s[j] = s[j - 1];
			s[j] = k;
		}
	}
	for (w = run; w < n; w *= 2) {
		for (lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n;
			size_t hi = lo + 2 * w < n ? lo + 2 * w : n;

			merge(src + lo, mid - lo, src + mid, hi - mid, dst + lo);
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != s)
		memcpy(s, src, n * sizeof(*s));
}

/*
 * /proc/kallsyms lists vmlinux in address order and then modules, bpf
 * programs and trampolines, each in its own order. Sorting only what
 * follows the sorted head and merging it back costs next to nothing when
 * the tail is small or (as usual) lies entirely above vmlinux.
 */
static int sort_syms(struct ksym *s, size_t n)
{
	size_t head = 1, cut, lo, hi;
	struct ksym *tmp;

	if (n < 2)
		return 0;
	while (head < n && s[head - 1].addr <= s[head].addr)
		head++;
	if (head == n)
		return 0;

	tmp = malloc((n - head) * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	sort_stable(s + head, n - head, tmp);

	/* Head entries at or below the tail's lowest address stay put. */
	lo = 0;
	hi = head;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s[mid].addr <= s[head].addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	cut = lo;
	if (cut < head) {
		/* tmp holds n - head >= 1 entries; the moved head part may
		 * be bigger. */
		if (head - cut > n - head) {
			struct ksym *big = realloc(tmp, (head - cut) * sizeof(*tmp));

			if (!big) {
				free(tmp);
				return -ENOMEM;
			}
			tmp = big;
		}
		memcpy(tmp, s + cut, (head - cut) * sizeof(*s));
		/* Writing from s + cut never overtakes the unread tail. */
		merge(tmp, head - cut, s + head, n - head, s + cut);
	}
	free(tmp);
	return 0;
}

/*
 * How far a symbol reaches. Within vmlinux or one module that is the next
 * higher symbol, padding symbols included, exactly as %pS computes it. The
 * last symbol of a module, bpf program or trampoline has nothing after it
 * in its own group; the kernel bounds it by the end of the module's text,
 * which is page aligned, so the end of its page is the best guess we have.
 * The last vmlinux symbol is a section marker (its size stays 0: it only
 * matches its own address).
 */
static uint64_t sym_extent(const struct ksym *s, const struct ksym *next)
{
	uint64_t end;

	if (next && same_module(s->module, next->module))
		return next->addr - s->addr;
	if (s->module == kernel_module || !strcmp(s->module, kernel_module))
		return 0;
	end = (s->addr | (MODULE_PAGE_SIZE - 1)) + 1;
	if (end == 0)
		end = UINT64_MAX;
	if (next && next->addr < end)
		end = next->addr;
	return end - s->addr;
}

/* Sizes need the padding and non-text symbols as boundaries; afterwards they go. */
static void finish_syms(struct ksyms *ks)
{
	struct ksym *s = ks->syms;
	const struct ksym *next = NULL;
	size_t i, out = 0;

	for (i = ks->nr; i-- > 0;) {
		uint64_t end = s[i].size; /* a boundary's, from builder_add() */

		if (i + 1 < ks->nr && s[i + 1].addr != s[i].addr)
			next = &s[i + 1];
		/* The boundary would have been the entry after it when no
		 * entry (of any module) comes before the boundary's address:
		 * then it sizes it, as it did as an entry. */
		if (end && (!next || s[i].addr + end <= next->addr))
			s[i].size = end;
		else
			s[i].size = sym_extent(&s[i], next);
	}
	for (i = 0; i < ks->nr; i++) {
		if (!s[i].name)
			continue;
		s[out++] = s[i];
	}
	ks->nr = out;
	/* The boundaries were most of the array: give their room back. */
	if (out) {
		s = realloc(ks->syms, out * sizeof(*s));
		if (s)
			ks->syms = s;
	}
}

static struct ksyms *ksyms_new(enum ksyms_source source)
{
	struct ksyms *ks = calloc(1, sizeof(*ks));

	if (ks)
		ks->source = source;
	return ks;
}

/* A loader's failure: free KS, set errno to ERR and return NULL. */
static struct ksyms *ksyms_fail(struct ksyms *ks, int err)
{
	ksyms__free(ks);
	errno = err;
	return NULL;
}

/*
 * A loader's end, once every symbol is in: sort them and size them. Returns
 * KS, or NULL with errno set (ENODATA when there are none) after freeing it.
 */
static struct ksyms *ksyms_done(struct ksyms *ks)
{
	int err;

	if (!ks->nr)
		return ksyms_fail(ks, ENODATA);
	err = -sort_syms(ks->syms, ks->nr);
	if (err)
		return ksyms_fail(ks, err);
	finish_syms(ks);
	/* Padding alone is no table: say so, so the caller falls back. */
	if (!ks->nr)
		return ksyms_fail(ks, ENODATA);
	return ks;
}

/*
 * A table being built. Names go into one growing blob; until it stops
 * moving, a symbol's name and module hold offsets into it (+1, so that 0
 * is "none"), turned into pointers by builder_done(). A symbol without a
 * name is a boundary only: padding or a non-text symbol, needed to size
 * its neighbours exactly as %pS does and dropped afterwards.
 */
struct builder {
	struct ksyms *ks;
	size_t cap;
	size_t blob_len, blob_cap;
	size_t last_mod; /* offset + 1 of the current module run's name */
	bool hidden;	 /* a zero address was seen (kptr_restrict) */
	uint64_t text_start;
	uint64_t last_addr; /* of the last line added */
	bool unsorted;	    /* a line came at a lower address than the one before */
};

#define OFF_PTR(off) ((const char *)(uintptr_t)(off))
#define PTR_OFF(ptr) ((size_t)(uintptr_t)(ptr))

static size_t blob_add(struct builder *b, const char *str)
{
	size_t n = strlen(str) + 1, at;

	if (b->blob_len + n > b->blob_cap) {
		size_t want = b->blob_cap ? b->blob_cap * 2 : 256 << 10;
		char *nb;

		while (want < b->blob_len + n)
			want *= 2;
		nb = realloc(b->ks->strings, want);
		if (!nb)
			return 0;
		b->ks->strings = nb;
		b->blob_cap = want;
	}
	at = b->blob_len;
	memcpy(b->ks->strings + at, str, n);
	b->blob_len += n;
	return at + 1;
}

static int builder_add(struct builder *b, const struct sym_line *l, bool named)
{
	struct ksyms *ks = b->ks;
	struct ksym *s;
	size_t name = 0, mod = 0;
	bool sorted = !b->unsorted && l->addr >= b->last_addr;

	b->unsorted = !sorted;
	b->last_addr = l->addr;
	/*
	 * A boundary of vmlinux while every line so far came in address
	 * order (vmlinux's do: kallsyms lists them sorted, modules and BPF
	 * after, in address ranges of their own): nothing listed later can
	 * fall between the entry before it and it, so it is that entry's end
	 * now (finish_syms() keeps the nearer of it and the next entry), and
	 * no entry of its own. The padding before each function (__pfx_) is
	 * half of kallsyms: as entries, they doubled the array being built
	 * (a ~2 MB peak above the finished table, on top of the events ring
	 * when events mode reads it while starting).
	 */
	if (!named && !l->module && sorted && ks->nr && !ks->syms[ks->nr - 1].module) {
		uint64_t at = ks->syms[ks->nr - 1].addr;

		/* Every alias at that address: the first listed is the one
		 * lookups find. */
		for (size_t j = ks->nr; j-- > 0 && ks->syms[j].addr == at;) {
			s = &ks->syms[j];
			if (l->addr > s->addr && !s->size && !s->module)
				s->size = l->addr - s->addr;
		}
		return 0;
	}

	if (ks->nr == b->cap) {
		size_t want = b->cap ? b->cap * 2 : 16384;
		struct ksym *n = realloc(ks->syms, want * sizeof(*n));

		if (!n)
			return -ENOMEM;
		ks->syms = n;
		b->cap = want;
	}
	if (l->module) {
		/* One copy per module run, so same_module() rarely needs
		 * strcmp(); a boundary needs its module too. */
		if (!b->last_mod || strcmp(l->module, ks->strings + b->last_mod - 1)) {
			b->last_mod = blob_add(b, l->module);
			if (!b->last_mod)
				return -ENOMEM;
		}
		mod = b->last_mod;
	}
	if (named) {
		name = blob_add(b, l->name);
		if (!name)
			return -ENOMEM;
	}
	s = &ks->syms[ks->nr++];
	s->addr = l->addr;
	s->size = 0;
	s->name = OFF_PTR(name);
	s->module = OFF_PTR(mod);
	return 0;
}

/* The blob is final: offsets become pointers, the spare room goes back. */
static void builder_done(struct builder *b)
{
	struct ksyms *ks = b->ks;
	char *nb;
	size_t i;

	if (b->blob_len && b->blob_len < b->blob_cap) {
		nb = realloc(ks->strings, b->blob_len);
		if (nb)
			ks->strings = nb;
	}
	for (i = 0; i < ks->nr; i++) {
		struct ksym *s = &ks->syms[i];
		size_t name = PTR_OFF(s->name), mod = PTR_OFF(s->module);

		s->name = name ? ks->strings + name - 1 : NULL;
		s->module = mod ? ks->strings + mod - 1 : kernel_module;
	}
}

/*
 * Line-oriented fingerprint of /proc/modules. Only name, size, state and
 * address go in: the refcount and "used by" columns change whenever a
 * module gains a user, and hashing them would make every check a reload.
 */
static struct modules_fp modules_fingerprint(const char *path)
{
	struct modules_fp fp = { .hash = 0xcbf29ce484222325ULL };
	size_t len;
	char *buf = symfile_read(path, &len), *p, *end;

	if (!buf)
		return fp;
	fp.present = true;
	for (p = buf, end = buf + len; p < end;) {
		char *eol = memchr(p, '\n', (size_t)(end - p));
		int field = 0;

		if (!eol)
			eol = end;
		for (; p < eol; p++) {
			if (*p == ' ') {
				field++;
				continue;
			}
			/* Columns 0 name, 1 size, 4 state, 5 address. */
			if (field == 0 || field == 1 || field == 4 || field == 5) {
				fp.hash ^= (unsigned char)*p;
				fp.hash *= 0x100000001b3ULL;
			}
		}
		fp.hash ^= '\n';
		fp.hash *= 0x100000001b3ULL;
		fp.lines++;
		p = eol + 1;
	}
	free(buf);
	return fp;
}

static bool is_text_type(char type)
{
	switch (type) {
	case 't':
	case 'T':
	case 'w':
	case 'W':
		return true;
	default:
		return false;
	}
}

static int kallsyms_line(void *arg, const struct sym_line *l)
{
	struct builder *b = arg;

	/* Zero is what kptr_restrict shows; 'a' symbols are absolute
	 * values (per-cpu offsets), not code. */
	if (!l->addr) {
		b->hidden = true;
		return 0;
	}
	if (l->type == 'a' || l->type == 'A' || l->type == 'U')
		return 0;
	/* Only text can be a drop location or a stack frame; the rest (and
	 * padding) still bounds the sizes of its neighbours. */
	return builder_add(b, l, is_text_type(l->type) && !is_padding(l->name));
}

struct ksyms *ksyms__load_kallsyms_at(const char *path, const char *modules_path)
{
	struct builder b = { 0 };
	struct ksyms *ks;
	int err;

	ks = ksyms_new(KSYMS_KALLSYMS);
	if (!ks)
		return NULL;
	ks->modules_path = strdup(modules_path ? modules_path : MODULES_PATH);
	if (!ks->modules_path)
		return ksyms_fail(ks, errno);
	/* Fingerprint first: a module loaded while kallsyms is being read then
	 * shows up as a change on the next check instead of going unseen. */
	ks->modules_fp = modules_fingerprint(ks->modules_path);

	b.ks = ks;
	err = symfile_stream(path ? path : KALLSYMS_PATH, kallsyms_line, &b);
	if (err)
		return ksyms_fail(ks, -err);
	builder_done(&b);
	if (!ks->nr && b.hidden)
		return ksyms_fail(ks, EACCES);
	return ksyms_done(ks);
}

struct ksyms *ksyms__load_kallsyms(const char *path)
{
	return ksyms__load_kallsyms_at(path, NULL);
}

static int system_map_line(void *arg, const struct sym_line *l)
{
	struct builder *b = arg;

	if (l->type == 'a' || l->type == 'A' || l->type == 'U' || l->type == 'N')
		return 0;
	if (is_text_type(l->type) && l->addr < b->text_start)
		b->text_start = l->addr;
	/* A System.map is all of vmlinux: its data symbols stay findable. */
	return builder_add(b, l, !is_padding(l->name));
}

struct ksyms *ksyms__load_system_map(const char *path, int64_t kaslr_offset)
{
	struct builder b = { .text_start = UINT64_MAX };
	struct ksyms *ks;
	size_t i, out;
	int err;

	ks = ksyms_new(KSYMS_SYSTEM_MAP);
	if (!ks)
		return NULL;
	b.ks = ks;
	err = symfile_stream(path, system_map_line, &b);
	if (err)
		return ksyms_fail(ks, -err);
	builder_done(&b);
	/*
	 * Per-cpu variables sit at small offsets below the kernel image and
	 * are not moved by KASLR; /proc/kallsyms leaves them out too.
	 */
	for (i = 0, out = 0; i < ks->nr; i++) {
		if (ks->syms[i].addr < b.text_start)
			continue;
		ks->syms[out] = ks->syms[i];
		ks->syms[out++].addr += (uint64_t)kaslr_offset;
	}
	ks->nr = out;
	return ksyms_done(ks);
}

void ksyms__free(struct ksyms *ks)
{
	if (!ks)
		return;
	free(ks->syms);
	free(ks->strings);
	free(ks->modules_path);
	free(ks);
}

bool ksyms__modules_changed(const struct ksyms *ks)
{
	struct modules_fp now;

	/* A System.map never had module symbols to go stale. */
	if (!ks || ks->source != KSYMS_KALLSYMS)
		return false;
	now = modules_fingerprint(ks->modules_path);
	return now.present != ks->modules_fp.present || now.lines != ks->modules_fp.lines ||
	       now.hash != ks->modules_fp.hash;
}

const struct ksym *ksyms__find(const struct ksyms *ks, uint64_t addr)
{
	const struct ksym *s, *end;
	size_t lo = 0, hi;
	uint64_t at;

	if (!ks || !ks->nr)
		return NULL;
	hi = ks->nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	s = &ks->syms[lo - 1];
	at = s->addr;
	while (s > ks->syms && s[-1].addr == at)
		s--;
	/* Past the end: padding before the next function, or a gap after a
	 * module. A size of 0 matches the symbol's own address only. Aliases
	 * of different modules differ in size: the first that reaches addr. */
	for (end = ks->syms + ks->nr; s < end && s->addr == at; s++)
		if (addr == at || addr - at < s->size)
			return s;
	return NULL;
}

const struct ksym *ksyms__by_name(const struct ksyms *ks, const char *name)
{
	size_t i;

	if (!ks || !name)
		return NULL;
	for (i = 0; i < ks->nr; i++) {
		const char *n = ks->syms[i].name;

		if (n[0] == name[0] && !strcmp(n, name))
			return &ks->syms[i];
	}
	return NULL;
}

const struct ksym *ksyms__at(const struct ksyms *ks, size_t i)
{
	if (!ks || i >= ks->nr)
		return NULL;
	return &ks->syms[i];
}

enum ksyms_source ksyms__source(const struct ksyms *ks)
{
	return ks->source;
}

size_t ksyms__count(const struct ksyms *ks)
{
	return ks ? ks->nr : 0;
}

/* Names come from a file anyone may have written (--system-map): printed
 * escaped, as every name is. */
int ksyms__symname(const struct ksyms *ks, uint64_t addr, char *buf, size_t len)
{
	const struct ksym *s = ksyms__find(ks, addr);

	if (!s)
		return snprintf(buf, len, "0x%" PRIx64, addr);
	return (int)strlen(escape_str(buf, len, s->name));
}

int ksyms__symdata(const struct ksyms *ks, uint64_t addr, char *buf, size_t len)
{
	const struct ksym *s = ksyms__find(ks, addr);

	if (!s)
		return snprintf(buf, len, "0x%" PRIx64, addr);
	return snprintf(buf, len, "%s+0x%" PRIx64 "/0x%" PRIx64 " [%s]", ESC(s->name),
			addr - s->addr, s->size, ESC(s->module));
}
