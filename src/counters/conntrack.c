// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "counters/conntrack.h"

#define CT_MAX_COLS 64

enum { COL_OTHER, COL_ENTRIES, COL_DROP, COL_INSERT_FAILED, COL_EARLY_DROP };

static int column(const char *name, size_t len)
{
	static const struct {
		const char *name;
		int col;
	} cols[] = { { "entries", COL_ENTRIES },
		     { "drop", COL_DROP },
		     { "insert_failed", COL_INSERT_FAILED },
		     { "early_drop", COL_EARLY_DROP } };

	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		if (strlen(cols[i].name) == len && !memcmp(cols[i].name, name, len))
			return cols[i].col;
	return COL_OTHER;
}

int conntrack_parse(const char *text, struct conntrack_stats *out)
{
	int col[CT_MAX_COLS], ncols = 0;
	const char *p = text, *eol;

	memset(out, 0, sizeof(*out));
	eol = strchr(p, '\n');
	if (!eol)
		return -EINVAL;
	/* The header: column names separated by blanks. */
	while (p < eol && ncols < CT_MAX_COLS) {
		size_t len;

		p += strspn(p, " \t");
		len = strcspn(p, " \t\n");
		if (!len)
			break;
		col[ncols++] = column(p, len);
		p += len;
	}
	if (!ncols || col[0] != COL_ENTRIES)
		return -EINVAL;
	out->present = true;
	for (p = eol + 1; *p; p = eol + 1) {
		int c = 0;

		eol = strchr(p, '\n');
		if (!eol)
			eol = p + strlen(p);
		while (p < eol && c < ncols) {
			char *end;
			unsigned long long v;

			p += strspn(p, " \t");
			if (p >= eol)
				break;
			v = strtoull(p, &end, 16);
			if (end == p || (*end && *end != ' ' && *end != '\t' && *end != '\n'))
				break; /* not a number: the rest of the line is not trusted */
			switch (col[c]) {
			case COL_ENTRIES:
				out->entries = v;
				break;
			case COL_DROP:
				out->drop += v;
				break;
			case COL_INSERT_FAILED:
				out->insert_failed += v;
				break;
			case COL_EARLY_DROP:
				out->early_drop += v;
				break;
			}
			c++;
			p = end;
		}
		if (!*eol)
			break;
	}
	return 0;
}
