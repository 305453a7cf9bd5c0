// SPDX-License-Identifier: GPL-2.0
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
