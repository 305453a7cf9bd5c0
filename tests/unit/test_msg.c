// SPDX-License-Identifier: GPL-2.0
/* Unit tests for src/lib/msg.c: messages on stderr as text, or as one JSON
 * object each under --json. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/msg.h"

/* What the messages said on stderr, in buf. */
static void said(void (*say)(void), char *buf, size_t len)
{
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO);
	size_t n;

	assert_non_null(tmp);
	fflush(stderr);
	assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
	say();
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, len - 1, tmp);
	buf[n] = 0;
	fclose(tmp);
}

static void say_three(void)
{
	msg_error("--dev %s: no such device", "eth9");
	msg_warn("--netns %d: none now", 123);
	msg_info("%d drops counted", 5);
}

static void test_text(void **state)
{
	char buf[512];
	(void)state;

	msg_json(false);
	said(say_three, buf, sizeof(buf));
	assert_string_equal(buf, "dropscope: --dev eth9: no such device\n"
				 "dropscope: warning: --netns 123: none now\n"
				 "dropscope: 5 drops counted\n");
}

static void test_json(void **state)
{
	char buf[512];
	(void)state;

	msg_json(true);
	said(say_three, buf, sizeof(buf));
	msg_json(false);
	assert_string_equal(buf, "{\"error\":\"--dev eth9: no such device\"}\n"
				 "{\"warning\":\"--netns 123: none now\"}\n"
				 "{\"info\":\"5 drops counted\"}\n");
}

static void say_hostile(void)
{
	msg_error("'%s'", "a\"b\\c\nd\x1b");
}

/* Whatever the text holds, the line stays one valid JSON object. */
static void test_json_escapes(void **state)
{
	char buf[512];
	(void)state;

	msg_json(true);
	said(say_hostile, buf, sizeof(buf));
	msg_json(false);
	assert_string_equal(buf, "{\"error\":\"'a\\\"b\\\\c\\nd\\u001b'\"}\n");
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
