/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz.h - shared pieces of the libFuzzer harnesses: the fuzz input as a
 * file the parsers open by path, as they open the kernel's files.
 */
#ifndef DROPSCOPE_TESTS_FUZZ_H
#define DROPSCOPE_TESTS_FUZZ_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* A fresh memfd holding data; aborts on failure (a harness bug, not a finding). */
static inline int fuzz_memfd(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	size_t off = 0;

	if (fd < 0)
		abort();
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);

		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	return fd;
}

/* The path that opens fd anew from offset 0: "/proc/self/fd/N". */
static inline const char *fuzz_fd_path(int fd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
	return buf;
}

/* data as a NUL-terminated string to free() (embedded NULs end it early). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Take n bytes off the front of the input (fewer when it is shorter). */
static inline size_t fuzz_take(const uint8_t **data, size_t *size, void *out, size_t n)
{
	memset(out, 0, n);
	if (n > *size)
		n = *size;
	memcpy(out, *data, n);
	*data += n;
	*size -= n;
	return n;
}

/*
 * A strict JSON checker (RFC 8259 grammar; strings must not hold raw
 * control bytes). fuzz_json_valid() is true when [p, end) is exactly one
 * JSON value, blanks around it allowed. Depth is bounded for the stack.
 */
struct fuzz_json {
	const char *p, *end;
	int depth;
};

static inline void fj_ws(struct fuzz_json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static inline int fj_lit(struct fuzz_json *j, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n))
		return 0;
	j->p += n;
	return 1;
}

static inline int fj_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static inline int fj_string(struct fuzz_json *j)
{
	if (j->p >= j->end || *j->p != '"')
		return 0;
	for (j->p++; j->p < j->end; j->p++) {
		unsigned char c = (unsigned char)*j->p;

		if (c == '"') {
			j->p++;
			return 1;
		}
		if (c < 0x20)
			return 0;
		if (c != '\\')
			continue;
		if (++j->p >= j->end)
			return 0;
		switch (*j->p) {
		case '"':
		case '\\':
		case '/':
		case 'b':
		case 'f':
		case 'n':
		case 'r':
		case 't':
			break;
		case 'u':
			if (j->end - j->p < 5 || !fj_hex(j->p[1]) || !fj_hex(j->p[2]) ||
			    !fj_hex(j->p[3]) || !fj_hex(j->p[4]))
				return 0;
			j->p += 4;
			break;
		default:
			return 0;
		}
	}
	return 0;
}

static inline int fj_number(struct fuzz_json *j)
{
	const char *s = j->p;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end || *j->p < '0' || *j->p > '9')
		return 0;
	if (*j->p == '0')
		j->p++;
	else
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	if (j->p < j->end && *j->p == '.') {
		if (++j->p >= j->end || *j->p < '0' || *j->p > '9')
			return 0;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return 0;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	return j->p > s;
}

static inline int fj_value(struct fuzz_json *j);

static inline int fj_seq(struct fuzz_json *j, char close, int members)
{
	j->p++;
	fj_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return 1;
	}
	for (;;) {
		fj_ws(j);
		if (members) {
			if (!fj_string(j))
				return 0;
			fj_ws(j);
			if (j->p >= j->end || *j->p++ != ':')
				return 0;
		}
		if (!fj_value(j))
			return 0;
		fj_ws(j);
		if (j->p >= j->end)
			return 0;
		if (*j->p == close) {
			j->p++;
			return 1;
		}
		if (*j->p++ != ',')
			return 0;
	}
}

static inline int fj_value(struct fuzz_json *j)
{
	int ok;

	fj_ws(j);
	if (j->p >= j->end || j->depth > 64)
		return 0;
	switch (*j->p) {
	case '{':
	case '[':
		j->depth++;
		ok = fj_seq(j, *j->p == '{' ? '}' : ']', *j->p == '{');
		j->depth--;
		return ok;
	case '"':
		return fj_string(j);
	case 't':
		return fj_lit(j, "true");
	case 'f':
		return fj_lit(j, "false");
	case 'n':
		return fj_lit(j, "null");
	default:
		return fj_number(j);
	}
}

static inline int fuzz_json_valid(const char *p, size_t len)
{
	struct fuzz_json j = { p, p + len, 0 };

	if (!fj_value(&j))
		return 0;
	fj_ws(&j);
	return j.p == j.end;
}

#endif /* DROPSCOPE_TESTS_FUZZ_H */
