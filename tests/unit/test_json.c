// SPDX-License-Identifier: GPL-2.0
/* Unit tests for src/lib/json.c: string literals as JSON (RFC 8259) wants them,
 * and the streaming writer (commas, nesting, write errors). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <errno.h>
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

/* The writer over a memory stream: what it wrote, NUL-terminated. */
struct mem {
	char *buf;
	size_t len;
	FILE *f;
	struct json j;
};

static void mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	assert_non_null(m->f);
	json_init(&m->j, m->f);
}

/* Closes the stream; the caller compares and frees m->buf. */
static void mem_close(struct mem *m)
{
	assert_int_equal(fclose(m->f), 0);
}

static void test_writer_object(void **state)
{
	struct mem m;
	(void)state;

	mem_open(&m);
	json_object_begin(&m.j, NULL);
	json_u64(&m.j, "count", 18446744073709551615ULL);
	json_i64(&m.j, "neg", -5);
	json_str(&m.j, "dev", NULL);
	json_str(&m.j, "comm", "a\"b\n\x1b");
	json_bool(&m.j, "nonlinear", false);
	json_bool(&m.j, "df", true);
	json_null(&m.j, "symbol");
	json_strf(&m.j, "address", "0x%llx", 0xffffffff81000000ULL);
	json_numf(&m.j, "timestamp", "%.6f", 1.5);
	json_object_end(&m.j);
	assert_int_equal(json_newline(&m.j), 0);
	mem_close(&m);
	assert_string_equal(m.buf, "{\"count\":18446744073709551615,\"neg\":-5,\"dev\":null,"
				   "\"comm\":\"a\\\"b\\n\\u001b\",\"nonlinear\":false,\"df\":true,"
				   "\"symbol\":null,\"address\":\"0xffffffff81000000\","
				   "\"timestamp\":1.500000}\n");
	free(m.buf);
}

/* Commas between values at every depth, none after an opening bracket,
 * empty containers, keys escaped too. */
static void test_writer_nesting(void **state)
{
	struct mem m;
	(void)state;

	mem_open(&m);
	json_object_begin(&m.j, NULL);
	json_array_begin(&m.j, "entries");
	for (int i = 0; i < 2; i++) {
		json_object_begin(&m.j, NULL);
		json_u64(&m.j, "i", (uint64_t)i);
		json_array_begin(&m.j, "frames");
		for (int k = 0; k < i + 1; k++)
			json_str(&m.j, NULL, k ? "b" : "a");
		json_array_end(&m.j);
		json_object_begin(&m.j, "empty");
		json_object_end(&m.j);
		json_object_end(&m.j);
	}
	json_array_end(&m.j);
	json_array_begin(&m.j, "none");
	json_array_end(&m.j);
	json_u64(&m.j, "k\"ey", 1);
	json_object_end(&m.j);
	assert_int_equal(json_newline(&m.j), 0);
	mem_close(&m);
	assert_string_equal(m.buf, "{\"entries\":[{\"i\":0,\"frames\":[\"a\"],\"empty\":{}},"
				   "{\"i\":1,\"frames\":[\"a\",\"b\"],\"empty\":{}}],"
				   "\"none\":[],\"k\\\"ey\":1}\n");
	free(m.buf);
}

/* JSON lines: each newline starts a new record with no comma before it. */
static void test_writer_lines(void **state)
{
	struct mem m;
	(void)state;

	mem_open(&m);
	for (int i = 0; i < 3; i++) {
		json_object_begin(&m.j, NULL);
		json_u64(&m.j, "n", (uint64_t)i);
		json_object_end(&m.j);
		assert_int_equal(json_newline(&m.j), 0);
	}
	/* A top-level array of scalars. */
	json_array_begin(&m.j, NULL);
	json_u64(&m.j, NULL, 1);
	json_str(&m.j, NULL, "x");
	json_array_end(&m.j);
	assert_int_equal(json_newline(&m.j), 0);
	mem_close(&m);
	assert_string_equal(m.buf, "{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n[1,\"x\"]\n");
	free(m.buf);
}

/* Misuse is reported, not silently written as broken JSON. */
static void test_writer_misuse(void **state)
{
	struct mem m;
	(void)state;

	mem_open(&m);
	json_object_begin(&m.j, NULL);
	assert_int_equal(json_error(&m.j), 0);
	assert_int_equal(json_newline(&m.j), -EINVAL); /* left open */
	mem_close(&m);
	free(m.buf);

	mem_open(&m);
	json_object_end(&m.j); /* never opened */
	assert_int_equal(json_error(&m.j), -EINVAL);
	mem_close(&m);
	free(m.buf);

	mem_open(&m);
	for (int i = 0; i < JSON_MAX_DEPTH + 2; i++)
		json_array_begin(&m.j, NULL);
	assert_int_equal(json_error(&m.j), -EINVAL);
	mem_close(&m);
	free(m.buf);
}

/* A failed write (a full disk) comes back from json_newline as -EIO. */
static void test_writer_write_error(void **state)
{
	struct json j;
	FILE *f = fopen("/dev/full", "w");
	(void)state;

	if (!f)
		skip();
	/* Unbuffered: the write fails at the value, not at fclose. */
	setvbuf(f, NULL, _IONBF, 0);
	json_init(&j, f);
	json_object_begin(&j, NULL);
	json_str(&j, "a", "b");
	json_object_end(&j);
	assert_int_equal(json_newline(&j), -EIO);
	assert_int_equal(json_error(&j), -EIO);
	fclose(f);
}

/* The writer's output is JSON jq accepts, hostile strings and all. */
static void test_writer_jq(void **state)
{
	char path[] = "/tmp/test_json.XXXXXX", cmd[256];
	struct json j;
	FILE *f;
	int fd;
	(void)state;

	if (system("command -v jq >/dev/null 2>&1"))
		skip();
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	json_init(&j, f);
	json_object_begin(&j, NULL);
	json_str(&j, "s", "\xff\x01\"\\\n\xc2\x9b");
	json_array_begin(&j, "a");
	json_object_begin(&j, NULL);
	json_null(&j, "n");
	json_object_end(&j);
	json_u64(&j, NULL, 7);
	json_array_end(&j);
	json_object_end(&j);
	assert_int_equal(json_newline(&j), 0);
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof(cmd),
		 "jq -e '.a[0].n == null and .a[1] == 7 and (.s | length) == 6' < %s >/dev/null",
		 path);
	assert_int_equal(system(cmd), 0);
	unlink(path);
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
		cmocka_unit_test(test_writer_object),
		cmocka_unit_test(test_writer_nesting),
		cmocka_unit_test(test_writer_lines),
		cmocka_unit_test(test_writer_misuse),
		cmocka_unit_test(test_writer_write_error),
		cmocka_unit_test(test_writer_jq),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
