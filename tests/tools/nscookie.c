// SPDX-License-Identifier: GPL-2.0
/*
 * nscookie - print the cookie of the network namespace it runs in, as the
 * kernel gives it to any socket (SO_NETNS_COOKIE, 5.14+): the ground truth
 * the netns-cookie test compares dropscope's keys with.
 *
 *   nscookie
 *
 * Exits 77 when the kernel has no SO_NETNS_COOKIE (the test then skips).
 */
#define TOOL_NAME "nscookie"
#include "tool.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

int main(void)
{
	unsigned long long cookie = 0;
	socklen_t len = sizeof(cookie);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		perror("nscookie: socket");
		return 1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len)) {
		if (errno == ENOPROTOOPT)
			return 77;
		perror("nscookie: SO_NETNS_COOKIE");
		return 1;
	}
	printf("%llu\n", cookie);
	return 0;
}
