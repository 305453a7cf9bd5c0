// SPDX-License-Identifier: GPL-2.0
/* Unit tests for src/json.c: string literals as JSON (RFC 8259) wants them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/json.h"

/* What json_string(s) writes, malloc'ed; *lenp gets its length. */
static char *quote(const char *s, size_t *lenp)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	json_string(f, s);
	assert_int_equal(fclose(f), 0);
	if (lenp)
		*lenp = len;
	return buf;
}

static void assert_quoted(const char *s, const char *expect)
{
	size_t len;
	char *got = quote(s, &len);

	assert_string_equal(got, expect);
	assert_int_equal(len, strlen(expect));
	free(got);
}

static void test_plain(void **state)
{
	(void)state;
	assert_quoted("tcp_v4_rcv", "\"tcp_v4_rcv\"");
	assert_quoted("", "\"\"");
	assert_quoted(" !#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}~",
		      "\" !#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}~\"");
	/* Slash needs no escape. */
	/* DEL is a control byte for a terminal: escaped like the C0 ones. */
	assert_quoted("a/b\x7f", "\"a/b\\u007f\"");
}

static void test_quote_and_backslash(void **state)
{
	(void)state;
	assert_quoted("\"", "\"\\\"\"");
	assert_quoted("\\", "\"\\\\\"");
	assert_quoted("say \"hi\"", "\"say \\\"hi\\\"\"");
	assert_quoted("C:\\dir\\", "\"C:\\\\dir\\\\\"");
	assert_quoted("\\\"", "\"\\\\\\\"\"");
}

static void test_short_escapes(void **state)
{
	(void)state;
	assert_quoted("\n", "\"\\n\"");
	assert_quoted("\r", "\"\\r\"");
	assert_quoted("\t", "\"\\t\"");
	assert_quoted("a\tb\r\nc", "\"a\\tb\\r\\nc\"");
}

static void test_control_bytes(void **state)
{
	(void)state;
	assert_quoted("\x01", "\"\\u0001\"");
	assert_quoted("\b", "\"\\u0008\"");
	assert_quoted("\f", "\"\\u000c\"");
	assert_quoted("\x0b", "\"\\u000b\"");
	assert_quoted("\x1b[0m", "\"\\u001b[0m\"");
	assert_quoted("\x1f", "\"\\u001f\"");
	assert_quoted("a\x10z", "\"a\\u0010z\"");
}

/* Every byte below 0x20 and DEL come out escaped; nothing else below 0x80
 * does except the quote and the backslash. */
static void test_every_ascii_byte(void **state)
{
	char in[2] = {}, expect[16];
	(void)state;

	for (int c = 1; c < 0x80; c++) {
		in[0] = (char)c;
		if (c == '\n')
			strcpy(expect, "\"\\n\"");
		else if (c == '\r')
			strcpy(expect, "\"\\r\"");
		else if (c == '\t')
			strcpy(expect, "\"\\t\"");
		else if (c == '"')
			strcpy(expect, "\"\\\"\"");
		else if (c == '\\')
			strcpy(expect, "\"\\\\\"");
		else if (c < 0x20 || c == 0x7f)
			snprintf(expect, sizeof(expect), "\"\\u%04x\"", c);
		else
			snprintf(expect, sizeof(expect), "\"%c\"", c);
		assert_quoted(in, expect);
	}
}

static void test_utf8(void **state)
{
	(void)state;
	/* é, ✓, U+1F4A9: two, three and four bytes, passed through as is. */
	assert_quoted("caf\xc3\xa9", "\"caf\xc3\xa9\"");
	assert_quoted("\xe2\x9c\x93 ok", "\"\xe2\x9c\x93 ok\"");
	assert_quoted("\xf0\x9f\x92\xa9", "\"\xf0\x9f\x92\xa9\"");
	assert_quoted("\xc3\xa9\n\xc3\xa9", "\"\xc3\xa9\\n\xc3\xa9\"");
}

/* Bytes that are not UTF-8 (a comm is any bytes) and C1 controls never
 * reach the output raw: the text stays valid JSON and terminal-safe. */
static void test_not_utf8(void **state)
{
	(void)state;
	assert_quoted("\xff", "\"\\u00ff\"");
	assert_quoted("a\x80"
		      "b",
		      "\"a\\u0080b\"");
	/* Cut short, overlong, a surrogate, above U+10FFFF. */
	assert_quoted("\xc3", "\"\\u00c3\"");
	assert_quoted("\xc0\xaf", "\"\\u00c0\\u00af\"");
	assert_quoted("\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\"");
	assert_quoted("\xf4\x90\x80\x80", "\"\\u00f4\\u0090\\u0080\\u0080\"");
	/* U+009B (CSI) as UTF-8 is one C1 control. */
	assert_quoted("\xc2\x9b[31m", "\"\\u009b[31m\"");
}

static void test_null(void **state)
{
	(void)state;
	assert_quoted(NULL, "null");
}

static char *member(const char *name, const char *value)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	json_member_str(f, name, value);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(len, strlen(buf));
	return buf;
}

static void test_member_str(void **state)
{
	char *s;
	(void)state;

	s = member("reason", "NO_SOCKET");
	assert_string_equal(s, "\"reason\":\"NO_SOCKET\"");
	free(s);
	s = member("reason", NULL);
	assert_string_equal(s, "\"reason\":null");
	free(s);
	s = member("comm", "a\"b\n");
	assert_string_equal(s, "\"comm\":\"a\\\"b\\n\"");
	free(s);
	s = member("", "");
	assert_string_equal(s, "\"\":\"\"");
	free(s);
}

/* Writes append: nothing is buffered or reset between calls. */
static void test_appends(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	(void)state;

	assert_non_null(f);
	fputc('[', f);
	json_string(f, "a");
	fputc(',', f);
	json_string(f, NULL);
	fputc(',', f);
	json_string(f, "\t");
	fputc(']', f);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(buf, "[\"a\",null,\"\\t\"]");
	free(buf);
}

/* jq, when installed, reads every byte 1..0x7f plus UTF-8 back unchanged. */
static void test_jq_round_trip(void **state)
{
	char in[160], path[] = "/tmp/test_json.XXXXXX", cmd[256];
	char *quoted, *back = NULL;
	size_t n = 0, len, cap = 0;
	FILE *p;
	int fd;
	(void)state;

	if (system("command -v jq >/dev/null 2>&1"))
		skip();
	for (int c = 1; c < 0x80; c++)
		in[n++] = (char)c;
	memcpy(in + n, "\xc3\xa9\xe2\x9c\x93", 5);
	in[n + 5] = '\0';

	quoted = quote(in, &len);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, quoted, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	free(quoted);

	/* -j: the raw string, no newline added. */
	snprintf(cmd, sizeof(cmd), "jq -j . < %s", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	len = (size_t)getdelim(&back, &cap, '\0', p);
	assert_int_equal(pclose(p), 0);
	unlink(path);
	assert_non_null(back);
	assert_int_equal(len, strlen(in));
	assert_memory_equal(back, in, len);
	free(back);
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_quote_and_backslash),
		cmocka_unit_test(test_short_escapes),
		cmocka_unit_test(test_control_bytes),
		cmocka_unit_test(test_every_ascii_byte),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_not_utf8),
		cmocka_unit_test(test_null),
		cmocka_unit_test(test_member_str),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_jq_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
