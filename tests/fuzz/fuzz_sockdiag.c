// SPDX-License-Identifier: GPL-2.0
/*
 * The inet_diag answer parser on arbitrary bytes, as a sock_diag dump
 * hands them over: the first input byte picks the protocol asked for
 * (odd: TCP, even: UDP), the rest is one netlink message whose
 * nlmsg_len is made the true length (mnl_cb_run checks that much before
 * the parser runs). Checked: a parsed answer has an inet family, the
 * protocol asked for, terminated address texts, and drops only with the
 * rest of the memory counters.
 */
#include <assert.h>
#include <libmnl/libmnl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "counters/sockdiag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sock_info si;
	struct nlmsghdr *nlh;
	uint8_t pick;
	int proto, rc;
	char *copy;

	fuzz_take(&data, &size, &pick, sizeof(pick));
	if (size > UINT32_MAX)
		return 0;
	/* Exact size past the header, so a read beyond the message is an ASan report. */
	copy = calloc(1, size > MNL_NLMSG_HDRLEN ? size : MNL_NLMSG_HDRLEN);
	assert(copy);
	memcpy(copy, data, size);
	nlh = (struct nlmsghdr *)copy;
	nlh->nlmsg_len = (uint32_t)size;
	proto = pick & 1 ? IPPROTO_TCP : IPPROTO_UDP;
	rc = sockdiag_parse(nlh, proto, &si);
	free(copy);
	assert(rc == 0 || rc == -EINVAL);
	if (rc)
		return 0;
	assert(si.family == AF_INET || si.family == AF_INET6);
	assert(si.protocol == proto);
	assert(memchr(si.laddr, 0, sizeof(si.laddr)));
	assert(memchr(si.raddr, 0, sizeof(si.raddr)));
	assert(!si.have_drops || si.have_mem);
	assert(si.have_mem || (!si.rcvbuf && !si.rmem_alloc && !si.drops));
	return 0;
}
