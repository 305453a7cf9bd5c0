// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <sys/socket.h>

#include "symbols/ksyms.h"
#include "symbols/reasons.h"
#include "trace/classes.h"

/* An entry's reason when only the location can tell: the kernel said
 * NOT_SPECIFIED, or passed no reason at all (< 5.17). A location never
 * overrides a reason that says what happened. */
#define UNSPECIFIED "NOT_SPECIFIED"

/*
 * First match wins; no match is a drop. reason NULL = any reason, func
 * NULL = any location, family 0 = any (the BPF side reads the family
 * only for QUEUE_PURGE, and for every drop on kernels without it).
 */
static const struct entry {
	const char *reason;
	const char *func;
	unsigned family;
	enum drop_class cls;
	const char *why;
} table[] = {
	{ "SOCKET_CLOSE", NULL, 0, CLASS_CLOSE,
	  "the kernel's own word: freed because the socket that held it was closed "
	  "(AF_UNIX release, a TCP or UDP close) before its owner read it" },
	{ "QUEUE_PURGE", "sk_stream_kill_queues", 0, CLASS_CLOSE,
	  "a stream (TCP, MPTCP) socket being destroyed empties its queues: data that "
	  "arrived after its owner stopped reading" },
	{ "QUEUE_PURGE", "inet_sock_destruct", 0, CLASS_CLOSE,
	  "an INET socket's destructor empties its receive queue: what its owner never read" },
	{ "QUEUE_PURGE", NULL, AF_UNIX, CLASS_CLOSE,
	  "an AF_UNIX socket's own queue: local messages, never network traffic" },
	{ "QUEUE_PURGE", NULL, AF_PACKET, CLASS_CLOSE,
	  "a packet socket's purge on close frees the copies it was given; the packets "
	  "themselves went on" },
	{ "QUEUE_PURGE", NULL, AF_NETLINK, CLASS_CLOSE,
	  "netlink messages queued to a socket that closed" },
	{ "QUEUE_PURGE", NULL, 0, CLASS_DROP,
	  "any other purge (packets waiting for a neighbour, a device or qdisc reset, "
	  "a socket's write queue): traffic in flight that is lost" },
	{ UNSPECIFIED, "udp_destruct_common", 0, CLASS_CLOSE,
	  "a UDP socket destroyed with datagrams its owner never read (the kernel "
	  "gives no reason here)" },
	{ UNSPECIFIED, "unix_release_sock", 0, CLASS_CLOSE,
	  "an AF_UNIX socket released unread, on kernels before SOCKET_CLOSE" },
	{ UNSPECIFIED, "packet_release", 0, CLASS_CLOSE,
	  "a packet socket's close, on kernels before QUEUE_PURGE" },
	{ UNSPECIFIED, "netlink_sock_destruct", 0, CLASS_CLOSE,
	  "a netlink socket destroyed with messages queued, on kernels before QUEUE_PURGE" },
};

const char *classes_name(enum drop_class c)
{
	return c == CLASS_CLOSE ? "close" : "drop";
}

int classes_parse(const char *s, enum class_filter *out)
{
	if (!strcmp(s, "all"))
		*out = CLASSES_ALL;
	else if (!strcmp(s, "drop"))
		*out = CLASSES_DROP;
	else if (!strcmp(s, "close"))
		*out = CLASSES_CLOSE;
	else
		return -1;
	return 0;
}

bool classes_shown(enum class_filter f, enum drop_class c)
{
	return f == CLASSES_ALL || (f == CLASSES_DROP) == (c == CLASS_DROP);
}

static bool reason_matches(const char *want, const char *reason)
{
	if (!want)
		return true;
	if (!strcmp(want, UNSPECIFIED))
		return !reason || !strcmp(reason, UNSPECIFIED);
	return reason && !strcmp(want, reason);
}

enum drop_class classes_match(const char *reason, const char *func, unsigned family,
			      const char **why)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct entry *e = &table[i];

		if (!reason_matches(e->reason, reason))
			continue;
		if (e->func && (!func || strcmp(e->func, func)))
			continue;
		if (e->family && e->family != family)
			continue;
		if (why)
			*why = e->why;
		return e->cls;
	}
	if (why)
		*why = "not in the table: a packet the network stack refused";
	return CLASS_DROP;
}

enum drop_class classes_of(const struct reasons *rs, const struct ksyms *ks, __u32 reason,
			   __u64 location, unsigned family)
{
	const struct ksym *s = ks ? ksyms__find(ks, location) : NULL;
	const char *name = rs ? reasons__name(rs, reason) : NULL;

	/* Reason 0 is no reason (a kernel before 5.17): only locations tell.
	 * A reason without a known name is not NOT_SPECIFIED: "?" matches no
	 * entry that names one, so it stays a drop. */
	if (reason && !name)
		name = "?";
	return classes_match(reason ? name : NULL, s ? s->name : NULL, family, NULL);
}

int classes_entry(size_t i, const char **reason, const char **func, unsigned *family,
		  enum drop_class *c, const char **why)
{
	if (i >= sizeof(table) / sizeof(table[0]))
		return -1;
	*reason = table[i].reason;
	*func = table[i].func;
	*family = table[i].family;
	*c = table[i].cls;
	*why = table[i].why;
	return 0;
}
