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

#define KALLSYMS_PATH "/proc/kallsyms"
#define MODULES_PATH  "/proc/modules"
#define KCORE_PATH    "/proc/kcore"

/* Module memory is handed out in whole pages; see sym_extent(). */
#define MODULE_PAGE_SIZE 4096ULL

/* _text is the third line of /proc/kallsyms; this is plenty. */
#define KALLSYMS_HEAD_BYTES (64 * 1024)

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
	 * text itself is never held whole (see stream_lines()). */
	char *strings;
	enum ksyms_source source;
	char *modules_path;
	struct modules_fp modules_fp;
};

struct line {
	uint64_t addr;
	char type;
	char *name;
	char *module; /* NULL for vmlinux */
};

/*
 * Read a text file of at most limit bytes (0 = KSYMS_MAX_FILE) with few,
 * large read(2) calls. /proc files report size 0, so the buffer grows by
 * doubling; one spare byte keeps the text NUL-terminated for the parser.
 * With `cut`, a longer file is read up to limit (a head is all the caller
 * wants); else it fails with EFBIG. Anything but a regular file or FIFO
 * (a device, a directory) is EINVAL. A NUL byte only spoils its line.
 */
static char *read_file_limit(const char *path, size_t limit, bool cut, size_t *lenp)
{
	size_t cap = 64 << 10, len = 0;
	struct stat st;
	char *buf = NULL, *nbuf;
	int fd, err;

	if (!limit)
		limit = KSYMS_MAX_FILE;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st))
		goto fail;
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if (!cut && st.st_size > 0 && (uint64_t)st.st_size > limit) {
		errno = EFBIG;
		goto fail;
	}
	if (st.st_size > 0)
		cap = (size_t)st.st_size + 2; /* + 1 to see EOF without growing */
	if (cap > limit + 2)
		cap = limit + 2;
	buf = malloc(cap);
	if (!buf)
		goto fail;
	/* One byte past the limit tells a file that is too long. */
	while (len <= limit) {
		size_t want;
		ssize_t n;

		if (len + 1 == cap) {
			nbuf = realloc(buf, cap * 2 > limit + 2 ? limit + 2 : cap * 2);
			if (!nbuf)
				goto fail;
			buf = nbuf;
			cap = cap * 2 > limit + 2 ? limit + 2 : cap * 2;
		}
		want = cap - 1 - len;
		n = read(fd, buf + len, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > limit) {
		if (!cut) {
			errno = EFBIG;
			goto fail;
		}
		len = limit;
	}
	close(fd);
	buf[len] = '\0';
	*lenp = len;
	return buf;
fail:
	err = errno;
	free(buf);
	close(fd);
	errno = err;
	return NULL;
}

static char *read_file(const char *path, size_t *lenp)
{
	return read_file_limit(path, 0, false, lenp);
}

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

/* Digit value + 1, so that 0 (and the buffer's final NUL) ends a number. */
static const unsigned char hex_table[256] = {
	['0'] = 1,  ['1'] = 2,	['2'] = 3,  ['3'] = 4,	['4'] = 5,  ['5'] = 6,
	['6'] = 7,  ['7'] = 8,	['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12,
	['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12,
	['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static char *skip_line(char *p, char *end)
{
	char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl + 1 : end;
}

/*
 * Parse one "addr type name[\t[module]]" line in place: name and module get
 * NUL-terminated inside the buffer so nothing is copied. The buffer ends in
 * a NUL, and no field may contain a byte <= ' ', so each field is a single
 * scan without bounds checks; this loop is most of the load time. Returns
 * the start of the next line; out->name is NULL when the line is
 * malformed, which callers skip rather than give up on the whole file.
 */
static char *parse_line(char *p, char *end, struct line *out)
{
	uint64_t addr = 0;
	char *q, *name, *mod;
	unsigned int d;

	out->name = NULL;
	out->module = NULL;
	for (q = p; (d = hex_table[(unsigned char)*q]) != 0; q++)
		addr = addr << 4 | (d - 1);
	if (q == p || q - p > 16 || q[0] != ' ' || (unsigned char)q[1] <= ' ' || q[2] != ' ')
		return skip_line(q, end);
	name = q + 3;
	for (q = name; (unsigned char)*q > ' '; q++)
		;
	if (q == name)
		return skip_line(q, end);
	switch (*q) {
	case '\n':
		*q++ = '\0';
		break;
	case '\0':
		if (q != end)
			return skip_line(q, end);
		break;
	case '\t':
		if (q[1] != '[')
			return skip_line(q, end);
		mod = q + 2;
		*q = '\0';
		for (q = mod; *q != ']' && (unsigned char)*q > ' '; q++)
			;
		/* A missing ']' means the line was cut short. */
		if (*q != ']' || q == mod || (q[1] != '\n' && q + 1 != end))
			return skip_line(q, end);
		*q = '\0';
		q = q + 1 < end ? q + 2 : end;
		out->module = mod;
		break;
	default:
		return skip_line(q, end);
	}
	out->addr = addr;
	out->type = name[-2];
	out->name = name;
	return q;
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
		if (i + 1 < ks->nr && s[i + 1].addr != s[i].addr)
			next = &s[i + 1];
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
 * Read chunk for stream_lines(): a symbol file is parsed as it is read, so
 * what a table costs is the names it keeps, not the size of the file (5 MB
 * for a 6.18 kernel without modules, 15 MB for a distribution one).
 */
#define STREAM_CHUNK (64 * 1024)

typedef int (*line_fn)(void *arg, const struct line *l);

/* Parse whole lines in [p, lim); lim[0] is NUL. */
static int parse_lines(char *p, char *lim, line_fn fn, void *arg)
{
	while (p < lim) {
		struct line l;
		int err;

		p = parse_line(p, lim, &l);
		if (!l.name)
			continue;
		err = fn(arg, &l);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Call fn for every well-formed line of the file at path, reading it in
 * STREAM_CHUNK pieces. Bounds and refusals are read_file()'s: EINVAL for
 * anything but a regular file or FIFO, EFBIG beyond KSYMS_MAX_FILE. A line
 * longer than a chunk is malformed and skipped like any other. Returns 0
 * or -errno (fn's own non-zero return stops the read and is passed on).
 */
static int stream_lines(const char *path, line_fn fn, void *arg)
{
	size_t have = 0, total = 0;
	bool skipping = false;
	struct stat st;
	char *buf;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		goto out_fd;
	}
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
		err = -EINVAL;
		goto out_fd;
	}
	if (st.st_size > 0 && (uint64_t)st.st_size > KSYMS_MAX_FILE) {
		err = -EFBIG;
		goto out_fd;
	}
	buf = malloc(STREAM_CHUNK + 1);
	if (!buf) {
		err = -ENOMEM;
		goto out_fd;
	}
	for (;;) {
		ssize_t n = read(fd, buf + have, STREAM_CHUNK - have);
		char *p = buf, *lim, *nl;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		total += (size_t)n;
		if (total > KSYMS_MAX_FILE) {
			err = -EFBIG;
			break;
		}
		have += (size_t)n;
		if (n == 0) {
			/* The last line may lack its newline. */
			buf[have] = '\0';
			if (!skipping)
				err = parse_lines(buf, buf + have, fn, arg);
			break;
		}
		nl = memrchr(buf, '\n', have);
		if (!nl) {
			/* One line fills the chunk: drop it up to its newline. */
			if (have == STREAM_CHUNK) {
				skipping = true;
				have = 0;
			}
			continue;
		}
		if (skipping) {
			p = memchr(buf, '\n', have) + 1;
			skipping = false;
		}
		lim = nl + 1;
		/* The byte after the last newline is the next line's: kept aside
		 * while the parser sees a NUL there. */
		{
			char keep = *lim;

			*lim = '\0';
			err = parse_lines(p, lim, fn, arg);
			*lim = keep;
		}
		if (err)
			break;
		have -= (size_t)(lim - buf);
		memmove(buf, lim, have);
	}
	free(buf);
out_fd:
	close(fd);
	return err;
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

static int builder_add(struct builder *b, const struct line *l, bool named)
{
	struct ksyms *ks = b->ks;
	struct ksym *s;
	size_t name = 0, mod = 0;

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
	char *buf = read_file(path, &len), *p, *end;

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

static int kallsyms_line(void *arg, const struct line *l)
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
	err = stream_lines(path ? path : KALLSYMS_PATH, kallsyms_line, &b);
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

static int system_map_line(void *arg, const struct line *l)
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
	err = stream_lines(path, system_map_line, &b);
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

/* Looks up a few names in one pass; addrs[i] stays 0 when names[i] is absent. */
static void scan_symbols(char *buf, size_t len, const char *const *names, uint64_t *addrs, size_t n)
{
	char *p = buf, *end = buf + len;
	size_t i, found = 0;

	while (p < end && found < n) {
		struct line l;

		p = parse_line(p, end, &l);
		if (!l.name || l.module)
			continue;
		for (i = 0; i < n; i++) {
			if (!addrs[i] && !strcmp(l.name, names[i]) && l.addr) {
				addrs[i] = l.addr;
				found++;
			}
		}
	}
}

/*
 * The kernel image's segment in /proc/kcore starts at the runtime _text and
 * spans _end - _text. Only the ELF and program headers are read; the body
 * of kcore is all of memory.
 */
static int kcore_text_addr(const char *path, uint64_t text_size, uint64_t map_text, uint64_t *addr)
{
	uint64_t best = UINT64_MAX, exact = 0;
	Elf64_Phdr *ph = NULL;
	Elf64_Ehdr eh;
	size_t phnum, i;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr)) {
		err = -ENOEXEC;
		goto out;
	}
	phnum = eh.e_phnum;
	if (phnum == PN_XNUM) {
		/* Too many segments for e_phnum: the count is in section 0. */
		Elf64_Shdr sh;

		if (!eh.e_shoff ||
		    pread(fd, &sh, sizeof(sh), (off_t)eh.e_shoff) != (ssize_t)sizeof(sh)) {
			err = -ENOEXEC;
			goto out;
		}
		phnum = sh.sh_info;
	}
	if (!phnum || phnum > (1U << 20)) {
		err = -ENOEXEC;
		goto out;
	}
	ph = malloc(phnum * sizeof(*ph));
	if (!ph) {
		err = -ENOMEM;
		goto out;
	}
	if (pread(fd, ph, phnum * sizeof(*ph), (off_t)eh.e_phoff) !=
	    (ssize_t)(phnum * sizeof(*ph))) {
		err = -ENOEXEC;
		goto out;
	}
	for (i = 0; i < phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		/* KASLR only moves the image up; everything else in kcore
		 * (direct map, vmalloc, vmemmap) lies below it, modules above. */
		if (ph[i].p_vaddr < map_text)
			continue;
		if (text_size && ph[i].p_memsz == text_size && !exact)
			exact = ph[i].p_vaddr;
		if (ph[i].p_vaddr < best)
			best = ph[i].p_vaddr;
	}
	if (exact)
		*addr = exact;
	else if (best != UINT64_MAX)
		*addr = best;
	else
		err = -ENODATA;
out:
	free(ph);
	close(fd);
	return err;
}

int ksyms__kaslr_offset_at(const char *system_map, const char *kallsyms, const char *kcore,
			   int64_t *offset)
{
	static const char *const names[] = { "_text", "_stext", "_end" };
	uint64_t map[3] = { 0 }, live[3] = { 0 }, vaddr = 0;
	size_t len, i;
	char *buf;
	int err;

	buf = read_file(system_map, &len);
	if (!buf)
		return -errno;
	scan_symbols(buf, len, names, map, 3);
	free(buf);
	if (!map[0] && !map[1])
		return -ENODATA;

	/* Readable kallsyms is authoritative and needs no privilege. */
	buf = read_file_limit(kallsyms ? kallsyms : KALLSYMS_PATH, KALLSYMS_HEAD_BYTES, true, &len);
	if (buf) {
		/* The read may stop mid-line; drop the partial last line. */
		char *nl = memrchr(buf, '\n', len);

		len = nl ? (size_t)(nl - buf) + 1 : 0;
		buf[len] = '\0';
		scan_symbols(buf, len, names, live, 2);
		free(buf);
		for (i = 0; i < 2; i++) {
			if (map[i] && live[i]) {
				*offset = (int64_t)(live[i] - map[i]);
				return 0;
			}
		}
	}

	if (!map[0])
		return -ENODATA;
	err = kcore_text_addr(kcore ? kcore : KCORE_PATH, map[2] > map[0] ? map[2] - map[0] : 0,
			      map[0], &vaddr);
	if (err)
		return err;
	*offset = (int64_t)(vaddr - map[0]);
	return 0;
}

int ksyms__kaslr_offset(const char *system_map, int64_t *offset)
{
	return ksyms__kaslr_offset_at(system_map, NULL, NULL, offset);
}
