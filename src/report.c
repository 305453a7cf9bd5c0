// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "json.h"
#include "ksyms.h"
#include "packet.h"
#include "reasons.h"
#include "report.h"

struct line {
	__u64 addr;
	__u32 reason;
	__u16 protocol;
	__u64 count;
	const struct ksym *sym; /* NULL: no symbol, the address stands in */
};

/* symdata() of the longest name (KSYM_NAME_LEN, 512 since 6.1 for Rust)
 * with offset, size and [module]. */
#define SYMDATA_LEN 640

/* symname(): the symbol's name, or the address as "0x..." in buf. */
static const char *line_name(const struct line *l, char *buf, size_t len)
{
	if (l->sym)
		return l->sym->name;
	snprintf(buf, len, "0x%llx", (unsigned long long)l->addr);
	return buf;
}

int sym_style_parse(const char *s)
{
	static const char *const names[] = { "name", "data", "addr", "full" };

	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

const char *reason_name(const struct reasons *rs, __u32 reason)
{
	return rs ? reasons__name(rs, reason) : NULL;
}

static int by_key(const void *a, const void *b)
{
	const struct line *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->reason != y->reason)
		return x->reason < y->reason ? -1 : 1;
	return (int)x->protocol - (int)y->protocol;
}

/* Most drops first; ties by name, then address, so output is stable. */
static int by_count(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	char xa[24], ya[24];
	int c;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	c = strcmp(line_name(x, xa, sizeof(xa)), line_name(y, ya, sizeof(ya)));
	if (c)
		return c;
	return by_key(a, b);
}

/*
 * Fold rows into the lines a report shows: per address for the seed's
 * output, per (address, reason) with -r, per whole key for JSON.
 */
static size_t fold(const struct report *r, const struct drop_delta *rows, size_t n,
		   struct line *lines)
{
	size_t out = 0;

	for (size_t i = 0; i < n; i++) {
		lines[i] = (struct line){ .addr = rows[i].key.location, .count = rows[i].count };
		if (r->by_reason || r->json)
			lines[i].reason = rows[i].key.reason;
		if (r->json)
			lines[i].protocol = rows[i].key.protocol;
	}
	qsort(lines, n, sizeof(*lines), by_key);
	for (size_t i = 0; i < n; i++) {
		if (out && !by_key(&lines[out - 1], &lines[i]))
			lines[out - 1].count += lines[i].count;
		else
			lines[out++] = lines[i];
	}
	for (size_t i = 0; i < out; i++)
		lines[i].sym = ksyms__find(r->ks, lines[i].addr);
	qsort(lines, out, sizeof(*lines), by_count);
	return out;
}

static void print_location(const struct report *r, const struct line *l)
{
	char data[SYMDATA_LEN], raw[24];

	switch (r->sym) {
	case SYM_NAME:
		escape_fputs(line_name(l, raw, sizeof(raw)), r->out);
		break;
	case SYM_DATA:
		ksyms__symdata(r->ks, l->addr, data, sizeof(data));
		fputs(data, r->out);
		break;
	case SYM_ADDR:
		fprintf(r->out, "0x%llx", (unsigned long long)l->addr);
		break;
	case SYM_FULL:
		ksyms__symdata(r->ks, l->addr, data, sizeof(data));
		fprintf(r->out, "0x%llx, %s, %s", (unsigned long long)l->addr,
			ESC(line_name(l, raw, sizeof(raw))), data);
		break;
	}
}

static void text_interval(const struct report *r, const struct line *lines, size_t n,
			  const struct interval_stats *st)
{
	fputc('\n', r->out);
	for (size_t i = 0; i < n; i++) {
		fprintf(r->out, "%llu packets dropped at ", (unsigned long long)lines[i].count);
		print_location(r, &lines[i]);
		if (r->by_reason) {
			const char *name = reason_name(r->rs, lines[i].reason);

			if (name)
				fprintf(r->out, " (%s)", ESC(name));
			else if (r->no_reasons)
				fputs(" (unknown)", r->out);
			else
				fprintf(r->out, " (reason %u)", lines[i].reason);
		}
		fputc('\n', r->out);
	}
	/* Loss is reported, never silent; absent when zero so the default
	 * output stays the seed's. */
	if (st->overflow)
		fprintf(r->out,
			"%llu packets dropped at locations not counted (count table full or busy; "
			"raise --max-keys)\n",
			(unsigned long long)st->overflow);
	if (st->missed)
		fprintf(r->out, "%llu drops missed (the kernel skipped the program: nested call)\n",
			(unsigned long long)st->missed);
}

static void json_interval(const struct report *r, const struct line *lines, size_t n,
			  const struct interval_stats *st, double ts, double interval)
{
	fprintf(r->out, "{\"timestamp\":%.6f,\"interval\":%.6f,\"entries\":[", ts, interval);
	for (size_t i = 0; i < n; i++) {
		const struct ksym *s = lines[i].sym;
		const char *proto = packet__ethertype_name(lines[i].protocol);
		char buf[16];

		fprintf(r->out, "%s{\"count\":%llu,\"address\":\"0x%llx\",", i ? "," : "",
			(unsigned long long)lines[i].count, (unsigned long long)lines[i].addr);
		report__json_symbol(r->out, s, lines[i].addr);
		fputc(',', r->out);
		json_member_str(r->out, "reason", reason_name(r->rs, lines[i].reason));
		fprintf(r->out, ",\"reason_code\":%u,", lines[i].reason);
		if (!proto) {
			snprintf(buf, sizeof(buf), "0x%04x", lines[i].protocol);
			proto = buf;
		}
		json_member_str(r->out, "protocol", proto);
		fputc('}', r->out);
	}
	fprintf(r->out, "],\"not_counted\":%llu,\"missed\":%llu,\"filtered\":%llu}\n",
		(unsigned long long)st->overflow, (unsigned long long)st->missed,
		(unsigned long long)st->filtered);
}

void report__json_symbol(FILE *out, const struct ksym *s, __u64 addr)
{
	if (!s) {
		fputs("\"symbol\":null,\"offset\":null,\"size\":null,\"module\":null", out);
		return;
	}
	json_member_str(out, "symbol", s->name);
	fprintf(out, ",\"offset\":%llu,\"size\":%llu,", (unsigned long long)(addr - s->addr),
		(unsigned long long)s->size);
	json_member_str(out, "module", s->module);
}

void report__start(const struct report *r)
{
	if (!r->json)
		fputs("Monitoring for dropped packets\n", r->out);
	fflush(r->out);
}

void report__interval(const struct report *r, const struct drop_delta *rows, size_t n,
		      const struct interval_stats *st, double timestamp, double interval)
{
	struct line *lines = calloc(n ? n : 1, sizeof(*lines));
	size_t shown;

	if (!lines)
		return;
	shown = fold(r, rows, n, lines);
	if (r->top > 0 && shown > (size_t)r->top)
		shown = r->top;
	if (r->json)
		json_interval(r, lines, shown, st, timestamp, interval);
	else
		text_interval(r, lines, shown, st);
	fflush(r->out);
	free(lines);
}

void report__stop(const struct report *r)
{
	if (!r->json)
		fputs("Stopping dropped packet monitor\n", r->out);
	fflush(r->out);
}
