// SPDX-License-Identifier: GPL-2.0
/*
 * The bounded JSON reading --by workload needs from the container
 * runtimes' state files (workload.h): one value by its key path, and a
 * container's name from a containers.json list. Untrusted input: every
 * read is bounded by the text's length, nesting by JSON_DEPTH, and an
 * output that does not fit is reported as cut, never overrun.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "counters/workload.h"

#define JSON_DEPTH 64
#define NAME_LEN   256 /* a key or a name: as workload.c keeps them */

/* ---- JSON --------------------------------------------------------------- */

struct jp {
	const char *p, *end;
};

static void ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void put(char *out, size_t len, size_t *o, char c, bool *cut)
{
	if (*o + 1 < len)
		out[(*o)++] = c;
	else
		*cut = true;
}

/*
 * A string at j->p, decoded into out (len > 0; NULL = skip it). *cut is
 * set when it did not fit. A code point is written as UTF-8 whatever it
 * is (a lone surrogate too): the escaping of whoever prints it shows the
 * bytes that are not valid UTF-8.
 */
static int jstring(struct jp *j, char *out, size_t len, bool *cut)
{
	size_t o = 0;
	bool dummy = false;

	if (!cut)
		cut = &dummy;
	*cut = false;
	if (j->p >= j->end || *j->p != '"')
		return -1;
	j->p++;
	while (j->p < j->end && *j->p != '"') {
		unsigned char c = (unsigned char)*j->p++;
		unsigned cp;

		if (c != '\\') {
			if (out)
				put(out, len, &o, (char)c, cut);
			continue;
		}
		if (j->p >= j->end)
			return -1;
		c = (unsigned char)*j->p++;
		switch (c) {
		case 'n':
			c = '\n';
			break;
		case 't':
			c = '\t';
			break;
		case 'r':
			c = '\r';
			break;
		case 'b':
			c = '\b';
			break;
		case 'f':
			c = '\f';
			break;
		case '"':
		case '\\':
		case '/':
			break;
		case 'u':
			if (j->end - j->p < 4)
				return -1;
			cp = 0;
			for (int i = 0; i < 4; i++) {
				int h = hexval(j->p[i]);

				if (h < 0)
					return -1;
				cp = cp << 4 | (unsigned)h;
			}
			j->p += 4;
			if (!out || !cp) /* a NUL would end the name early: left out */
				continue;
			if (cp < 0x80) {
				put(out, len, &o, (char)cp, cut);
			} else if (cp < 0x800) {
				put(out, len, &o, (char)(0xc0 | cp >> 6), cut);
				put(out, len, &o, (char)(0x80 | (cp & 0x3f)), cut);
			} else {
				put(out, len, &o, (char)(0xe0 | cp >> 12), cut);
				put(out, len, &o, (char)(0x80 | ((cp >> 6) & 0x3f)), cut);
				put(out, len, &o, (char)(0x80 | (cp & 0x3f)), cut);
			}
			continue;
		default:
			return -1;
		}
		if (out)
			put(out, len, &o, (char)c, cut);
	}
	if (j->p >= j->end)
		return -1;
	j->p++;
	if (out)
		out[o] = 0;
	return 0;
}

static int jskip(struct jp *j, int depth)
{
	if (depth > JSON_DEPTH)
		return -1;
	ws(j);
	if (j->p >= j->end)
		return -1;
	if (*j->p == '"')
		return jstring(j, NULL, 0, NULL);
	if (*j->p == '{' || *j->p == '[') {
		char close = *j->p == '{' ? '}' : ']';
		bool obj = close == '}';

		j->p++;
		ws(j);
		if (j->p < j->end && *j->p == close) {
			j->p++;
			return 0;
		}
		for (;;) {
			if (obj) {
				ws(j);
				if (jstring(j, NULL, 0, NULL))
					return -1;
				ws(j);
				if (j->p >= j->end || *j->p++ != ':')
					return -1;
			}
			if (jskip(j, depth + 1))
				return -1;
			ws(j);
			if (j->p >= j->end)
				return -1;
			if (*j->p == ',') {
				j->p++;
				continue;
			}
			if (*j->p++ != close)
				return -1;
			return 0;
		}
	}
	/* number, true, false, null */
	while (j->p < j->end && (isalnum((unsigned char)*j->p) || strchr("+-.", *j->p)))
		j->p++;
	return 0;
}

/* In the object at j->p, the value at keys[0..nkeys). */
static int jfind(struct jp *j, const char *const *keys, size_t nkeys, char *out, size_t len,
		 int depth)
{
	char key[NAME_LEN];
	bool cut;

	if (depth > JSON_DEPTH)
		return -1;
	ws(j);
	if (j->p >= j->end || *j->p != '{')
		return -1;
	j->p++;
	ws(j);
	if (j->p < j->end && *j->p == '}')
		return -1;
	for (;;) {
		bool match;

		ws(j);
		if (jstring(j, key, sizeof(key), &cut))
			return -1;
		match = !cut && !strcmp(key, keys[0]);
		ws(j);
		if (j->p >= j->end || *j->p++ != ':')
			return -1;
		ws(j);
		if (match && nkeys == 1) {
			if (j->p < j->end && *j->p == '"')
				return jstring(j, out, len, NULL);
			return -1;
		}
		if (match && j->p < j->end && *j->p == '{') {
			const char *at = j->p;

			if (!jfind(j, keys + 1, nkeys - 1, out, len, depth + 1))
				return 0;
			/* not in there: skip that object and go on */
			j->p = at;
		}
		if (jskip(j, depth + 1))
			return -1;
		ws(j);
		if (j->p >= j->end)
			return -1;
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		return -1;
	}
}

int workload_json_get(const char *text, size_t n, const char *const *keys, size_t nkeys, char *out,
		      size_t len)
{
	struct jp j = { text, text + n };

	if (!nkeys || !len)
		return -1;
	return jfind(&j, keys, nkeys, out, len, 0);
}

/* One object of containers.json: its "id" and the first of its "names". */
static int storage_entry(struct jp *j, char *id, size_t idlen, char *name, size_t len)
{
	char key[NAME_LEN];
	bool cut;

	id[0] = name[0] = 0;
	ws(j);
	if (j->p >= j->end || *j->p++ != '{')
		return -1;
	ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		return 0;
	}
	for (;;) {
		ws(j);
		if (jstring(j, key, sizeof(key), &cut))
			return -1;
		ws(j);
		if (j->p >= j->end || *j->p++ != ':')
			return -1;
		ws(j);
		if (!cut && !strcmp(key, "id") && j->p < j->end && *j->p == '"') {
			if (jstring(j, id, idlen, NULL))
				return -1;
		} else if (!cut && !strcmp(key, "names") && j->p < j->end && *j->p == '[') {
			j->p++;
			ws(j);
			if (j->p < j->end && *j->p == '"') {
				if (jstring(j, name, len, NULL))
					return -1;
				ws(j);
				if (j->p < j->end && *j->p == ',') {
					j->p++;
					/* the rest of the array: back to its '[' form */
					for (;;) {
						if (jskip(j, 2))
							return -1;
						ws(j);
						if (j->p < j->end && *j->p == ',') {
							j->p++;
							continue;
						}
						break;
					}
				}
			}
			ws(j);
			if (j->p >= j->end || *j->p++ != ']')
				return -1;
		} else if (jskip(j, 1)) {
			return -1;
		}
		ws(j);
		if (j->p >= j->end)
			return -1;
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		return *j->p++ == '}' ? 0 : -1;
	}
}

int workload_storage_name(const char *text, size_t n, const char *id, char *out, size_t len)
{
	struct jp j = { text, text + n };
	char eid[80], name[NAME_LEN];

	ws(&j);
	if (j.p >= j.end || *j.p++ != '[')
		return -1;
	for (;;) {
		if (storage_entry(&j, eid, sizeof(eid), name, sizeof(name)))
			return -1;
		if (!strcmp(eid, id) && name[0]) {
			snprintf(out, len, "%s", name);
			return 0;
		}
		ws(&j);
		if (j.p < j.end && *j.p == ',') {
			j.p++;
			continue;
		}
		return -1;
	}
}
