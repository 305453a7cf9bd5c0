// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for src/trace/classes.c: the drop/close table. A reason that
 * says what happened decides; the location and the socket's family only
 * where the reason does not (NOT_SPECIFIED, QUEUE_PURGE); anything not in
 * the table is a drop; every entry says why.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "trace/classes.h"

static void test_reason_decides(void **state)
{
	(void)state;
	assert_int_equal(classes_match("SOCKET_CLOSE", "unix_release_sock", AF_UNIX, NULL),
			 CLASS_CLOSE);
	assert_int_equal(classes_match("SOCKET_CLOSE", NULL, 0, NULL), CLASS_CLOSE);
	assert_int_equal(classes_match("NO_SOCKET", "__udp4_lib_rcv", 0, NULL), CLASS_DROP);
	/* A location of the table never overrides a reason that tells. */
	assert_int_equal(classes_match("NO_SOCKET", "udp_destruct_common", 0, NULL), CLASS_DROP);
	assert_int_equal(classes_match("SOCKET_RCVBUFF", "unix_release_sock", 0, NULL), CLASS_DROP);
	/* A reason without a known name is not NOT_SPECIFIED. */
	assert_int_equal(classes_match("?", "udp_destruct_common", 0, NULL), CLASS_DROP);
}

static void test_location_when_unspecified(void **state)
{
	(void)state;
	assert_int_equal(classes_match("NOT_SPECIFIED", "udp_destruct_common", AF_INET, NULL),
			 CLASS_CLOSE);
	/* No reason at all (a kernel before 5.17): the location tells. */
	assert_int_equal(classes_match(NULL, "unix_release_sock", 0, NULL), CLASS_CLOSE);
	assert_int_equal(classes_match(NULL, "packet_release", 0, NULL), CLASS_CLOSE);
	assert_int_equal(classes_match(NULL, "ip_rcv_core", 0, NULL), CLASS_DROP);
	assert_int_equal(classes_match(NULL, NULL, 0, NULL), CLASS_DROP);
}

static void test_purge_by_family(void **state)
{
	const char *why = NULL;

	(void)state;
	assert_int_equal(classes_match("QUEUE_PURGE", "skb_queue_purge_reason", AF_UNIX, NULL),
			 CLASS_CLOSE);
	assert_int_equal(classes_match("QUEUE_PURGE", "skb_queue_purge_reason", AF_PACKET, &why),
			 CLASS_CLOSE);
	assert_non_null(strstr(why, "packet socket"));
	assert_int_equal(classes_match("QUEUE_PURGE", "skb_queue_purge_reason", AF_NETLINK, NULL),
			 CLASS_CLOSE);
	/* Packets waiting for a neighbour belong to their sender's INET
	 * socket: a purge of them is traffic lost. */
	assert_int_equal(classes_match("QUEUE_PURGE", "skb_queue_purge_reason", AF_INET, &why),
			 CLASS_DROP);
	assert_non_null(strstr(why, "in flight"));
	assert_int_equal(classes_match("QUEUE_PURGE", "skb_queue_purge_reason", 0, NULL),
			 CLASS_DROP);
	assert_int_equal(classes_match("QUEUE_PURGE", "sk_stream_kill_queues", AF_INET, NULL),
			 CLASS_CLOSE);
	assert_int_equal(classes_match("QUEUE_PURGE", "inet_sock_destruct", AF_INET6, NULL),
			 CLASS_CLOSE);
}

static void test_every_entry_says_why(void **state)
{
	const char *reason, *func, *why;
	unsigned family;
	enum drop_class c;
	size_t i;

	(void)state;
	for (i = 0; !classes_entry(i, &reason, &func, &family, &c, &why); i++) {
		assert_non_null(why);
		assert_true(strlen(why) > 20);
		/* An entry names a reason: never the function name alone. */
		assert_non_null(reason);
		/* Each entry is reachable: its own fields give its class. */
		assert_int_equal(classes_match(reason, func ? func : "x", family, NULL), c);
	}
	assert_true(i >= 8);
}

static void test_parse_and_filter(void **state)
{
	enum class_filter f;

	(void)state;
	assert_int_equal(classes_parse("drop", &f), 0);
	assert_int_equal(f, CLASSES_DROP);
	assert_true(classes_shown(f, CLASS_DROP));
	assert_false(classes_shown(f, CLASS_CLOSE));
	assert_int_equal(classes_parse("close", &f), 0);
	assert_false(classes_shown(f, CLASS_DROP));
	assert_true(classes_shown(f, CLASS_CLOSE));
	assert_int_equal(classes_parse("all", &f), 0);
	assert_true(classes_shown(f, CLASS_DROP) && classes_shown(f, CLASS_CLOSE));
	assert_int_equal(classes_parse("Drop", &f), -1);
	assert_int_equal(classes_parse("", &f), -1);
	assert_string_equal(classes_name(CLASS_CLOSE), "close");
	assert_string_equal(classes_name(CLASS_DROP), "drop");
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reason_decides),
		cmocka_unit_test(test_location_when_unspecified),
		cmocka_unit_test(test_purge_by_family),
		cmocka_unit_test(test_every_entry_says_why),
		cmocka_unit_test(test_parse_and_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
