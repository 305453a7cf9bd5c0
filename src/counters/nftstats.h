/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The nftables ruleset's drop points (rules whose verdict is drop or
 * reject, base chains whose policy is drop) with their counters,
 * read-only, from a NETLINK_NETFILTER socket: where a NETFILTER_DROP can
 * be found without changing the ruleset. Nothing here prints; names are
 * not escaped. A reject rule is told apart by its text (nft_rule_text.h).
 *
 * Not drop points here: drops decided by a verdict map's elements (counted in nftstats_info.vmap_rules) and drops
 * by expressions that are not verdicts. Across two reads a rule is the
 * same while family, table, chain and handle are (handles are not reused
 * within a table).
 */
#ifndef DROPSCOPE_NFTSTATS_H
#define DROPSCOPE_NFTSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "counters/nft_rule_text.h"

struct mnl_socket;
struct nlmsghdr;

/* Beyond this many drop points the rest are left out (info->truncated). */
#define NFT_MAX_DROP_POINTS 4096
/* Chains beyond this are not looked at (info->truncated). */
#define NFT_MAX_CHAINS 16384

enum nft_drop_kind { NFT_DROP_RULE, NFT_DROP_POLICY };

struct nft_drop_point {
	char family[8]; /* "ip", "ip6", "inet", "arp", "bridge", "netdev" */
	/* A name longer than the field ends in "..." (the kernel allows 255 bytes). */
	char table[64];
	char chain[64];
	/* Base chain: "prerouting", "input", "forward", "output", "postrouting",
	 * "ingress", "egress" ("hookN" for a number this file does not know);
	 * "" for a regular chain. */
	char hook[16];
	int priority;
	enum nft_drop_kind
		kind; /* a rule whose verdict is drop or reject, or a base chain whose policy is drop */
	__u64 handle; /* rule handle (0 for a policy) */
	/* The rule's counter expression (rule) or the chain's counters
	 * (policy, when the kernel has them: only for a chain created with
	 * counters, which nft(8) does not ask for). */
	__u64 packets;
	__u64 bytes;
	bool have_counter; /* false: no counter expression, so the count is unknown */
	/* Added beside the base API: */
	char device[16]; /* netdev/inet ingress chains: the (first) device, else "" */
	/* A regular chain: a base chain that reaches it through jump/goto
	 * rules (one of them, if several do), its hook in via_hook; both ""
	 * when none does (reached only through a verdict map, or not at all). */
	char via_chain[64];
	char via_hook[16];
	/* A rule: its text as nft(8) prints it (nft_rule_text.h), and its comment ("" none). */
	char rule[NFT_RULE_TEXT_MAX];
	char comment[NFT_RULE_COMMENT_MAX];
	/* A rule whose one port match is `dport N` (nft_text's dport): N, else -1. */
	int match_dport;
	__u8 match_proto; /* IPPROTO_UDP, IPPROTO_TCP; 0: either */
};

/* What nftstats_read_info could not see, for the "could not be found" part of a report. */
struct nftstats_info {
	unsigned chains; /* chains seen */
	unsigned rules;	 /* rules seen */
	/* Rules whose verdict comes from a verdict map (`vmap`): they may drop,
	 * but which elements drop is in the map, which is not read. */
	unsigned vmap_rules;
	/* Drop rules counted by a named counter object (`counter name x`):
	 * have_counter is false for them, the object is not read. */
	unsigned named_counters;
	unsigned unparsed; /* messages that failed the length/type checks, skipped */
	bool truncated;	   /* more than NFT_MAX_DROP_POINTS / NFT_MAX_CHAINS: some left out */
	bool changed;	   /* the ruleset changed during every attempt to read it */
	unsigned retries;  /* reads started over because the ruleset changed */
};

/*
 * Every drop point of the ruleset in the namespace the NETLINK_NETFILTER
 * socket nl was opened in (all families). *out is malloc'ed (free() it),
 * at most NFT_MAX_DROP_POINTS entries: the drop rules in the kernel's
 * dump order, then the drop policies. Returns the count or -errno
 * (-EOPNOTSUPP in a build without nftables support, -EPERM without
 * CAP_NET_ADMIN, -ENOTCONN when nl is NULL, -EAGAIN when every attempt
 * was interrupted by a ruleset change).
 */
int nftstats_read(struct mnl_socket *nl, unsigned *seq, struct nft_drop_point **out);

/* The same, and what could not be seen in *info (may be NULL). */
int nftstats_read_info(struct mnl_socket *nl, unsigned *seq, struct nft_drop_point **out,
		       struct nftstats_info *info);

/* One chain and one rule message as the parsers see them (for the tests and the fuzzer). */
struct nft_chain_msg {
	__u8 family;
	char table[256];
	char name[256];
	bool base; /* has a hook */
	__u32 hooknum;
	int priority;
	bool have_policy;
	__u32 policy; /* NF_DROP, NF_ACCEPT */
	bool have_counter;
	__u64 packets, bytes;
	char device[16];
};

enum nft_rule_verdict {
	NFT_RULE_OTHER, /* no final drop verdict (accept, a statement...) */
	NFT_RULE_DROP,	/* drop, or reject (which drops after answering) */
	NFT_RULE_JUMP,	/* jump or goto: target names the chain */
};

struct nft_rule_msg {
	__u8 family;
	char table[256];
	char chain[256];
	__u64 handle;
	enum nft_rule_verdict verdict; /* of the rule's last expression */
	char target[256];	       /* NFT_RULE_JUMP */
	bool have_counter;	       /* an anonymous counter expression */
	bool named_counter;	       /* a counter object reference */
	bool vmap;		       /* a lookup into a verdict map */
	__u64 packets, bytes;
	struct nft_text text;		    /* the rule as nft prints it */
	char comment[NFT_RULE_COMMENT_MAX]; /* its comment, "" when none */
};

/*
 * Parse one NFT_MSG_NEWCHAIN / NFT_MSG_NEWRULE message (nlh->nlmsg_len
 * bytes, already checked to fit the buffer). Every attribute is checked
 * for its length and type before use. Returns 0, or -EINVAL (malformed:
 * skip it) or -ENOENT (another message type).
 */
int nftstats_parse_chain(const struct nlmsghdr *nlh, struct nft_chain_msg *c);
int nftstats_parse_rule(const struct nlmsghdr *nlh, struct nft_rule_msg *r);

/* "ip", "inet"..., or NULL for a family nftables does not have. */
const char *nftstats_family_name(__u8 family);
/* The hook's nft(8) name into buf ("input", or "hookN"). */
void nftstats_hook_name(__u8 family, __u32 hooknum, char *buf, size_t len);

#endif /* DROPSCOPE_NFTSTATS_H */
