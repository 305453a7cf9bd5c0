// SPDX-License-Identifier: GPL-2.0
/* The events in one record of the events ring. See evbatch.h. */
#include <linux/types.h>

#include "bpf/dropscope.h"
#include "trace/evbatch.h"

int evbatch__each(const void *rec, size_t size, evbatch_fn fn, void *ctx, __u64 *malformed)
{
	const size_t head = offsetof(struct drop_event, data);
	const struct ev_batch_hdr *h = rec;
	const unsigned char *p = rec;
	size_t off = sizeof(*h);
	__u32 i;
	int rc;

	if (size < sizeof(*h)) {
		(*malformed)++;
		return 0;
	}
	for (i = 0; i < h->n; i++) {
		const struct drop_event *e;

		if (off > size || size - off < head) {
			*malformed += h->n - i;
			break;
		}
		e = (const void *)(p + off);
		if (e->caplen > size - off - head) {
			*malformed += h->n - i;
			break;
		}
		rc = fn(ctx, e, head + e->caplen);
		if (rc < 0)
			return rc;
		off += EV_SIZE(e->caplen);
	}
	return (int)i;
}
