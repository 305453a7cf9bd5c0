// SPDX-License-Identifier: GPL-2.0
/*
 * The nf_tables chain and rule message parsers on arbitrary attributes,
 * as a NETLINK_NETFILTER dump hands them over. Input: one byte (0: a
 * chain message, else a rule message), the nfgen family, then the
 * attributes; the harness puts the netlink and nfgenmsg headers in front,
 * in an exact-size heap buffer so a read past the message is an ASan
 * report. Checked: every name comes back NUL-terminated inside its field.
 */
#include <assert.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "fuzz.h"
#include "counters/nftstats.h"

static void terminated(const char *s, size_t len)
{
	assert(strnlen(s, len) < len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const size_t hdr = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg));
	struct nft_chain_msg c;
	struct nft_rule_msg r;
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	uint8_t kind, family;
	char hook[16];
	int rc;

	fuzz_take(&data, &size, &kind, 1);
	fuzz_take(&data, &size, &family, 1);
	if (size > 0xffff)
		return 0;
	nlh = calloc(1, hdr + size);
	assert(nlh);
	nlh->nlmsg_len = (uint32_t)(hdr + size);
	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | (kind ? NFT_MSG_NEWRULE : NFT_MSG_NEWCHAIN);
	nfg = mnl_nlmsg_get_payload(nlh);
	nfg->nfgen_family = family;
	memcpy((char *)nlh + hdr, data, size);

	if (!kind) {
		rc = nftstats_parse_chain(nlh, &c);
		assert(rc == 0 || rc == -EINVAL);
		if (!rc) {
			terminated(c.table, sizeof(c.table));
			terminated(c.name, sizeof(c.name));
			terminated(c.device, sizeof(c.device));
			nftstats_hook_name(c.family, c.hooknum, hook, sizeof(hook));
			terminated(hook, sizeof(hook));
		}
	} else {
		rc = nftstats_parse_rule(nlh, &r);
		assert(rc == 0 || rc == -EINVAL);
		if (!rc) {
			terminated(r.table, sizeof(r.table));
			terminated(r.chain, sizeof(r.chain));
			terminated(r.target, sizeof(r.target));
			assert(r.verdict == NFT_RULE_OTHER || r.verdict == NFT_RULE_DROP ||
			       r.verdict == NFT_RULE_JUMP);
			assert(r.verdict == NFT_RULE_JUMP || !r.target[0]);
		}
	}
	free(nlh);
	return 0;
}
