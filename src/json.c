// SPDX-License-Identifier: GPL-2.0
#include "json.h"

void json_string(FILE *out, const char *s)
{
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
			/* Control bytes must be escaped; bytes >= 0x80 pass through
			 * (names from the kernel are ASCII, comm is usually UTF-8). */
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				putc(*p, out);
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
