// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>

#include "lib/escape.h"
#include "lib/json.h"

void json_string(FILE *out, const char *s)
{
	size_t n;

	if (!s) {
		fputs("null", out);
		return;
	}
	putc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			/* Control bytes (C0, DEL, C1) are escaped, valid UTF-8 passes
			 * through, and a byte that is not valid UTF-8 (a comm is any
			 * 15 bytes) becomes \u00XX: the output stays valid JSON. */
			if (*p >= 0x20 && *p < 0x7f) {
				putc(*p, out);
			} else if (*p >= 0x80 && (n = utf8_seq_len(p))) {
				fwrite(p, 1, n, out);
				p += n - 1;
			} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0) {
				fprintf(out, "\\u%04x", p[1]);
				p++;
			} else {
				fprintf(out, "\\u%04x", *p);
			}
		}
	}
	putc('"', out);
}

void json_member_str(FILE *out, const char *name, const char *value)
{
	json_string(out, name);
	putc(':', out);
	json_string(out, value);
}

void json_init(struct json *j, FILE *out)
{
	*j = (struct json){ .out = out };
}

/* Before any value: the comma its container owes, then its key. */
static void value_start(struct json *j, const char *key)
{
	uint64_t bit = 1ULL << j->depth;

	if (j->filled & bit)
		putc(',', j->out);
	j->filled |= bit;
	if (key) {
		json_string(j->out, key);
		putc(':', j->out);
	}
}

static void container_open(struct json *j, const char *key, char c)
{
	value_start(j, key);
	putc(c, j->out);
	if (j->depth + 1 >= JSON_MAX_DEPTH) {
		j->misuse = true;
		return;
	}
	j->depth++;
	j->filled &= ~(1ULL << j->depth);
}

static void container_close(struct json *j, char c)
{
	putc(c, j->out);
	if (j->depth == 0) {
		j->misuse = true;
		return;
	}
	j->depth--;
}

void json_object_begin(struct json *j, const char *key)
{
	container_open(j, key, '{');
}

void json_object_end(struct json *j)
{
	container_close(j, '}');
}

void json_array_begin(struct json *j, const char *key)
{
	container_open(j, key, '[');
}

void json_array_end(struct json *j)
{
	container_close(j, ']');
}

void json_str(struct json *j, const char *key, const char *s)
{
	value_start(j, key);
	json_string(j->out, s);
}

void json_strf(struct json *j, const char *key, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_str(j, key, buf);
}

void json_u64(struct json *j, const char *key, uint64_t v)
{
	value_start(j, key);
	fprintf(j->out, "%" PRIu64, v);
}

void json_i64(struct json *j, const char *key, int64_t v)
{
	value_start(j, key);
	fprintf(j->out, "%" PRId64, v);
}

void json_bool(struct json *j, const char *key, bool v)
{
	value_start(j, key);
	fputs(v ? "true" : "false", j->out);
}

void json_null(struct json *j, const char *key)
{
	value_start(j, key);
	fputs("null", j->out);
}

void json_numf(struct json *j, const char *key, const char *fmt, ...)
{
	va_list ap;

	value_start(j, key);
	va_start(ap, fmt);
	vfprintf(j->out, fmt, ap);
	va_end(ap);
}

int json_newline(struct json *j)
{
	putc('\n', j->out);
	if (j->depth)
		j->misuse = true;
	j->depth = 0;
	j->filled = 0;
	return json_error(j);
}

int json_error(const struct json *j)
{
	if (ferror(j->out))
		return -EIO;
	return j->misuse ? -EINVAL : 0;
}
