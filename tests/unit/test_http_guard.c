// SPDX-License-Identifier: GPL-2.0
/* lib/http_guard: who is cut to let a new client in, and when. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/http_guard.h"

/* A connection: one end of a socketpair; the guard cuts it with shutdown(),
 * which the other end sees as EOF. */
struct conn {
	int ours, peer;
};

static struct conn open_conn(struct http_guard *g, const char *ip, double now)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	inet_pton(AF_INET, ip, &a.sin_addr);
	http_guard__admit(g, (struct sockaddr *)&a, sizeof(a));
	http_guard__opened(g, sv[0], (struct sockaddr *)&a, now);
	return (struct conn){ sv[0], sv[1] };
}

static bool is_cut(const struct conn *c)
{
	char b;

	return recv(c->peer, &b, 1, MSG_DONTWAIT) == 0;
}

static void close_conn(struct http_guard *g, struct conn *c)
{
	http_guard__closed(g, c->ours);
	close(c->ours);
	close(c->peer);
}

static void test_per_address(void **state)
{
	struct http_guard *g = http_guard__new(8, 2, 10);
	struct conn a[3], b;
	(void)state;

	a[0] = open_conn(g, "127.0.0.2", 1);
	a[1] = open_conn(g, "127.0.0.2", 2);
	b = open_conn(g, "127.0.0.3", 3);
	assert_false(is_cut(&a[0]));
	/* A third from .2: its oldest goes, the other address is left alone. */
	a[2] = open_conn(g, "127.0.0.2", 4);
	assert_true(is_cut(&a[0]));
	assert_false(is_cut(&a[1]));
	assert_false(is_cut(&a[2]));
	assert_false(is_cut(&b));
	assert_int_equal(http_guard__cut(g), 1);
	/* Closed connections free the share at once. */
	close_conn(g, &a[0]);
	close_conn(g, &a[1]);
	close_conn(g, &a[2]);
	a[0] = open_conn(g, "127.0.0.2", 5);
	a[1] = open_conn(g, "127.0.0.2", 6);
	assert_false(is_cut(&a[0]));
	assert_int_equal(http_guard__cut(g), 1);
	close_conn(g, &a[0]);
	close_conn(g, &a[1]);
	close_conn(g, &b);
	assert_int_equal(http_guard__open(g), 0);
	http_guard__free(g);
}

static void test_limit_and_deadline(void **state)
{
	struct http_guard *g = http_guard__new(3, 3, 10);
	struct conn c[4];
	(void)state;

	c[0] = open_conn(g, "10.0.0.1", 1);
	c[1] = open_conn(g, "10.0.0.2", 2);
	c[2] = open_conn(g, "10.0.0.3", 3);
	/* Full: the oldest of all is cut for a fresh client. */
	c[3] = open_conn(g, "10.0.0.4", 4);
	assert_true(is_cut(&c[0]));
	assert_false(is_cut(&c[3]));
	/* The deadline runs from accept, busy or not; an answer restarts it. */
	http_guard__answered(g, c[1].ours, 9);
	assert_int_equal(http_guard__expire(g, 13.5), 1); /* c[2]: 3 + 10 <= 13.5 */
	assert_true(is_cut(&c[2]));
	assert_false(is_cut(&c[1]));
	assert_int_equal(http_guard__expire(g, 19), 2); /* c[1]: answered at 9; c[3] */
	assert_true(is_cut(&c[1]));
	assert_true(is_cut(&c[3]));
	for (int i = 0; i < 4; i++)
		close_conn(g, &c[i]);
	http_guard__free(g);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_per_address),
		cmocka_unit_test(test_limit_and_deadline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
