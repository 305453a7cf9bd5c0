// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/escape.h"
#include "render/exposition.h"

static bool mbuf_reserve(struct mbuf *b, size_t more)
{
	size_t want;
	char *p;

	if (b->failed)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	want = b->cap ? b->cap : 4096;
	while (want < b->len + more + 1)
		want *= 2;
	p = realloc(b->p, want);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->p = p;
	b->cap = want;
	return true;
}

void mbuf_printf(struct mbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!mbuf_reserve(b, 256))
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		if (!mbuf_reserve(b, (size_t)n))
			return;
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void mbuf_put(struct mbuf *b, const char *s, size_t n)
{
	if (!mbuf_reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

void mbuf_free(struct mbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* The characters the formats define an escape for, in a quoted value. */
static void put_quoted(struct mbuf *l, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' || s[i] == '"' || s[i] == '\n')
			mbuf_put(l, s[i] == '\n' ? "\\n" : s[i] == '"' ? "\\\"" : "\\\\", 2);
		else
			mbuf_put(l, s + i, 1);
	}
}

static void label_name(struct mbuf *l, const char *name)
{
	if (l->len)
		mbuf_put(l, ",", 1);
	mbuf_put(l, name, strlen(name));
	mbuf_put(l, "=\"", 2);
}

void labels_add(struct mbuf *l, const char *name, const char *value)
{
	const unsigned char *p = (const unsigned char *)value;

	label_name(l, name);
	/*
	 * Values come from the kernel, packets and files (a device name may
	 * hold any byte but '/', ':' and white space): the value is the text
	 * escape form every other output prints (lib/escape.h: a control or
	 * a byte that is not UTF-8 is \xNN, a backslash \\), so no raw control
	 * byte reaches a scraper, a dashboard or a terminal, and a scraper
	 * never rejects the scrape for a byte that is not UTF-8. That form is
	 * then quoted as the formats define. One unit at a time: no buffer
	 * to size for a long cgroup path.
	 */
	while (*p) {
		size_t n = *p >= 0x80 ? utf8_seq_len(p) : 0;
		char esc[ESCAPED_SIZE(1)];

		if (n || (*p >= 0x20 && *p < 0x7f && *p != '\\')) { /* printable */
			n = n ? n : 1;
			put_quoted(l, (const char *)p, n);
			p += n;
			continue;
		}
		escape_str(esc, sizeof(esc), (const char[2]){ (char)*p, 0 });
		put_quoted(l, esc, strlen(esc));
		p++;
	}
	mbuf_put(l, "\"", 1);
}

void labels_add_escaped(struct mbuf *l, const char *name, const char *value)
{
	label_name(l, name);
	put_quoted(l, value, strlen(value));
	mbuf_put(l, "\"", 1);
}

/* q= of one Accept element; 1 when absent. */
static double accept_q(const char *params, size_t len)
{
	const char *p = params, *end = params + len;

	while (p < end) {
		while (p < end && (*p == ';' || *p == ' ' || *p == '\t'))
			p++;
		if (end - p > 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=')
			return strtod(p + 2, NULL);
		while (p < end && *p != ';')
			p++;
	}
	return 1;
}

enum expo_format expo_negotiate(const char *accept)
{
	static const char om[] = "application/openmetrics-text";
	const char *p = accept;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		while (len && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		if (len >= sizeof(om) - 1 && !strncasecmp(p, om, sizeof(om) - 1) &&
		    (len == sizeof(om) - 1 || p[sizeof(om) - 1] == ';' ||
		     p[sizeof(om) - 1] == ' ') &&
		    accept_q(p + sizeof(om) - 1, len - (sizeof(om) - 1)) > 0)
			return EXPO_OPENMETRICS;
		p = end ? end + 1 : NULL;
	}
	return EXPO_TEXT;
}

const char *expo_content_type(enum expo_format f)
{
	return f == EXPO_OPENMETRICS ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
				     : "text/plain; version=0.0.4; charset=utf-8";
}

void expo_family(struct expo *e, const char *name, const char *type, const char *help)
{
	size_t n = strlen(name);

	/* OpenMetrics names a counter family without the _total of its samples. */
	if (e->fmt == EXPO_OPENMETRICS && !strcmp(type, "counter") && n > 6 &&
	    !strcmp(name + n - 6, "_total"))
		n -= 6;
	mbuf_printf(&e->b, "# HELP %.*s %s\n# TYPE %.*s %s\n", (int)n, name, help, (int)n, name,
		    type);
}

void expo_u64(struct expo *e, const char *name, const char *labels, __u64 v)
{
	if (labels && *labels)
		mbuf_printf(&e->b, "%s{%s} %llu\n", name, labels, (unsigned long long)v);
	else
		mbuf_printf(&e->b, "%s %llu\n", name, (unsigned long long)v);
}

void expo_double(struct expo *e, const char *name, const char *labels, double v)
{
	if (labels && *labels)
		mbuf_printf(&e->b, "%s{%s} %.9g\n", name, labels, v);
	else
		mbuf_printf(&e->b, "%s %.9g\n", name, v);
}

void expo_end(struct expo *e)
{
	if (e->fmt == EXPO_OPENMETRICS)
		mbuf_printf(&e->b, "# EOF\n");
}
