// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "trace/keys.h"

static const struct {
	const char *name;
	__u32 dim;
} dims[] = {
	{ "location", DIM_LOCATION }, { "reason", DIM_REASON },	    { "proto", DIM_PROTO },
	{ "dev", DIM_DEV },	      { "netns", DIM_NETNS },	    { "comm", DIM_COMM },
	{ "cgroup", DIM_CGROUP },     { "caller", DIM_CALLER },	    { "stack", DIM_STACK },
	{ "class", DIM_CLASS },	      { "workload", DIM_WORKLOAD },
};

int keys_parse(const char *list, __u32 *out, char *bad, size_t badlen)
{
	const char *p = list;
	__u32 set = 0;

	do {
		size_t len = strcspn(p, ",");
		__u32 found = 0;

		for (size_t i = 0; i < sizeof(dims) / sizeof(dims[0]); i++)
			if (strlen(dims[i].name) == len && !strncmp(p, dims[i].name, len))
				found = dims[i].dim;
		if (!found) {
			snprintf(bad, badlen, "%.*s", (int)len, p);
			return -1;
		}
		set |= found;
		p += len;
	} while (*p++ == ',');
	*out = set;
	return 0;
}

const char *keys_name(__u32 dim)
{
	for (size_t i = 0; i < sizeof(dims) / sizeof(dims[0]); i++)
		if (dims[i].dim == dim)
			return dims[i].name;
	return NULL;
}

const char *keys_names(void)
{
	return "location, reason, proto, dev, netns, comm, cgroup, caller, stack, class, workload";
}

struct drop_key keys_mask(const struct drop_key *k, __u32 d)
{
	struct drop_key m = {};

	if (d & DIM_LOCATION)
		m.location = k->location;
	if (d & DIM_REASON)
		m.reason = k->reason;
	if (d & DIM_PROTO)
		m.protocol = k->protocol;
	if (d & DIM_CALLER)
		m.caller = k->caller;
	/* A workload is named from the namespace and the cgroup: its rows
	 * keep them apart (two rows of one workload name print as two lines). */
	if (d & (DIM_CGROUP | DIM_WORKLOAD))
		m.cgroup = k->cgroup;
	if (d & (DIM_NETNS | DIM_WORKLOAD)) {
		m.netns = k->netns;
		m.netns_cookie = k->netns_cookie;
	}
	if (d & DIM_DEV) {
		m.ifindex = k->ifindex;
		memcpy(m.dev, k->dev, sizeof(m.dev));
	}
	if (d & DIM_COMM)
		memcpy(m.comm, k->comm, sizeof(m.comm));
	if (d & DIM_STACK)
		m.stack_id = k->stack_id;
	if (d & DIM_CLASS)
		m.cls = k->cls;
	return m;
}

int keys_cmp(const struct drop_key *a, const struct drop_key *b, bool with_stack)
{
	struct drop_key x = *a, y = *b;
	int c;

	x.stack_id = y.stack_id = 0;
	c = memcmp(&x, &y, sizeof(x));
	if (c || !with_stack || a->stack_id == b->stack_id)
		return c;
	return a->stack_id < b->stack_id ? -1 : 1;
}

/* FNV-1a over every byte: padding and unset dimensions are zero. */
size_t keys_hash(const struct drop_key *k)
{
	const unsigned char *p = (const unsigned char *)k;
	__u64 h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return (size_t)(h ^ (h >> 29));
}
