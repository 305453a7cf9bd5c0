// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "counters/synwatch.h"
#include "lib/netns.h"

#define SNAP	 128 /* an IPv6 header and a TCP header's flags, with room */
#define TCP_SYN	 0x02
#define TCP_ACK	 0x10
#define IP6_HLEN 40

/*
 * Classic BPF on a cooked (SOCK_DGRAM) packet socket: the packet starts at
 * its network header. TCP SYNs without ACK pass, cut to SNAP bytes;
 * everything else stays in the kernel. IPv4: not a later fragment, the
 * flags at header length + 13. IPv6: TCP right after the fixed header
 * (a SYN with extension headers is not seen).
 */
static struct sock_filter syn_filter[] = {
	/* 0 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL),
	/* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 8),
	/* 2 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
	/* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 0, 13),
	/* 4 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),
	/* 5 */ BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 11, 0),
	/* 6 */ BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
	/* 7 */ BPF_STMT(BPF_LD | BPF_B | BPF_IND, 13),
	/* 8 */ BPF_STMT(BPF_ALU | BPF_AND | BPF_K, TCP_SYN | TCP_ACK),
	/* 9 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TCP_SYN, 6, 7),
	/* 10 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 0, 6),
	/* 11 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 6),
	/* 12 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 0, 4),
	/* 13 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, IP6_HLEN + 13),
	/* 14 */ BPF_STMT(BPF_ALU | BPF_AND | BPF_K, TCP_SYN | TCP_ACK),
	/* 15 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TCP_SYN, 0, 1),
	/* 16 */ BPF_STMT(BPF_RET | BPF_K, SNAP),
	/* 17 */ BPF_STMT(BPF_RET | BPF_K, 0),
};

static int open_here(void *arg)
{
	struct sock_fprog prog = { .len = sizeof(syn_filter) / sizeof(syn_filter[0]),
				   .filter = syn_filter };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	int one = 1, fd, e, *out = arg;

	/*
	 * Protocol 0: not hooked to any device yet, so nothing is queued until
	 * bind(), and by then the filter is there. A socket made with
	 * ETH_P_ALL takes every frame of the namespace from socket() on, which
	 * no drain afterwards can bound on a busy node.
	 */
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)))
		goto fail;
	/* Only what arrives: our own SYNs out are not a peer's (4.20+; older: checked below). */
	(void)setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		goto fail;
	*out = fd;
	return 0;
fail:
	e = -errno;
	close(fd);
	return e;
}

int synwatch_open(const char *netns)
{
	int fd = -1, nsfd, rc;

	if (!netns) {
		rc = open_here(&fd);
		return rc ? rc : fd;
	}
	nsfd = netns_open(netns);
	if (nsfd < 0)
		return nsfd;
	rc = netns_run_in(nsfd, open_here, &fd);
	close(nsfd);
	return rc ? rc : fd;
}

void synwatch_add(struct syn_sample *s, __u16 proto, const __u8 *pkt, size_t len)
{
	__u8 family, addr[16] = {};
	size_t alen, h;

	/* The filter chose these; checked again, as anything from the kernel. */
	if (proto == ETH_P_IP && len >= 20 && (pkt[0] >> 4) == 4) {
		size_t ihl = (size_t)(pkt[0] & 0xf) * 4;

		if (pkt[9] != IPPROTO_TCP || ihl < 20 || len < ihl + 14 ||
		    (pkt[ihl + 13] & (TCP_SYN | TCP_ACK)) != TCP_SYN)
			return;
		family = AF_INET;
		alen = 4;
		memcpy(addr, pkt + 12, 4);
	} else if (proto == ETH_P_IPV6 && len >= IP6_HLEN + 14 && (pkt[0] >> 4) == 6) {
		if (pkt[6] != IPPROTO_TCP || (pkt[IP6_HLEN + 13] & (TCP_SYN | TCP_ACK)) != TCP_SYN)
			return;
		family = AF_INET6;
		alen = 16;
		memcpy(addr, pkt + 8, 16);
	} else {
		return;
	}
	h = family;
	for (size_t i = 0; i < alen; i++)
		h = h * 131 + addr[i];
	for (int i = 0; i < SYN_SLOTS; i++) {
		struct syn_peer *p = &s->peer[(h + (size_t)i) % SYN_SLOTS];

		if (!p->family) {
			p->family = family;
			memcpy(p->addr, addr, sizeof(addr));
			p->n = 1;
			return;
		}
		if (p->family == family && !memcmp(p->addr, addr, sizeof(addr))) {
			p->n++;
			return;
		}
	}
	s->unsampled++;
}

int synwatch_read(int fd, struct syn_sample *s, int max)
{
	__u8 buf[SNAP];
	int n = 0;

	for (; n < max; n++) {
		struct sockaddr_ll sll;
		socklen_t sl = sizeof(sll);
		ssize_t r = recvfrom(fd, buf, sizeof(buf), MSG_TRUNC, (struct sockaddr *)&sll, &sl);

		if (r < 0)
			break;
		if (sl < offsetof(struct sockaddr_ll, sll_addr) ||
		    sll.sll_pkttype == PACKET_OUTGOING)
			continue;
		synwatch_add(s, ntohs(sll.sll_protocol), buf,
			     (size_t)r < sizeof(buf) ? (size_t)r : sizeof(buf));
	}
	return n;
}
