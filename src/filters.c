// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filters.h"
#include "ksyms.h"
#include "netns.h"
#include "packet.h"
#include "reasons.h"

static int parse_reasons(const char *list, const struct reasons *rs, __u32 **out, int *n)
{
	char *copy = strdup(list), *save = NULL, *tok;
	int cap = 1;

	if (!copy)
		return -ENOMEM;
	for (const char *p = list; *p; p++)
		cap += *p == ',';
	*out = calloc(cap, sizeof(**out));
	*n = 0;
	if (!*out) {
		free(copy);
		return -ENOMEM;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (reasons__value(rs, tok, &(*out)[*n])) {
			fprintf(stderr,
				"dropscope: unknown drop reason '%s' (`dropscope reasons` lists "
				"this kernel's)\n",
				tok);
			free(copy);
			return -EINVAL;
		}
		(*n)++;
	}
	free(copy);
	return *n ? 0 : -EINVAL;
}

int filters_resolve(const struct config *cfg, const struct reasons *rs, const struct ksyms *ks,
		    struct filters *f, __u32 **reason_buf)
{
	int rc;

	memset(f, 0, sizeof(*f));
	f->ipproto = -1;
	*reason_buf = NULL;
	if (cfg->netns) {
		rc = netns_resolve(cfg->netns, &f->netns);
		if (rc) {
			fprintf(stderr, "dropscope: --netns %s: %s\n", cfg->netns,
				rc == -EINVAL ? "not a network namespace" : strerror(-rc));
			return 2;
		}
	}
	if (cfg->dev) {
		/* An inode names a namespace but gives no way into it, so a
		 * device name could only be looked up in ours: wrongly. */
		if (cfg->netns && netns_is_inode(cfg->netns) && !netns_is_inode(cfg->dev)) {
			fprintf(stderr,
				"dropscope: --dev %s: a device name needs --netns PATH; with an "
				"inode give the IFINDEX\n",
				cfg->dev);
			return 2;
		}
		rc = netns_ifindex(cfg->netns, cfg->dev);
		if (rc < 0) {
			fprintf(stderr, "dropscope: --dev %s: %s\n", cfg->dev,
				rc == -ENODEV ? "no such device" : strerror(-rc));
			return 2;
		}
		f->ifindex = rc;
	}
	if (cfg->proto) {
		struct pkt_proto pp;

		if (packet__proto_parse(cfg->proto, &pp)) {
			fprintf(stderr, "dropscope: --proto %s: expected one of %s\n", cfg->proto,
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

		if (!s || !s->size) {
			fprintf(stderr, "dropscope: --location %s: no such kernel function\n",
				cfg->location);
			return 2;
		}
		f->loc_start = s->addr;
		f->loc_end = s->addr + s->size;
	}
	return 0;
}
