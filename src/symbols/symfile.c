// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "symbols/ksyms.h"
#include "symbols/symfile.h"

/*
 * Read a text file of at most limit bytes (0 = KSYMS_MAX_FILE) with few,
 * large read(2) calls. /proc files report size 0, so the buffer grows by
 * doubling; one spare byte keeps the text NUL-terminated for the parser.
 * With `cut`, a longer file is read up to limit (a head is all the caller
 * wants); else it fails with EFBIG. Anything but a regular file or FIFO
 * (a device, a directory) is EINVAL. A NUL byte only spoils its line.
 */
char *symfile_read_limit(const char *path, size_t limit, bool cut, size_t *lenp)
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

char *symfile_read(const char *path, size_t *lenp)
{
	return symfile_read_limit(path, 0, false, lenp);
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
char *symfile_parse_line(char *p, char *end, struct sym_line *out)
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

/*
 * Read chunk for symfile_stream(): a symbol file is parsed as it is read, so
 * what a table costs is the names it keeps, not the size of the file (5 MB
 * for a 6.18 kernel without modules, 15 MB for a distribution one).
 */
#define STREAM_CHUNK (64 * 1024)

/* Parse whole lines in [p, lim); lim[0] is NUL. */
static int parse_lines(char *p, char *lim, symfile_line_fn fn, void *arg)
{
	while (p < lim) {
		struct sym_line l;
		int err;

		p = symfile_parse_line(p, lim, &l);
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
 * STREAM_CHUNK pieces. Bounds and refusals are symfile_read()'s: EINVAL for
 * anything but a regular file or FIFO, EFBIG beyond KSYMS_MAX_FILE. A line
 * longer than a chunk is malformed and skipped like any other. Returns 0
 * or -errno (fn's own non-zero return stops the read and is passed on).
 */
int symfile_stream(const char *path, symfile_line_fn fn, void *arg)
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
