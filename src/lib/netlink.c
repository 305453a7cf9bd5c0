// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <sys/socket.h>

#include "lib/netlink.h"

/* Room for one recvmsg of a dump: the kernel fills up to 32 KiB per part. */
#define NL_BUF (32 << 10)
/* More devices or qdiscs than this in one namespace is not a real machine. */
#define NL_MAX_RECORDS (1 << 20)

/*
 * After a failed callback the rest of the dump is still queued: read it to
 * its end, or every later dump on this socket would see stale sequence
 * numbers and fail too.
 */
static bool dump_ends_in(const char *buf, ssize_t n, unsigned seq)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
	int left = (int)n;

	for (; mnl_nlmsg_ok(h, left); h = mnl_nlmsg_next(h, &left))
		if (h->nlmsg_seq == seq &&
		    (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR))
			return true;
	return false;
}

/*
 * buf holds the n bytes read last: when they end the dump (a refused
 * request is answered by its NLMSG_ERROR alone), nothing is left to read,
 * and waiting for more would block until the socket's timeout, or forever.
 */
static void drain(struct mnl_socket *nl, char *buf, ssize_t n, unsigned seq)
{
	for (int i = 0; i < 100000 && !dump_ends_in(buf, n, seq); i++) {
		n = mnl_socket_recvfrom(nl, buf, NL_BUF);
		if (n <= 0)
			return;
	}
}

int nl_dump(struct mnl_socket *nl, unsigned *seq, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char *buf = malloc(NL_BUF);
	unsigned portid = mnl_socket_get_portid(nl);
	int ret;

	if (!buf)
		return -ENOMEM;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++*seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, NL_BUF);

		if (n < 0) {
			/* A timeout (SO_RCVTIMEO) leaves the dump unread: drop it. */
			ret = -errno;
			if (ret != -EINTR)
				drain(nl, buf, 0, *seq);
			break;
		}
		errno = 0;
		ret = mnl_cb_run(buf, (size_t)n, *seq, portid, cb, data);
		if (ret < 0) {
			ret = errno ? -errno : -EIO;
			drain(nl, buf, n, *seq);
			break;
		}
		if (ret == MNL_CB_STOP) {
			ret = 0;
			break;
		}
	}
out:
	free(buf);
	return ret;
}

void *nl_grow(void *arr, size_t *cap, size_t n, size_t size)
{
	void *p;
	size_t want;

	if (n < *cap)
		return arr;
	if (n >= NL_MAX_RECORDS)
		return NULL;
	want = *cap ? *cap * 2 : 16;
	p = realloc(arr, want * size);
	if (p)
		*cap = want;
	return p;
}
