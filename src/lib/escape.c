// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <string.h>

#include "lib/escape.h"

size_t utf8_seq_len(const unsigned char *s)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c < 0xc2 || c > 0xf4)
		return 0; /* ASCII, a continuation byte, or an overlong lead */
	if (c < 0xe0) {
		/* U+0080-U+009F are the C1 controls: CSI is 0xc2 0x9b. */
		if (c == 0xc2 && s[1] < 0xa0)
			return 0;
		n = 2;
	} else if (c < 0xf0) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		else if (c == 0xed)
			hi = 0x9f; /* UTF-16 surrogates */
	} else {
		n = 4;
		if (c == 0xf0)
			lo = 0x90; /* overlong */
		else if (c == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	}
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/*
 * The escaped form of the unit at s in out (at most 5 bytes); its input
 * length. word: space and '=' are escaped too (escape_word()).
 */
static size_t escape_unit(const unsigned char *s, char *out, size_t *outlen, bool word)
{
	static const char hex[] = "0123456789abcdef";
	size_t n;

	if (*s == '\\') {
		memcpy(out, "\\\\", 2);
		*outlen = 2;
		return 1;
	}
	if (*s >= 0x20 && *s < 0x7f && !(word && (*s == ' ' || *s == '='))) {
		out[0] = (char)*s;
		*outlen = 1;
		return 1;
	}
	n = *s >= 0x80 ? utf8_seq_len(s) : 0;
	if (n) {
		memcpy(out, s, n);
		*outlen = n;
		return n;
	}
	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[*s >> 4];
	out[3] = hex[*s & 15];
	*outlen = 4;
	return 1;
}

static char *escape_into(char *dst, size_t len, const char *src, bool word)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t used = 0;

	if (!len)
		return dst;
	while (*s) {
		char unit[5];
		size_t ulen, in = escape_unit(s, unit, &ulen, word);

		if (used + ulen >= len)
			break;
		memcpy(dst + used, unit, ulen);
		used += ulen;
		s += in;
	}
	dst[used] = '\0';
	return dst;
}

char *escape_str(char *dst, size_t len, const char *src)
{
	return escape_into(dst, len, src, false);
}

char *escape_word(char *dst, size_t len, const char *src)
{
	return escape_into(dst, len, src, true);
}

int escape_fputs(const char *s, FILE *f)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		const unsigned char *start = p;
		char unit[5];
		size_t ulen;

		/* The usual case, plain ASCII, goes out in one piece. */
		while (*p >= 0x20 && *p < 0x7f && *p != '\\')
			p++;
		if (p > start && fwrite(start, 1, (size_t)(p - start), f) != (size_t)(p - start))
			return EOF;
		if (!*p)
			break;
		p += escape_unit(p, unit, &ulen, false);
		if (fwrite(unit, 1, ulen, f) != ulen)
			return EOF;
	}
	return 0;
}

int escape_fputs_name(const char *s, FILE *f)
{
	if (!*s || !strcmp(s, ESCAPE_NONE))
		return fputs(*s ? "\\x2d" : ESCAPE_NONE, f) < 0 ? EOF : 0;
	return escape_fputs(s, f);
}

const char *escape_name_or_none(char *dst, size_t len, const char *src)
{
	if (!*src)
		return ESCAPE_NONE;
	if (!strcmp(src, ESCAPE_NONE))
		return "\\x2d";
	return escape_str(dst, len, src);
}
