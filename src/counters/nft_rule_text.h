/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An nftables rule's text as nft(8) prints it, from the expressions of
 * its netlink message, for the common matches (ip/ip6 header fields and
 * prefixes, TCP/UDP ports, ether addresses, meta l4proto/mark/pkttype,
 * interface names, ct state/status/direction/mark, named sets), counter,
 * reject and verdicts; an expression it does not render shows as "[name]"
 * (an anonymous set's elements as "{ [anonymous set] }"). Counter values and the handle are
 * left out (nft -a list prints them; they change). And the rule's
 * comment, from its user data.
 */
#ifndef DROPSCOPE_NFT_RULE_TEXT_H
#define DROPSCOPE_NFT_RULE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define NFT_RULE_TEXT_MAX    160
#define NFT_RULE_COMMENT_MAX 128

struct nlattr;

/* The renderer's state across one rule's expressions. */
struct nft_text {
	char text[NFT_RULE_TEXT_MAX];
	size_t len;
	__u8 family; /* NFPROTO_*: ip, ip6, inet... */
	int lhs;     /* what the register holds: enum in nft_rule_text.c, 0 none */
	__u32 lhs_a; /* meta key, or payload base */
	__u32 lhs_off, lhs_len;
	__u8 l4proto;	      /* from `meta l4proto X`, not yet said */
	__u8 nfproto;	      /* NFPROTO_IPV4/IPV6: the table's, or an inet rule's `meta nfproto` */
	bool nfproto_pending; /* that `meta nfproto`, not yet said (a field may imply it) */
	bool iiftype_pending; /* `meta iiftype ether`, not yet said (an ether field implies it) */
	__u8 mask[16];	      /* a bitwise mask on the register: a prefix or flags */
	__u8 mask_len;
	bool have_mask;
	bool partial; /* some expression was not rendered */
	/* The rule's one `udp|tcp|th dport N` match (== only): -1 none, -2 several. */
	int dport;
	__u8 dport_proto; /* IPPROTO_UDP, IPPROTO_TCP; 0: th (either) */
};

void nft_text_init(struct nft_text *t, __u8 family);
/* One expression (its NFTA_EXPR_NAME and NFTA_EXPR_DATA, data may be NULL). */
void nft_text_expr(struct nft_text *t, const char *name, const struct nlattr *data);
/* Ends the rule: anything pending is said. */
void nft_text_end(struct nft_text *t);

/* The comment of NFTA_RULE_USERDATA's TLVs into buf ("" when none). */
void nft_rule_comment(const void *udata, size_t len, char *buf, size_t buflen);

#endif /* DROPSCOPE_NFT_RULE_TEXT_H */
