// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include "bpf/dropscope.h"
#include "lib/escape.h"
#include "trace/filters.h"
#include "symbols/ksyms.h"
#include "lib/netns.h"
#include "trace/target_check.h"
#include "trace/packet.h"
#include "symbols/reasons.h"
#include "lib/msg.h"

static int parse_reasons(const char *list, const struct reasons *rs, __u32 **out, int *n)
{
	const char *p = list, *comma;
	int cap = 1;

	for (const char *q = list; *q; q++)
		cap += *q == ',';
	/* The kernel's filter table holds MAX_REASON_FILTER values. */
	if (cap > MAX_REASON_FILTER) {
		msg_error("--reason: too many reasons (%d given, max %d)", cap, MAX_REASON_FILTER);
		return -EINVAL;
	}
	*out = calloc(cap, sizeof(**out));
	*n = 0;
	if (!*out)
		return -ENOMEM;
	for (;; p = comma + 1) {
		char name[128];
		size_t len;
		__u32 v;
		int i;

		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		if (!len || len >= sizeof(name)) {
			msg_error("--reason '%s': %s", ESC(list),
				  len ? "name too long"
				      : "empty name (the list is NAME[,NAME...])");
			return -EINVAL;
		}
		memcpy(name, p, len);
		name[len] = 0;
		if (reasons__value(rs, name, &v)) {
			msg_error("unknown drop reason '%s' (`dropscope reasons` lists "
				  "this kernel's)",
				  ESC(name));
			return -EINVAL;
		}
		for (i = 0; i < *n && (*out)[i] != v; i++)
			;
		if (i == *n)
			(*out)[(*n)++] = v;
		if (!comma)
			break;
	}
	return 0;
}

/* A namespace or device that does not exist now may appear later: warn. */
static void warn_missing(const struct config *cfg, const struct filters *f)
{
	char path[512];
	const char *where = cfg->netns;
	int rc;

	if (cfg->netns && netns_is_inode(cfg->netns)) {
		if (nscheck_find_netns(f->netns, path, sizeof(path))) {
			msg_warn("--netns %s: no network namespace with this "
				 "inode exists now (no task or /run/netns mount holds one); "
				 "matching nothing until it appears",
				 ESC(cfg->netns));
			return;
		}
		where = path;
	}
	if (!cfg->dev || !netns_is_inode(cfg->dev))
		return;
	rc = nscheck_ifindex_exists(where, f->ifindex);
	if (rc == 0)
		msg_warn("--dev %s: no device with this ifindex in %s now; "
			 "matching nothing there until one appears%s",
			 ESC(cfg->dev), cfg->netns ? "that namespace" : "our namespace",
			 cfg->netns
				 ? ""
				 : " (without --netns it matches that ifindex in any namespace)");
}

int filters_resolve(const struct config *cfg, const struct reasons *rs, const struct ksyms *ks,
		    struct filters *f, __u32 **reason_buf)
{
	int rc;

	memset(f, 0, sizeof(*f));
	f->ipproto = -1;
	*reason_buf = NULL;
	if (cfg->netns) {
		f->netns_also = cfg->netns_also;
		f->n_netns_also = cfg->n_netns_also;
		rc = netns_resolve(cfg->netns, &f->netns);
		if (rc) {
			msg_error("--netns %s: %s", ESC(cfg->netns),
				  rc == -EINVAL ? "not a network namespace" : strerror(-rc));
			return 2;
		}
	}
	if (cfg->dev) {
		/* An inode names a namespace but gives no way into it, so a
		 * device name could only be looked up in ours: wrongly. */
		if (cfg->netns && netns_is_inode(cfg->netns) && !netns_is_inode(cfg->dev)) {
			msg_error("--dev %s: a device name needs --netns PATH; with an "
				  "inode give the IFINDEX",
				  ESC(cfg->dev));
			return 2;
		}
		rc = netns_ifindex(cfg->netns, cfg->dev);
		if (rc < 0) {
			msg_error("--dev %s: %s", ESC(cfg->dev),
				  rc == -ENODEV ? "no such device" : strerror(-rc));
			return 2;
		}
		f->ifindex = rc;
	}
	warn_missing(cfg, f);
	if (cfg->proto) {
		struct pkt_proto pp;

		if (packet__proto_parse(cfg->proto, &pp)) {
			msg_error("--proto %s: expected one of %s", ESC(cfg->proto),
				  packet__proto_names());
			return 2;
		}
		f->ethertype = pp.ethertype;
		f->ipproto = pp.ip_proto;
	}
	if (cfg->reasons) {
		rc = parse_reasons(cfg->reasons, rs, reason_buf, &f->n_reasons);
		if (rc == -ENOMEM)
			return 1;
		if (rc) {
			free(*reason_buf);
			*reason_buf = NULL;
			return 2;
		}
		f->reasons = *reason_buf;
	}
	if (cfg->location) {
		const struct ksym *s = ks ? ksyms__by_name(ks, cfg->location) : NULL;

		/* Without a symbol table nothing can be found: that is the cause,
		 * said above (hidden addresses, or no symbols at all). */
		if (!ks) {
			msg_error("--location %s: cannot look it up without kernel "
				  "symbols (see above)",
				  ESC(cfg->location));
			return 2;
		}
		if (!s || !s->size) {
			msg_error("--location %s: no such kernel function", ESC(cfg->location));
			return 2;
		}
		f->loc_start = s->addr;
		f->loc_end = s->addr + s->size;
	}
	return 0;
}
