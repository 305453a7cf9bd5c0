// SPDX-License-Identifier: GPL-2.0
/*
 * An nftables rule's text from its expressions (nft_rule_text.h). nft
 * compiles `udp dport 53` into `meta l4proto == 17` then a 2-byte load of
 * the transport header at offset 2 and `cmp == 53`; this walks the same
 * register loads and comparisons back into nft's words. Values come from
 * the kernel: bounded, and names are escaped when printed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/netfilter.h>

#include "counters/nft_rule_text.h"

#ifdef DROPSCOPE_NO_NFTSTATS

void nft_text_init(struct nft_text *t, __u8 family)
{
	memset(t, 0, sizeof(*t));
	t->family = family;
	t->dport = -1;
}

void nft_text_expr(struct nft_text *t, const char *name, const struct nlattr *data)
{
	(void)t;
	(void)name;
	(void)data;
}

void nft_text_end(struct nft_text *t)
{
	(void)t;
}

void nft_rule_comment(const void *udata, size_t len, char *buf, size_t buflen)
{
	(void)udata;
	(void)len;
	if (buflen)
		buf[0] = 0;
}

#else

#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>

enum { LHS_NONE, LHS_META, LHS_PAYLOAD };

/* NFTNL_UDATA_RULE_COMMENT: the user data TLV nft stores a comment in. */
#define UDATA_RULE_COMMENT 0

static void say(struct nft_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct nft_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len >= sizeof(t->text) - 1)
		return;
	if (t->len)
		t->text[t->len++] = ' ';
	va_start(ap, fmt);
	n = vsnprintf(t->text + t->len, sizeof(t->text) - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
	if (t->len >= sizeof(t->text))
		t->len = sizeof(t->text) - 1;
	t->text[t->len] = 0;
}

static const char *l4_name(__u8 p)
{
	switch (p) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "icmpv6";
	case IPPROTO_SCTP:
		return "sctp";
	}
	return NULL;
}

/* `meta l4proto X` said when nothing used it for a port. */
static void flush_l4(struct nft_text *t)
{
	if (!t->l4proto)
		return;
	if (l4_name(t->l4proto))
		say(t, "meta l4proto %s", l4_name(t->l4proto));
	else
		say(t, "meta l4proto %u", t->l4proto);
	t->l4proto = 0;
}

static __u32 attr_u32(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) >= 4 ? ntohl(mnl_attr_get_u32(a)) : 0;
}

/* The nested NFTA_* attributes of one expression, by type, bounded. */
static void attrs(const struct nlattr *data, const struct nlattr **tb, int max)
{
	const struct nlattr *a;

	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	mnl_attr_for_each_nested(a, data)
	{
		int type = mnl_attr_get_type(a);

		if (type > 0 && type <= max)
			tb[type] = a;
	}
}

static void load_meta(struct nft_text *t, const struct nlattr *data)
{
	const struct nlattr *tb[NFTA_META_MAX + 1];

	attrs(data, tb, NFTA_META_MAX);
	if (!tb[NFTA_META_DREG]) {
		t->partial = true;
		say(t, "[meta]");
		return;
	}
	t->lhs = LHS_META;
	t->lhs_a = attr_u32(tb[NFTA_META_KEY]);
}

static void load_payload(struct nft_text *t, const struct nlattr *data)
{
	const struct nlattr *tb[NFTA_PAYLOAD_MAX + 1];

	attrs(data, tb, NFTA_PAYLOAD_MAX);
	if (!tb[NFTA_PAYLOAD_DREG]) {
		t->partial = true;
		say(t, "[payload]");
		return;
	}
	t->lhs = LHS_PAYLOAD;
	t->lhs_a = attr_u32(tb[NFTA_PAYLOAD_BASE]);
	t->lhs_off = attr_u32(tb[NFTA_PAYLOAD_OFFSET]);
	t->lhs_len = attr_u32(tb[NFTA_PAYLOAD_LEN]);
}

/* The network header field at off/len of the rule's family: "ip saddr"... */
static const char *net_field(const struct nft_text *t, int *af)
{
	bool v6 = t->family == NFPROTO_IPV6;

	/* An inet rule says which by the address length. */
	if (t->family == NFPROTO_INET)
		v6 = t->lhs_len == 16;
	*af = v6 ? AF_INET6 : AF_INET;
	if (!v6 && t->lhs_len == 4)
		return t->lhs_off == 12 ? "ip saddr" : t->lhs_off == 16 ? "ip daddr" : NULL;
	if (v6 && t->lhs_len == 16)
		return t->lhs_off == 8 ? "ip6 saddr" : t->lhs_off == 24 ? "ip6 daddr" : NULL;
	return NULL;
}

static void cmp_payload(struct nft_text *t, const char *op, const __u8 *v, size_t vlen)
{
	char a[INET6_ADDRSTRLEN];
	const char *f;
	int af;

	if (t->lhs_a == NFT_PAYLOAD_TRANSPORT_HEADER && t->lhs_len == 2 && vlen == 2 &&
	    (t->lhs_off == 0 || t->lhs_off == 2)) {
		const char *l4 = l4_name(t->l4proto);

		/* `udp dport`: the l4proto match is part of it; without one, `th dport`. */
		say(t, "%s %s %s%u",
		    l4 && (t->l4proto == IPPROTO_TCP || t->l4proto == IPPROTO_UDP) ? l4 : "th",
		    t->lhs_off ? "dport" : "sport", op, (unsigned)(v[0] << 8 | v[1]));
		if (t->lhs_off == 2 && !*op) {
			t->dport = t->dport == -1 ? (v[0] << 8 | v[1]) : -2;
			t->dport_proto = t->l4proto == IPPROTO_TCP || t->l4proto == IPPROTO_UDP
						 ? t->l4proto
						 : 0;
		}
		t->l4proto = 0;
		return;
	}
	flush_l4(t);
	f = t->lhs_a == NFT_PAYLOAD_NETWORK_HEADER ? net_field(t, &af) : NULL;
	if (f && vlen == (af == AF_INET ? 4u : 16u) && inet_ntop(af, v, a, sizeof(a))) {
		say(t, "%s %s%s", f, op, a);
		return;
	}
	t->partial = true;
	say(t, "[payload]");
}

static void cmp_meta(struct nft_text *t, const char *op, const __u8 *v, size_t vlen)
{
	char name[IFNAMSIZ + 1];

	switch (t->lhs_a) {
	case NFT_META_NFPROTO:
		/* inet's implicit `meta nfproto ipv4` before `ip saddr`: nft does not say it. */
		return;
	case NFT_META_L4PROTO:
		if (vlen == 1 && !*op) {
			flush_l4(t);
			t->l4proto = v[0];
			return;
		}
		break;
	case NFT_META_IIFNAME:
	case NFT_META_OIFNAME:
		flush_l4(t);
		snprintf(name, sizeof(name), "%.*s", (int)(vlen < IFNAMSIZ ? vlen : IFNAMSIZ),
			 (const char *)v);
		say(t, "%s %s\"%s\"", t->lhs_a == NFT_META_IIFNAME ? "iifname" : "oifname", op,
		    name);
		return;
	}
	flush_l4(t);
	t->partial = true;
	say(t, "[meta]");
}

static void cmp(struct nft_text *t, const struct nlattr *data)
{
	const struct nlattr *tb[NFTA_CMP_MAX + 1], *dv = NULL, *a;
	const char *op;

	attrs(data, tb, NFTA_CMP_MAX);
	if (tb[NFTA_CMP_DATA])
		mnl_attr_for_each_nested(a, tb[NFTA_CMP_DATA]) if (mnl_attr_get_type(a) ==
								   NFTA_DATA_VALUE) dv = a;
	switch (attr_u32(tb[NFTA_CMP_OP])) {
	case NFT_CMP_EQ:
		op = "";
		break;
	case NFT_CMP_NEQ:
		op = "!= ";
		break;
	default:
		op = NULL;
	}
	if (!dv || !op || t->lhs == LHS_NONE) {
		flush_l4(t);
		t->partial = true;
		say(t, "[cmp]");
	} else if (t->lhs == LHS_META) {
		cmp_meta(t, op, mnl_attr_get_payload(dv), mnl_attr_get_payload_len(dv));
	} else {
		cmp_payload(t, op, mnl_attr_get_payload(dv), mnl_attr_get_payload_len(dv));
	}
	t->lhs = LHS_NONE;
}

static void verdict(struct nft_text *t, const struct nlattr *data)
{
	const struct nlattr *tb[NFTA_IMMEDIATE_MAX + 1], *a, *v = NULL, *code = NULL, *chain = NULL;

	attrs(data, tb, NFTA_IMMEDIATE_MAX);
	flush_l4(t);
	if (attr_u32(tb[NFTA_IMMEDIATE_DREG]) != NFT_REG_VERDICT || !tb[NFTA_IMMEDIATE_DATA]) {
		t->partial = true;
		say(t, "[immediate]");
		return;
	}
	mnl_attr_for_each_nested(a, tb[NFTA_IMMEDIATE_DATA]) if (mnl_attr_get_type(a) ==
								 NFTA_DATA_VERDICT) v = a;
	if (v)
		mnl_attr_for_each_nested(a, v)
		{
			if (mnl_attr_get_type(a) == NFTA_VERDICT_CODE)
				code = a;
			if (mnl_attr_get_type(a) == NFTA_VERDICT_CHAIN &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
				chain = a;
		}
	switch ((int)attr_u32(code)) {
	case NF_DROP:
		say(t, "drop");
		return;
	case NF_ACCEPT:
		say(t, "accept");
		return;
	case NFT_CONTINUE:
		say(t, "continue");
		return;
	case NFT_RETURN:
		say(t, "return");
		return;
	case NFT_JUMP:
	case NFT_GOTO:
		if (chain) {
			say(t, "%s %.64s", attr_u32(code) == (__u32)NFT_JUMP ? "jump" : "goto",
			    mnl_attr_get_str(chain));
			return;
		}
	}
	t->partial = true;
	say(t, "[verdict]");
}

void nft_text_init(struct nft_text *t, __u8 family)
{
	memset(t, 0, sizeof(*t));
	t->family = family;
	t->dport = -1;
}

void nft_text_expr(struct nft_text *t, const char *name, const struct nlattr *data)
{
	if (!data) {
		flush_l4(t);
		say(t, "[%.16s]", name);
		t->partial = true;
		return;
	}
	if (!strcmp(name, "meta"))
		load_meta(t, data);
	else if (!strcmp(name, "payload"))
		load_payload(t, data);
	else if (!strcmp(name, "cmp"))
		cmp(t, data);
	else if (!strcmp(name, "immediate"))
		verdict(t, data);
	else if (!strcmp(name, "counter")) {
		flush_l4(t);
		say(t, "counter");
	} else {
		flush_l4(t);
		t->partial = true;
		say(t, "[%.16s]", name);
	}
}

void nft_text_end(struct nft_text *t)
{
	flush_l4(t);
}

void nft_rule_comment(const void *udata, size_t len, char *buf, size_t buflen)
{
	const __u8 *p = udata, *end = p + len;

	if (!buflen)
		return;
	buf[0] = 0;
	/* TLVs: a type byte, a length byte, the value (a comment ends in NUL). */
	while (end - p >= 2 && end - p - 2 >= p[1]) {
		if (p[0] == UDATA_RULE_COMMENT && p[1]) {
			size_t n = strnlen((const char *)p + 2, p[1]);

			snprintf(buf, buflen, "%.*s", (int)n, (const char *)p + 2);
			return;
		}
		p += 2 + p[1];
	}
}

#endif
