// SPDX-License-Identifier: GPL-2.0
/* Unit tests for src/escape.c: the printable form of untrusted names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/escape.h"

static void assert_escaped(const char *in, const char *want)
{
	char buf[256], *mem = NULL;
	size_t len = 0;
	FILE *f;

	assert_string_equal(escape_str(buf, sizeof(buf), in), want);
	/* The stream form is the same text. */
	f = open_memstream(&mem, &len);
	assert_non_null(f);
	assert_int_equal(escape_fputs(in, f), 0);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(mem, want);
	free(mem);
}

static void test_plain(void **state)
{
	(void)state;
	assert_escaped("", "");
	assert_escaped("udpsend", "udpsend");
	assert_escaped("__udp4_lib_rcv+0x4bc/0xd00 [kernel]",
		       "__udp4_lib_rcv+0x4bc/0xd00 [kernel]");
}

/* The attack of issue #11: a forged line and a colour escape in a comm. */
static void test_hostile_comm(void **state)
{
	(void)state;
	assert_escaped("x\n\x1b[31mEVIL", "x\\x0a\\x1b[31mEVIL");
	assert_escaped("a\rb\tc\x7f", "a\\x0db\\x09c\\x7f");
	assert_escaped("back\\slash", "back\\\\slash");
}

static void test_every_byte(void **state)
{
	char in[2] = {}, out[8], want[8];
	(void)state;

	for (int c = 1; c < 256; c++) {
		in[0] = (char)c;
		if (c == '\\')
			strcpy(want, "\\\\");
		else if (c >= 0x20 && c < 0x7f)
			snprintf(want, sizeof(want), "%c", c);
		else /* alone, no byte >= 0x80 is valid UTF-8 */
			snprintf(want, sizeof(want), "\\x%02x", c);
		assert_string_equal(escape_str(out, sizeof(out), in), want);
	}
}

static void test_utf8(void **state)
{
	(void)state;
	/* Valid characters of two, three and four bytes stay as they are. */
	assert_escaped("caf\xc3\xa9", "caf\xc3\xa9");
	assert_escaped("\xe2\x9c\x93", "\xe2\x9c\x93");
	assert_escaped("\xf0\x9f\x92\xa9", "\xf0\x9f\x92\xa9");
	/* C1 controls (CSI = U+009B), truncated, overlong, surrogate, > U+10FFFF. */
	assert_escaped("\xc2\x9b"
		       "31m",
		       "\\xc2\\x9b31m");
	assert_escaped("\xc3", "\\xc3");
	assert_escaped("\xe2\x9c", "\\xe2\\x9c");
	assert_escaped("\xc0\xaf", "\\xc0\\xaf");
	assert_escaped("\xe0\x80\xaf", "\\xe0\\x80\\xaf");
	assert_escaped("\xed\xa0\x80", "\\xed\\xa0\\x80");
	assert_escaped("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xc2\xa0"), 2);
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xc2\x9f"), 0);
	assert_int_equal(utf8_seq_len((const unsigned char *)"a"), 0);
}

/* A short buffer cuts before an escape or character, never inside one. */
/* A value of a key=value word: space and '=' escaped too, the rest as escape_str. */
static void test_word(void **state)
{
	char out[64];
	(void)state;

	assert_string_equal(escape_word(out, sizeof(out), "x container=evil"),
			    "x\\x20container\\x3devil");
	assert_string_equal(escape_word(out, sizeof(out), "a\\b\x1b\xc3\xa9"),
			    "a\\\\b\\x1b\xc3\xa9");
	assert_string_equal(escape_str(out, sizeof(out), "a b=c"), "a b=c");
	/* cut before an escape that does not fit, never inside one */
	assert_string_equal(escape_word(out, 6, "ab cd"), "ab");
}

/* A name where "-" means none: none is "-", a name "-" is \x2d. */
static void assert_name(const char *in, const char *want)
{
	char buf[64], *mem = NULL;
	size_t len = 0;
	FILE *f;

	assert_string_equal(escape_name_or_none(buf, sizeof(buf), in), want);
	f = open_memstream(&mem, &len);
	assert_non_null(f);
	assert_int_equal(escape_fputs_name(in, f), 0);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(mem, want);
	free(mem);
}

static void test_name_or_none(void **state)
{
	(void)state;
	assert_name("", "-");
	assert_name("-", "\\x2d");
	assert_name("--", "--");
	assert_name("a-b", "a-b");
	assert_name("e\x01", "e\\x01");
}

static void test_truncation(void **state)
{
	char buf[6];
	(void)state;

	assert_string_equal(escape_str(buf, sizeof(buf),
				       "ab\x1b"
				       "cd"),
			    "ab");
	assert_string_equal(escape_str(buf, sizeof(buf), "abcd\xc3\xa9"), "abcd");
	assert_string_equal(escape_str(buf, sizeof(buf), "abcdefgh"), "abcde");
	assert_string_equal(escape_str(buf, 1, "abc"), "");
	/* ESCAPED_SIZE is enough for the worst case. */
	{
		char in[16], out[ESCAPED_SIZE(15)];

		memset(in, 0x1b, 15);
		in[15] = 0;
		assert_int_equal(strlen(escape_str(out, sizeof(out), in)), 60);
	}
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),	     cmocka_unit_test(test_hostile_comm),
		cmocka_unit_test(test_every_byte),   cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_truncation),   cmocka_unit_test(test_word),
		cmocka_unit_test(test_name_or_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
