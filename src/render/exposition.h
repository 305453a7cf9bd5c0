/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prometheus exposition: the text format 0.0.4 and OpenMetrics 1.0 from
 * one writer (a growing buffer, escaped labels, family and sample lines).
 * What is written with it: the drop-table series (render/drop_series.h)
 * and the counter readers' families (render/counter_families.h). The
 * exporter serves the buffer, `dropscope counters` prints it.
 */
#ifndef DROPSCOPE_METRICS_H
#define DROPSCOPE_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/* A growing text buffer; a failed allocation sticks (failed) and stops writes. */
struct mbuf {
	char *p;
	size_t len, cap;
	bool failed;
};

void mbuf_printf(struct mbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mbuf_free(struct mbuf *b);
/* n bytes of s, kept NUL-terminated. */
void mbuf_put(struct mbuf *b, const char *s, size_t n);

/*
 * name="value" (after a comma unless first). The value is written in the
 * text escape form of lib/escape.h (controls and bytes that are not UTF-8
 * as \xNN, a backslash as \\), as every other output prints it, then quoted
 * as the formats define (\\ \" \n).
 */
void labels_add(struct mbuf *labels, const char *name, const char *value);

/* The same for a value already in that escape form (a workload's name,
 * escape_word()): only quoted. */
void labels_add_escaped(struct mbuf *labels, const char *name, const char *value);

enum expo_format {
	EXPO_TEXT,	  /* text/plain; version=0.0.4 */
	EXPO_OPENMETRICS, /* application/openmetrics-text; version=1.0.0 */
};

/* OpenMetrics when the Accept header offers it with q > 0, else text. */
enum expo_format expo_negotiate(const char *accept);
const char *expo_content_type(enum expo_format f);

struct expo {
	struct mbuf b;
	enum expo_format fmt;
};

/*
 * Start a family. Counters are named with their _total sample name: the
 * OpenMetrics family name drops it, the text format keeps it.
 */
void expo_family(struct expo *e, const char *name, const char *type, const char *help);
/* One sample; labels is "" or a labels_add() list. */
void expo_u64(struct expo *e, const char *name, const char *labels, __u64 v);
void expo_double(struct expo *e, const char *name, const char *labels, double v);
/* The end: "# EOF" in OpenMetrics. */
void expo_end(struct expo *e);

#endif /* DROPSCOPE_METRICS_H */
