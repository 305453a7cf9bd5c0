/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tool.h - what the traffic tools in tests/tools have in common: number and
 * address arguments, the monotonic clock, a bounded sendto() loop and one
 * bounded TCP connect() attempt.
 *
 * Every tool is a single .c file (the Makefile builds each on its own) that
 * defines TOOL_NAME, the prefix of its messages, and then includes this
 * header:
 *
 *   #define TOOL_NAME "udpsend"
 *   #include "tool.h"
 *
 * The tools that hold a socket for a test (udprecv, tcplisten) also share
 * ready_file() and wait_file(): the test learns from a file that the
 * socket is set up, and tells the tool with another file when to go on.
 *
 * Everything here is static inline, so a tool that leaves a helper unused
 * builds without warnings. Argument errors exit with status 2, as the
 * tools' usage() does.
 */
#ifndef DROPSCOPE_TESTS_TOOL_H
#define DROPSCOPE_TESTS_TOOL_H

#ifndef TOOL_NAME
#error "define TOOL_NAME before including tool.h"
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* S as a number (any base strtol() takes) in [min, max], or exit 2. */
static inline long num(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *s == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, TOOL_NAME ": bad number '%s' (%ld..%ld)\n", s, min, max);
		exit(2);
	}
	return v;
}

/* Seconds on CLOCK_MONOTONIC. */
static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The IPv4 or IPv6 literal S into *ss (family and address; the rest of *ss
 * is left as it was, so start from a zeroed one) and the matching address
 * length into *alen, or exit 2.
 */
static inline void parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *alen)
{
	if (inet_pton(AF_INET, s, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		ss->ss_family = AF_INET;
		*alen = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, s, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		ss->ss_family = AF_INET6;
		*alen = sizeof(struct sockaddr_in6);
	} else {
		fprintf(stderr, TOOL_NAME ": bad address '%s'\n", s);
		exit(2);
	}
}

/* Set the port of *ss (AF_INET or AF_INET6, from ss_family). */
static inline void set_port(struct sockaddr_storage *ss, long port)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons(port);
}

/* The ADDR PORT arguments (PORT 1..65535) into *ss and *alen, or exit 2. */
static inline void parse_dst(const char *addr, const char *port, struct sockaddr_storage *ss,
			     socklen_t *alen)
{
	parse_addr(addr, ss, alen);
	set_port(ss, num(port, 1, 65535));
}

/*
 * Send COUNT datagrams of LEN bytes from BUF to DST with sendto() on FD,
 * GAP_US apart (0: none), until done or DEADLINE (see now()) has passed.
 * A send that fails with EINTR, ENOBUFS or EAGAIN is retried after 1 ms;
 * any other error ends the loop. Returns how many were sent.
 */
static inline long send_bounded(int fd, const void *buf, size_t len, const struct sockaddr *dst,
				socklen_t alen, long count, long gap_us, double deadline)
{
	long sent = 0;

	while (sent < count && now() < deadline) {
		if (sendto(fd, buf, len, 0, dst, alen) < 0) {
			if (errno == EINTR || errno == ENOBUFS || errno == EAGAIN) {
				usleep(1000);
				continue;
			}
			perror(TOOL_NAME ": sendto");
			break;
		}
		sent++;
		if (gap_us)
			usleep(gap_us);
	}
	return sent;
}

/* Results of tcp_attempt(), which index the counters of tcp_attempts(). */
enum { TCP_REFUSED, TCP_CONNECTED, TCP_TIMEOUT, TCP_OTHER, TCP_NR };

/*
 * One TCP connect() attempt to DST from a fresh non-blocking socket, bound
 * first to SRC (with SO_REUSEADDR) unless SRC is NULL, waited for at most
 * TIMEOUT_MS. The socket is closed with SO_LINGER {1, 0}, so nothing
 * lingers. Returns one of TCP_REFUSED, TCP_CONNECTED, TCP_TIMEOUT and
 * TCP_OTHER (another error, reported on stderr).
 */
static inline int tcp_attempt(const struct sockaddr *dst, const struct sockaddr *src,
			      socklen_t alen, int timeout_ms)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	socklen_t elen = sizeof(int);
	struct pollfd pfd;
	int fd, one = 1, err = 0, ret;

	fd = socket(dst->sa_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		perror(TOOL_NAME ": socket");
		return TCP_OTHER;
	}
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	if (src) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, src, alen) < 0) {
			perror(TOOL_NAME ": bind");
			ret = TCP_OTHER;
			goto out;
		}
	}
	if (connect(fd, dst, alen) == 0) {
		ret = TCP_CONNECTED;
		goto out;
	}
	if (errno == ECONNREFUSED) {
		ret = TCP_REFUSED;
		goto out;
	}
	if (errno != EINPROGRESS) {
		perror(TOOL_NAME ": connect");
		ret = TCP_OTHER;
		goto out;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	if (poll(&pfd, 1, timeout_ms) <= 0) {
		ret = TCP_TIMEOUT;
		goto out;
	}
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
	if (err == 0) {
		ret = TCP_CONNECTED;
	} else if (err == ECONNREFUSED) {
		ret = TCP_REFUSED;
	} else {
		fprintf(stderr, TOOL_NAME ": connect: %s\n", strerror(err));
		ret = TCP_OTHER;
	}
out:
	close(fd);
	return ret;
}

/*
 * COUNT tcp_attempt()s, then the line
 * "attempts N refused R connected C timeout T other O" on stdout. Returns
 * the exit status: 0 when every attempt was refused, 1 otherwise.
 */
static inline int tcp_attempts(const struct sockaddr *dst, const struct sockaddr *src,
			       socklen_t alen, int timeout_ms, long count)
{
	long res[TCP_NR] = { 0 }, i;

	for (i = 0; i < count; i++)
		res[tcp_attempt(dst, src, alen, timeout_ms)]++;

	printf("attempts %ld refused %ld connected %ld timeout %ld other %ld\n", count,
	       res[TCP_REFUSED], res[TCP_CONNECTED], res[TCP_TIMEOUT], res[TCP_OTHER]);
	return res[TCP_REFUSED] == count ? 0 : 1;
}

/*
 * Create PATH (a new file; never through a link or over an existing file)
 * holding TEXT: the tool's "set up" signal. Returns 0, or -1 with a message.
 */
static inline int ready_file(const char *path, const char *text)
{
	size_t len = strlen(text);
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len || close(fd) < 0) {
		fprintf(stderr, TOOL_NAME ": %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Wait until PATH exists (checked every 20 ms) or DEADLINE (see now()) has
 * passed. Returns 0 when it exists, -1 on the deadline.
 */
static inline int wait_file(const char *path, double deadline)
{
	while (access(path, F_OK) != 0) {
		if (now() >= deadline)
			return -1;
		usleep(20000);
	}
	return 0;
}

#endif /* DROPSCOPE_TESTS_TOOL_H */
