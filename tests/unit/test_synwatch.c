// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the SYN watcher (counters/synwatch.c): the parser on
 * hand-built packets (what passes the filter is checked again), then
 * live: a connection request this process makes over loopback from an
 * address of its own choosing, seen once, with its source. The live part
 * skips without CAP_NET_RAW.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/if_packet.h>

#include "counters/synwatch.h"

/* An IPv4 TCP packet from src with these TCP flags (ihl 5, or 6 with an option). */
static size_t v4(__u8 *p, const char *src, __u8 flags, int ihl)
{
	memset(p, 0, 80);
	p[0] = (__u8)(0x40 | ihl);
	p[9] = IPPROTO_TCP;
	inet_pton(AF_INET, src, p + 12);
	p[ihl * 4 + 13] = flags;
	return (size_t)ihl * 4 + 20;
}

static const struct syn_peer *peer_of(const struct syn_sample *s, int family, const char *a)
{
	__u8 addr[16] = {};

	inet_pton(family, a, addr);
	for (int i = 0; i < SYN_SLOTS; i++)
		if (s->peer[i].family == family && !memcmp(s->peer[i].addr, addr, sizeof(addr)))
			return &s->peer[i];
	return NULL;
}

static void test_parse(void **state)
{
	struct syn_sample s = {};
	__u8 p[80];
	size_t n;
	(void)state;

	n = v4(p, "10.0.0.1", 0x02, 5);
	synwatch_add(&s, ETH_P_IP, p, n);
	synwatch_add(&s, ETH_P_IP, p, n);
	n = v4(p, "10.0.0.2", 0x02, 6); /* options: the flags after them */
	synwatch_add(&s, ETH_P_IP, p, n);
	n = v4(p, "10.0.0.3", 0x12, 5); /* SYN-ACK: not a request */
	synwatch_add(&s, ETH_P_IP, p, n);
	n = v4(p, "10.0.0.4", 0x02, 5);
	synwatch_add(&s, ETH_P_IP, p, 20 + 13); /* cut before the flags */
	synwatch_add(&s, ETH_P_IPV6, p, n);	/* not what the protocol says */
	p[9] = IPPROTO_UDP;
	synwatch_add(&s, ETH_P_IP, p, n);
	memset(p, 0, sizeof(p));
	p[0] = 0x60;
	p[6] = IPPROTO_TCP;
	inet_pton(AF_INET6, "fd00::7", p + 8);
	p[40 + 13] = 0x02;
	synwatch_add(&s, ETH_P_IPV6, p, 60);
	assert_non_null(peer_of(&s, AF_INET, "10.0.0.1"));
	assert_int_equal(peer_of(&s, AF_INET, "10.0.0.1")->n, 2);
	assert_non_null(peer_of(&s, AF_INET, "10.0.0.2"));
	assert_null(peer_of(&s, AF_INET, "10.0.0.3"));
	assert_null(peer_of(&s, AF_INET, "10.0.0.4"));
	assert_non_null(peer_of(&s, AF_INET6, "fd00::7"));
	/* Bounded: sources beyond the slots are counted, not kept. */
	for (int i = 0; i < SYN_SLOTS + 10; i++) {
		char a[32];

		snprintf(a, sizeof(a), "10.1.%d.%d", i / 200, i % 200 + 1);
		n = v4(p, a, 0x02, 5);
		synwatch_add(&s, ETH_P_IP, p, n);
	}
	assert_int_equal(s.unsampled, 3 + 10);
}

/* A SYN this process sends from 127.A.B.1 to a closed port there: seen once, from it. */
static void test_live(void **state)
{
	struct syn_sample s = {};
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(9) },
			   from = { .sin_family = AF_INET };
	char a[32];
	int fd = synwatch_open(NULL), c;
	(void)state;

	if (fd == -EPERM || fd == -EACCES)
		skip();
	assert_true(fd >= 0);
	snprintf(a, sizeof(a), "127.%d.%d.1", 100 + getpid() % 150, getpid() / 150 % 250);
	inet_pton(AF_INET, a, &sin.sin_addr);
	c = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(c >= 0);
	/* From that address too (127/8's route would pick 127.0.0.1). */
	from.sin_addr = sin.sin_addr;
	assert_int_equal(bind(c, (struct sockaddr *)&from, sizeof(from)), 0);
	/* Refused at once (RST): one SYN, no retransmission. */
	assert_int_equal(connect(c, (struct sockaddr *)&sin, sizeof(sin)), -1);
	assert_int_equal(errno, ECONNREFUSED);
	close(c);
	for (int i = 0; i < 50 && !peer_of(&s, AF_INET, a); i++) {
		synwatch_read(fd, &s, 1000);
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	}
	assert_non_null(peer_of(&s, AF_INET, a));
	assert_int_equal(peer_of(&s, AF_INET, a)->n, 1);
	close(fd);
}

/*
 * Only SYNs reach the socket: it is bound to every protocol (the filter went
 * on before bind), and UDP and a non-SYN TCP segment over loopback sent
 * beside one SYN leave exactly one packet to read.
 */
static void test_filtered(void **state)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	struct sockaddr_ll sll = {};
	socklen_t sl = sizeof(sll);
	struct syn_sample s = {};
	int fd = synwatch_open(NULL), u, c, got = 0;
	char a[32];
	(void)state;

	if (fd == -EPERM || fd == -EACCES)
		skip();
	assert_true(fd >= 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sll, &sl), 0);
	assert_int_equal(sll.sll_protocol, htons(ETH_P_ALL));
	snprintf(a, sizeof(a), "127.%d.%d.2", 100 + getpid() % 150, getpid() / 150 % 250);
	inet_pton(AF_INET, a, &to.sin_addr);
	u = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(u >= 0);
	for (int i = 0; i < 20; i++)
		assert_int_equal(sendto(u, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)), 1);
	close(u);
	/* One SYN, refused: the RST back is TCP without SYN, filtered too. */
	c = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(c >= 0);
	assert_int_equal(bind(c, (struct sockaddr *)&to, sizeof(to)) == 0 ? 0 : errno, 0);
	to.sin_port = htons(7);
	assert_int_equal(connect(c, (struct sockaddr *)&to, sizeof(to)), -1);
	close(c);
	for (int i = 0; i < 50 && !got; i++) {
		got += synwatch_read(fd, &s, 1000);
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	}
	got += synwatch_read(fd, &s, 1000);
	assert_int_equal(got, 1);
	assert_non_null(peer_of(&s, AF_INET, a));
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_filtered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
