// SPDX-License-Identifier: GPL-2.0
/*
 * JSON string escaping on arbitrary bytes (comm, device and symbol names
 * reach it unfiltered). The input up to its first NUL is the value; a
 * second part after it is a member name. Output must be valid JSON, and
 * printable ASCII must come back unchanged once unescaped.
 */
#include <assert.h>

#include "fuzz.h"
#include "lib/json.h"

static int printable_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/* Unescape the JSON string literal at j (valid JSON, ASCII escapes only). */
static void unescape(const char *j, size_t len, char *out)
{
	size_t i;

	assert(len >= 2 && j[0] == '"' && j[len - 1] == '"');
	for (i = 1; i < len - 1; i++) {
		if (j[i] != '\\') {
			*out++ = j[i];
			continue;
		}
		switch (j[++i]) {
		case 'n':
			*out++ = '\n';
			break;
		case 'r':
			*out++ = '\r';
			break;
		case 't':
			*out++ = '\t';
			break;
		case 'b':
			*out++ = '\b';
			break;
		case 'f':
			*out++ = '\f';
			break;
		case 'u': {
			char hex[5] = { j[i + 1], j[i + 2], j[i + 3], j[i + 4], 0 };
			unsigned long v = strtoul(hex, NULL, 16);

			assert(v < 0x80);
			*out++ = (char)v;
			i += 4;
			break;
		}
		default:
			*out++ = j[i];
		}
	}
	*out = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *value = fuzz_strndup(data, size), *name, *out = NULL, *back;
	size_t vlen = strlen(value), olen = 0;
	FILE *f;

	name = vlen < size ? value + vlen + 1 : NULL;
	if (name)
		name[size - vlen - 1] = '\0';

	f = open_memstream(&out, &olen);
	assert(f);
	json_string(f, value);
	assert(!fclose(f));
	assert(fuzz_json_valid(out, olen));
	if (printable_ascii(value)) {
		back = malloc(olen + 1);
		assert(back);
		unescape(out, olen, back);
		assert(!strcmp(back, value));
		free(back);
	}
	free(out);

	out = NULL;
	f = open_memstream(&out, &olen);
	assert(f);
	fputc('{', f);
	json_member_str(f, name ? name : "", value);
	fputc('}', f);
	assert(!fclose(f));
	assert(fuzz_json_valid(out, olen));
	free(out);

	f = open_memstream(&out, &olen);
	assert(f);
	json_string(f, NULL);
	assert(!fclose(f) && olen == 4 && !memcmp(out, "null", 4));
	free(out);
	free(value);
	return 0;
}
