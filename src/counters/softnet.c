// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "counters/softnet.h"

/*
 * Columns of a line (kernel's softnet_seq_show): 1 processed, 2 dropped,
 * 3 time_squeeze, 4-8 zero (were fastroute), 9 cpu_collision (zero),
 * 10 received_rps and 11 flow_limit_count (3.15+), 12 backlog length and
 * 13 the CPU number (5.10+), 14-15 input/process queue lengths (6.x).
 * Later kernels may add more: anything past what we read is ignored.
 */
#define SOFTNET_MIN_COLS 9
#define SOFTNET_MAX_COLS 32

/* One line's hex columns; returns how many, or -1 for anything else. */
static int parse_line(const char *p, const char *end, __u64 *col)
{
	int n = 0;

	while (p < end) {
		__u64 v = 0;
		int digits = 0;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p >= end)
			break;
		for (; p < end && *p != ' ' && *p != '\t'; p++, digits++) {
			char c = *p;
			int d;

			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (c >= 'a' && c <= 'f')
				d = c - 'a' + 10;
			else if (c >= 'A' && c <= 'F')
				d = c - 'A' + 10;
			else
				return -1;
			/* The kernel prints 32-bit values: 16 digits is plenty. */
			if (digits >= 16)
				return -1;
			v = v << 4 | (unsigned)d;
		}
		if (n < SOFTNET_MAX_COLS)
			col[n] = v;
		n++;
	}
	return n;
}

int softnet_parse(const char *text, size_t len, struct softnet_cpu *out, size_t max)
{
	const char *p = text, *end = text + len;
	size_t n = 0;
	unsigned line = 0;

	while (p < end && n < max) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		__u64 col[SOFTNET_MAX_COLS] = {};
		int cols;

		if (!eol)
			eol = end;
		cols = parse_line(p, eol, col);
		p = eol + 1;
		if (cols < 0 || cols < SOFTNET_MIN_COLS) {
			if (cols != 0)
				line++;
			continue;
		}
		out[n] = (struct softnet_cpu){
			.cpu = cols >= 13 ? (unsigned)col[12] : line,
			.processed = col[0],
			.dropped = col[1],
			.time_squeeze = col[2],
			.flow_limit = cols >= 11 ? col[10] : 0,
			.have_flow_limit = cols >= 11,
		};
		n++;
		line++;
	}
	return n ? (int)n : -EINVAL;
}
