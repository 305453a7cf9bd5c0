// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the route lookup (counters/route.c), live on our own
 * namespace: 127.0.0.1 is local (as `ip route get 127.0.0.1` says), also
 * when answers to earlier requests were left unread on the socket (as a
 * request that timed out leaves them): those are not taken for ours.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "counters/route.h"

/* An RTM_GETNSID of a file that is no namespace: an error answer, left unread. */
static void leave_error(struct mnl_socket *nl, unsigned seq, int fd)
{
	char buf[256] = {};
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g;

	nlh->nlmsg_type = RTM_GETNSID;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NETNSA_FD, (__u32)fd);
	assert_true(mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) >= 0);
}

static void test_local_after_stale(void **state)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	int bad = open("/dev/null", O_RDONLY | O_CLOEXEC);
	struct route_info ri;
	unsigned seq = 100;
	struct in_addr lo;
	(void)state;

	assert_non_null(nl);
	assert_int_equal(mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID), 0);
	assert_true(bad >= 0);
	inet_pton(AF_INET, "127.0.0.1", &lo);
	assert_int_equal(route_get(nl, &seq, AF_INET, &lo, &ri), 0);
	assert_int_equal(ri.type, RTN_LOCAL);
	leave_error(nl, 7, bad);
	leave_error(nl, 8, bad);
	assert_int_equal(route_get(nl, &seq, AF_INET, &lo, &ri), 0);
	assert_int_equal(ri.type, RTN_LOCAL);
	assert_int_equal(route_get(nl, &seq, AF_INET, &lo, &ri), 0);
	close(bad);
	mnl_socket_close(nl);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_local_after_stale),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
