/* SPDX-License-Identifier: GPL-2.0 */
/*
 * diagnose's collection: the namespace's counters and sockets at the
 * start and the end of the window, the kernel's count rows, and a sample
 * of the dropped packets (their ports and senders).
 */
#ifndef DROPSCOPE_DIAGNOSE_COLLECT_H
#define DROPSCOPE_DIAGNOSE_COLLECT_H

#include "diagnose/window.h"
#include "trace/config.h"
#include "trace/drop_table.h"
#include "trace/packet.h"
#include "trace/session.h"

struct ring_buffer;

struct collector {
	const struct config *cfg;
	struct config mcfg; /* the monitor's: diagnose's dimensions and helpers */
	char helpers[512];
	struct monitor m;
	struct counter_src src;
	struct ring_buffer *rb;
	struct window *w;
	int synfd; /* synwatch's packet socket, -1: none */
	/* --netns: its veth/netkit peers' namespaces, counted beside it */
	__u32 peer_ns[MAX_NETNS_FILTER];
	struct drop_delta
		*kept; /* --netns: the rows of the watched namespace, and those crossing into it */
};

/*
 * Resolve the namespace, read the start of the window, attach and start
 * sampling. Returns 0 or an exit code (1 system error, 2 bad input) after
 * printing one line. collect_close() in every case.
 */
int collect_open(struct collector *c, const struct config *cfg, struct window *w);

/*
 * Watch for seconds (or until a signal), detach, read the end of the
 * window and the count rows (valid until collect_close()). Returns the
 * number of rows, or -1 after printing why.
 */
int collect_watch(struct collector *c, double seconds, const struct drop_delta **rows);

void collect_close(struct collector *c);

/* One dropped packet of the sample: its ports, sender and destination (by location). */
void sample_packet(struct sample *s, __u32 netns, __u32 reason, __u64 location,
		   const struct pkt_info *p);

/* Read one namespace's counters, sockets and nftables drop points. */
/* One record of the events ring into w's sample (its malformed events
 * counted in w->sample.malformed). Returns 0. */
int sample_record(struct window *w, const void *data, size_t size);

void side_read(struct counter_src *src, struct side *s);
void side_free(struct side *s);

#endif /* DROPSCOPE_DIAGNOSE_COLLECT_H */
