// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the veth peer reader (counters/linkpeer.c), live on our
 * own namespace: RTM_GETNSID of it answers "none" (a namespace has no id
 * for itself unless one was set), and the same after answers to earlier
 * requests were left unread on the socket (as a request that timed out
 * leaves them): those are not taken for the answer, and again after that.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "counters/linkpeer.h"

/* An RTM_GETNSID for nsfd with this seq, its answer left unread. */
static void leave_answer(struct mnl_socket *nl, unsigned seq, int nsfd)
{
	char buf[256] = {};
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g;

	nlh->nlmsg_type = RTM_GETNSID;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NETNSA_FD, (__u32)nsfd);
	assert_true(mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) >= 0);
}

static struct mnl_socket *open_nl(void)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);

	assert_non_null(nl);
	assert_int_equal(mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID), 0);
	return nl;
}

static void test_nsid_after_stale(void **state)
{
	struct mnl_socket *nl = open_nl();
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int bad = open("/dev/null", O_RDONLY | O_CLOEXEC);
	unsigned seq = 100;
	(void)state;

	assert_true(fd >= 0);
	assert_true(bad >= 0);
	assert_int_equal(linkpeer_nsid(nl, &seq, fd), -ENOENT);
	/* Answered with an error (not a namespace): taken for ours, it would say that. */
	leave_answer(nl, 7, bad);
	leave_answer(nl, 8, bad);
	assert_int_equal(linkpeer_nsid(nl, &seq, fd), -ENOENT);
	/* Nothing of ours left behind: the next one reads its own answer. */
	assert_int_equal(linkpeer_nsid(nl, &seq, fd), -ENOENT);
	close(bad);
	close(fd);
	mnl_socket_close(nl);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nsid_after_stale),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
