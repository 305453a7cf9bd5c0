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

enum { LHS_NONE, LHS_META, LHS_PAYLOAD, LHS_CT };

/* How a field's value is said, as nft(8) says it. */
enum vkind {
	V_NUM,	   /* decimal */
	V_HEX32,   /* marks: 0x%08x */
	V_ADDR4,   /* dotted, with /prefix */
	V_ADDR6,   /* inet_ntop, with /prefix */
	V_ETHER,   /* aa:bb:... */
	V_PORT,	   /* decimal; the tcp/udp/th port that may use a pending l4proto */
	V_PROTO,   /* tcp, udp... or a number */
	V_IFNAME,  /* "name" */
	V_CTSTATE, /* a set of flags: established,related */
	V_CTSTATUS,
	V_CTDIR,
	V_PKTTYPE,
};

/* The field the register holds, from its load: "ip saddr" and how to say its value. */
struct field {
	char name[24];
	enum vkind kind;
	unsigned width; /* an address's full length in bytes (a shorter load is a prefix) */
	bool be;	/* the value is in network order (payload), else host order (meta, ct) */
};

/* ARPHRD_ETHER: `meta iiftype ether`, nft's implicit match before an ether field. */
#define ARPHRD_ETHER_TYPE  1

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

/* Something not understood: a placeholder naming it, never a guess. */
static void unknown(struct nft_text *t, const char *what)
{
	t->partial = true;
	say(t, "[%.24s]", what);
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
	case IPPROTO_UDPLITE:
		return "udplite";
	case IPPROTO_ESP:
		return "esp";
	case IPPROTO_AH:
		return "ah";
	case IPPROTO_GRE:
		return "gre";
	}
	return NULL;
}

/*
 * The implicit matches nft adds before a field and does not print with
 * it (`meta nfproto ipv4` before `ip saddr` in an inet table, `meta
 * iiftype ether` before `ether saddr`, `meta l4proto udp` before `udp
 * dport`): said here when no such field used them.
 */
static void flush_l4(struct nft_text *t)
{
	if (t->nfproto_pending)
		say(t, "meta nfproto %s", t->nfproto == NFPROTO_IPV6 ? "ipv6" : "ipv4");
	if (t->iiftype_pending)
		say(t, "meta iiftype ether");
	t->nfproto_pending = t->iiftype_pending = false;
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

/* An NFTA_DATA_VALUE inside a nest (cmp's data, bitwise's mask and xor). */
static const struct nlattr *data_value(const struct nlattr *nest)
{
	const struct nlattr *a, *v = NULL;

	if (!nest)
		return NULL;
	mnl_attr_for_each_nested(a, nest) if (mnl_attr_get_type(a) == NFTA_DATA_VALUE) v = a;
	return v;
}

static void load_meta(struct nft_text *t, const struct nlattr *data)
{
	const struct nlattr *tb[NFTA_META_MAX + 1];

	attrs(data, tb, NFTA_META_MAX);
	if (!tb[NFTA_META_DREG]) {
		flush_l4(t);
		unknown(t, "meta");
		return;
	}
	t->lhs = LHS_META;
	t->lhs_a = attr_u32(tb[NFTA_META_KEY]);
	t->have_mask = false;
}

static void load_ct(struct nft_text *t, const struct nlattr *data)
{
	const struct nlattr *tb[NFTA_CT_MAX + 1];

	attrs(data, tb, NFTA_CT_MAX);
	/* A direction (`ct original saddr`) or a set (`ct mark set`): not rendered. */
	if (!tb[NFTA_CT_DREG] || tb[NFTA_CT_DIRECTION]) {
		flush_l4(t);
		unknown(t, "ct");
		return;
	}
	t->lhs = LHS_CT;
	t->lhs_a = attr_u32(tb[NFTA_CT_KEY]);
	t->have_mask = false;
}

static void load_payload(struct nft_text *t, const struct nlattr *data)
{
	const struct nlattr *tb[NFTA_PAYLOAD_MAX + 1];

	attrs(data, tb, NFTA_PAYLOAD_MAX);
	if (!tb[NFTA_PAYLOAD_DREG]) {
		flush_l4(t);
		unknown(t, "payload");
		return;
	}
	t->lhs = LHS_PAYLOAD;
	t->lhs_a = attr_u32(tb[NFTA_PAYLOAD_BASE]);
	t->lhs_off = attr_u32(tb[NFTA_PAYLOAD_OFFSET]);
	t->lhs_len = attr_u32(tb[NFTA_PAYLOAD_LEN]);
	t->have_mask = false;
	/* The implicit matches this field's protocol came with. */
	if (t->lhs_a == NFT_PAYLOAD_NETWORK_HEADER)
		t->nfproto_pending = false;
	if (t->lhs_a == NFT_PAYLOAD_LL_HEADER)
		t->iiftype_pending = false;
}

/* `bitwise`: a mask (xor 0) on the loaded field, for a prefix or a set of flags. */
static void bitwise(struct nft_text *t, const struct nlattr *data)
{
	const struct nlattr *tb[NFTA_BITWISE_MAX + 1], *m, *x;
	const __u8 *xv;
	size_t n;

	attrs(data, tb, NFTA_BITWISE_MAX);
	m = data_value(tb[NFTA_BITWISE_MASK]);
	x = data_value(tb[NFTA_BITWISE_XOR]);
	n = m ? mnl_attr_get_payload_len(m) : 0;
	if (t->lhs == LHS_NONE || attr_u32(tb[NFTA_BITWISE_OP]) != NFT_BITWISE_MASK_XOR || !m ||
	    !x || n > sizeof(t->mask) || mnl_attr_get_payload_len(x) != n) {
		t->lhs = LHS_NONE;
		flush_l4(t);
		unknown(t, "bitwise");
		return;
	}
	xv = mnl_attr_get_payload(x);
	for (size_t i = 0; i < n; i++)
		if (xv[i]) { /* a NOT or an OR: not a match nft writes as a field */
			t->lhs = LHS_NONE;
			flush_l4(t);
			unknown(t, "bitwise");
			return;
		}
	memcpy(t->mask, mnl_attr_get_payload(m), n);
	t->mask_len = (__u8)n;
	t->have_mask = true;
}

/* The network header field at off/len, for IPv4 or IPv6. */
static bool net_field(const struct nft_text *t, struct field *f)
{
	static const struct {
		bool v6;
		__u32 off, len; /* len 0: up to width (a prefix) */
		const char *name;
		enum vkind kind;
		unsigned width;
	} map[] = {
		{ false, 12, 0, "ip saddr", V_ADDR4, 4 },
		{ false, 16, 0, "ip daddr", V_ADDR4, 4 },
		{ false, 9, 1, "ip protocol", V_PROTO, 0 },
		{ false, 8, 1, "ip ttl", V_NUM, 0 },
		{ false, 2, 2, "ip length", V_NUM, 0 },
		{ false, 4, 2, "ip id", V_NUM, 0 },
		{ true, 8, 0, "ip6 saddr", V_ADDR6, 16 },
		{ true, 24, 0, "ip6 daddr", V_ADDR6, 16 },
		{ true, 6, 1, "ip6 nexthdr", V_PROTO, 0 },
		{ true, 7, 1, "ip6 hoplimit", V_NUM, 0 },
		{ true, 4, 2, "ip6 length", V_NUM, 0 },
	};
	bool v6;

	if (t->nfproto == NFPROTO_IPV4 || t->nfproto == NFPROTO_IPV6)
		v6 = t->nfproto == NFPROTO_IPV6;
	else /* no nfproto said: only a full address tells */
		v6 = t->lhs_len == 16;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (map[i].v6 != v6 || map[i].off != t->lhs_off)
			continue;
		if (map[i].len ? t->lhs_len != map[i].len
			       : !t->lhs_len || t->lhs_len > map[i].width)
			return false;
		snprintf(f->name, sizeof(f->name), "%s", map[i].name);
		f->kind = map[i].kind;
		f->width = map[i].width;
		f->be = true;
		return true;
	}
	return false;
}

/* What the register holds, in nft's words; false when not known. */
static bool field_of(const struct nft_text *t, struct field *f)
{
	memset(f, 0, sizeof(*f));
	if (t->lhs == LHS_META) {
		static const struct {
			__u32 key;
			const char *name;
			enum vkind kind;
		} meta[] = {
			{ NFT_META_L4PROTO, "meta l4proto", V_PROTO },
			{ NFT_META_IIFNAME, "iifname", V_IFNAME },
			{ NFT_META_OIFNAME, "oifname", V_IFNAME },
			{ NFT_META_MARK, "meta mark", V_HEX32 },
			{ NFT_META_PKTTYPE, "meta pkttype", V_PKTTYPE },
			{ NFT_META_LEN, "meta length", V_NUM },
		};

		for (size_t i = 0; i < sizeof(meta) / sizeof(meta[0]); i++)
			if (meta[i].key == t->lhs_a) {
				snprintf(f->name, sizeof(f->name), "%s", meta[i].name);
				f->kind = meta[i].kind;
				return true;
			}
		return false;
	}
	if (t->lhs == LHS_CT) {
		static const struct {
			__u32 key;
			const char *name;
			enum vkind kind;
		} ct[] = {
			{ NFT_CT_STATE, "ct state", V_CTSTATE },
			{ NFT_CT_STATUS, "ct status", V_CTSTATUS },
			{ NFT_CT_DIRECTION, "ct direction", V_CTDIR },
			{ NFT_CT_MARK, "ct mark", V_HEX32 },
		};

		for (size_t i = 0; i < sizeof(ct) / sizeof(ct[0]); i++)
			if (ct[i].key == t->lhs_a) {
				snprintf(f->name, sizeof(f->name), "%s", ct[i].name);
				f->kind = ct[i].kind;
				return true;
			}
		return false;
	}
	if (t->lhs != LHS_PAYLOAD)
		return false;
	f->be = true;
	switch (t->lhs_a) {
	case NFT_PAYLOAD_NETWORK_HEADER:
		return net_field(t, f);
	case NFT_PAYLOAD_TRANSPORT_HEADER:
		if (t->lhs_len == 2 && (t->lhs_off == 0 || t->lhs_off == 2)) {
			/* `udp dport`: the l4proto match is part of it; without one, `th dport`. */
			bool named = t->l4proto == IPPROTO_TCP || t->l4proto == IPPROTO_UDP;

			snprintf(f->name, sizeof(f->name), "%s %s",
				 named ? l4_name(t->l4proto) : "th",
				 t->lhs_off ? "dport" : "sport");
			f->kind = V_PORT;
			return true;
		}
		if (t->l4proto == IPPROTO_UDP && t->lhs_off == 4 && t->lhs_len == 2) {
			snprintf(f->name, sizeof(f->name), "udp length");
			f->kind = V_PORT;
			return true;
		}
		return false;
	case NFT_PAYLOAD_LL_HEADER:
		if (t->lhs_len == 6 && (t->lhs_off == 0 || t->lhs_off == 6)) {
			snprintf(f->name, sizeof(f->name), "ether %s",
				 t->lhs_off ? "saddr" : "daddr");
			f->kind = V_ETHER;
			return true;
		}
		return false;
	}
	return false;
}

/* A number of up to 4 bytes, in the field's byte order. */
static bool number(const struct field *f, const __u8 *v, size_t n, __u32 *out)
{
	__u32 x = 0;

	if (!n || n > 4)
		return false;
	if (f->be) {
		for (size_t i = 0; i < n; i++)
			x = x << 8 | v[i];
	} else {
		for (size_t i = n; i-- > 0;) /* host order: little-endian here */
			x = x << 8 | v[i];
	}
	*out = x;
	return true;
}

/* Flag names in bit order, as nft lists them: "established,related". */
static bool flags(char *buf, size_t len, __u32 x, const char *const *names, size_t nnames)
{
	size_t o = 0;

	buf[0] = 0;
	for (size_t b = 0; b < 32 && x; b++) {
		if (!(x & (1u << b)))
			continue;
		if (b >= nnames || !names[b])
			return false;
		o += (size_t)snprintf(buf + o, len > o ? len - o : 0, "%s%s", o ? "," : "",
				      names[b]);
		x &= ~(1u << b);
	}
	return buf[0] && o < len;
}

/* The leading one bits of a mask, or -1 when it is not a prefix mask. */
static int prefix_of(const __u8 *m, size_t n)
{
	int bits = 0;
	bool zero = false;

	for (size_t i = 0; i < n; i++)
		for (int b = 7; b >= 0; b--) {
			if (m[i] >> b & 1) {
				if (zero)
					return -1;
				bits++;
			} else {
				zero = true;
			}
		}
	return bits;
}

/* The value v (vlen bytes) of field f as nft prints it into buf; false when it cannot. */
static bool value(const struct nft_text *t, const struct field *f, const __u8 *v, size_t vlen,
		  char *buf, size_t len)
{
	static const char *const state[] = { "invalid", "established", "related",  "new",
					     NULL,	NULL,	       "untracked" };
	static const char *const status[] = { "expected", "seen-reply", "assured", "confirmed",
					      "snat",	  "dnat",	NULL,	   NULL,
					      NULL,	  "dying" };
	static const char *const pkttype[] = { "host", "broadcast", "multicast", "other" };
	__u8 addr[16] = { 0 };
	char a[INET6_ADDRSTRLEN];
	__u32 x;
	int bits;

	/* A mask is only understood on an address (a prefix) or on flags. */
	if (t->have_mask && f->kind != V_ADDR4 && f->kind != V_ADDR6 && f->kind != V_CTSTATE &&
	    f->kind != V_CTSTATUS)
		return false;
	switch (f->kind) {
	case V_ADDR4:
	case V_ADDR6:
		if (!vlen || vlen > f->width)
			return false;
		memcpy(addr, v, vlen);
		bits = (int)vlen * 8;
		if (t->have_mask) {
			if (t->mask_len != vlen || (bits = prefix_of(t->mask, vlen)) < 0)
				return false;
			for (size_t i = 0; i < vlen; i++)
				addr[i] &= t->mask[i];
		}
		if (!inet_ntop(f->kind == V_ADDR4 ? AF_INET : AF_INET6, addr, a, sizeof(a)))
			return false;
		if (bits < (int)f->width * 8)
			snprintf(buf, len, "%s/%d", a, bits);
		else
			snprintf(buf, len, "%s", a);
		return true;
	case V_ETHER:
		if (vlen != 6)
			return false;
		snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", v[0], v[1], v[2], v[3], v[4],
			 v[5]);
		return true;
	case V_IFNAME: {
		size_t n = strnlen((const char *)v, vlen < IFNAMSIZ ? vlen : IFNAMSIZ);

		/* `iifname "veth*"` compares the prefix only: no NUL within the value. */
		snprintf(buf, len, "\"%.*s%s\"", (int)n, (const char *)v,
			 n == vlen && vlen < IFNAMSIZ ? "*" : "");
		return true;
	}
	case V_PROTO:
		if (vlen != 1)
			return false;
		if (l4_name(v[0]))
			snprintf(buf, len, "%s", l4_name(v[0]));
		else
			snprintf(buf, len, "%u", v[0]);
		return true;
	case V_CTSTATE:
	case V_CTSTATUS:
		if (!number(f, v, vlen, &x))
			return false;
		/* `ct state invalid` is (state & invalid) != 0: the mask names the flags. */
		if (t->have_mask) {
			if (x || !number(f, t->mask, t->mask_len, &x))
				return false;
		}
		return f->kind == V_CTSTATE
			       ? flags(buf, len, x, state, sizeof(state) / sizeof(state[0]))
			       : flags(buf, len, x, status, sizeof(status) / sizeof(status[0]));
	case V_CTDIR:
		if (vlen != 1 || v[0] > 1)
			return false;
		snprintf(buf, len, "%s", v[0] ? "reply" : "original");
		return true;
	case V_PKTTYPE:
		if (vlen != 1 || v[0] >= sizeof(pkttype) / sizeof(pkttype[0]))
			return false;
		snprintf(buf, len, "%s", pkttype[v[0]]);
		return true;
	case V_HEX32:
		if (vlen != 4 || !number(f, v, vlen, &x))
			return false;
		snprintf(buf, len, "0x%08x", x);
		return true;
	case V_NUM:
	case V_PORT:
		if (!number(f, v, vlen, &x))
			return false;
		snprintf(buf, len, "%u", x);
		return true;
	}
	return false;
}

/* The register's field compared with a value: `ip saddr 10.0.0.0/8`, `tcp dport != 22`. */
static void cmp(struct nft_text *t, const struct nlattr *data)
{
	const struct nlattr *tb[NFTA_CMP_MAX + 1], *dv;
	const char *op;
	struct field f;
	char val[80];
	__u32 code;
	const __u8 *v;
	size_t vlen;

	attrs(data, tb, NFTA_CMP_MAX);
	dv = data_value(tb[NFTA_CMP_DATA]);
	code = attr_u32(tb[NFTA_CMP_OP]);
	switch (code) {
	case NFT_CMP_EQ:
		op = "";
		break;
	case NFT_CMP_NEQ:
		op = "!= ";
		break;
	case NFT_CMP_LT:
		op = "< ";
		break;
	case NFT_CMP_LTE:
		op = "<= ";
		break;
	case NFT_CMP_GT:
		op = "> ";
		break;
	case NFT_CMP_GTE:
		op = ">= ";
		break;
	default:
		op = NULL;
	}
	if (!dv || !op || t->lhs == LHS_NONE) {
		t->lhs = LHS_NONE;
		flush_l4(t);
		unknown(t, "cmp");
		return;
	}
	v = mnl_attr_get_payload(dv);
	vlen = mnl_attr_get_payload_len(dv);
	/* The implicit matches, said only if nothing uses them. */
	if (t->lhs == LHS_META && code == NFT_CMP_EQ && vlen >= 1 && !t->have_mask) {
		if (t->lhs_a == NFT_META_NFPROTO &&
		    (v[0] == NFPROTO_IPV4 || v[0] == NFPROTO_IPV6)) {
			flush_l4(t);
			t->nfproto = v[0];
			t->nfproto_pending = true;
			t->lhs = LHS_NONE;
			return;
		}
		if (t->lhs_a == NFT_META_IIFTYPE && vlen == 2 &&
		    (v[0] | v[1] << 8) == ARPHRD_ETHER_TYPE) {
			flush_l4(t);
			t->iiftype_pending = true;
			t->lhs = LHS_NONE;
			return;
		}
		if (t->lhs_a == NFT_META_L4PROTO && vlen == 1) {
			flush_l4(t);
			t->l4proto = v[0];
			t->lhs = LHS_NONE;
			return;
		}
	}
	if (!field_of(t, &f) || (*op && *op != '!' && f.kind != V_NUM && f.kind != V_PORT) ||
	    (f.kind == V_CTSTATE && t->have_mask && code != NFT_CMP_NEQ) ||
	    !value(t, &f, v, vlen, val, sizeof(val))) {
		const char *what = t->lhs == LHS_PAYLOAD ? "payload" : "cmp";

		t->lhs = LHS_NONE;
		flush_l4(t);
		unknown(t, what);
		return;
	}
	/* (flags & mask) != 0 is how nft says "any of these flags": no operator. */
	if (t->have_mask && (f.kind == V_CTSTATE || f.kind == V_CTSTATUS))
		op = "";
	if (f.kind == V_PORT && t->lhs_off == 2 && t->lhs_len == 2) {
		if (!*op) {
			t->dport = t->dport == -1 ? (v[0] << 8 | v[1]) : -2;
			t->dport_proto = t->l4proto == IPPROTO_TCP || t->l4proto == IPPROTO_UDP
						 ? t->l4proto
						 : 0;
		}
		t->l4proto = 0; /* said as `udp dport` */
	}
	flush_l4(t);
	say(t, "%s %s%s", f.name, op, val);
	t->lhs = LHS_NONE;
}

/* `lookup`: the field in a named set, `ip daddr @blocked`, or not in it (`!= @`). */
static void lookup(struct nft_text *t, const struct nlattr *data)
{
	const struct nlattr *tb[NFTA_LOOKUP_MAX + 1];
	struct field f;
	const char *set = NULL;

	attrs(data, tb, NFTA_LOOKUP_MAX);
	if (tb[NFTA_LOOKUP_SET] && mnl_attr_validate(tb[NFTA_LOOKUP_SET], MNL_TYPE_NUL_STRING) >= 0)
		set = mnl_attr_get_str(tb[NFTA_LOOKUP_SET]);
	if (!set || tb[NFTA_LOOKUP_DREG] || t->have_mask || !field_of(t, &f)) {
		/* A map or verdict map, or a concatenation: the elements are not read. */
		t->lhs = LHS_NONE;
		flush_l4(t);
		unknown(t, tb[NFTA_LOOKUP_DREG] ? "map" : "lookup");
		return;
	}
	if (f.kind == V_PORT) {
		t->l4proto = 0;
		if (t->lhs_off == 2)
			t->dport = -2; /* several ports: not one to match sampled packets with */
	}
	flush_l4(t);
	/* An anonymous set (`{ 22, 80 }`) is named __setN: its elements are not read. */
	if (!strncmp(set, "__set", 5)) {
		t->partial = true;
		say(t, "%s %s{ [anonymous set] }", f.name,
		    attr_u32(tb[NFTA_LOOKUP_FLAGS]) & NFT_LOOKUP_F_INV ? "!= " : "");
	} else {
		say(t, "%s %s@%.64s", f.name,
		    attr_u32(tb[NFTA_LOOKUP_FLAGS]) & NFT_LOOKUP_F_INV ? "!= " : "", set);
	}
	t->lhs = LHS_NONE;
}

/* `reject` as nft says it: the default is bare, others `with` their type and code. */
static void reject(struct nft_text *t, const struct nlattr *data)
{
	static const char *const icmp[] = {
		[0] = "net-unreachable",   [1] = "host-unreachable", [2] = "prot-unreachable",
		[3] = "port-unreachable",  [9] = "net-prohibited",   [10] = "host-prohibited",
		[13] = "admin-prohibited",
	};
	static const char *const icmpv6[] = {
		[0] = "no-route",	  [1] = "admin-prohibited", [3] = "addr-unreachable",
		[4] = "port-unreachable", [5] = "policy-fail",	    [6] = "reject-route",
	};
	static const char *const icmpx[] = { "no-route", "port-unreachable", "host-unreachable",
					     "admin-prohibited" };
	const struct nlattr *tb[NFTA_REJECT_MAX + 1];
	__u32 type, code;
	__u8 af;

	attrs(data, tb, NFTA_REJECT_MAX);
	type = attr_u32(tb[NFTA_REJECT_TYPE]);
	code = tb[NFTA_REJECT_ICMP_CODE] && mnl_attr_get_payload_len(tb[NFTA_REJECT_ICMP_CODE])
		       ? *(const __u8 *)mnl_attr_get_payload(tb[NFTA_REJECT_ICMP_CODE])
		       : 0;
	af = t->family == NFPROTO_IPV4 || t->family == NFPROTO_IPV6 ? t->family : t->nfproto;
	if (type == NFT_REJECT_ICMP_UNREACH && (af == NFPROTO_IPV4 || af == NFPROTO_IPV6)) {
		const char *const *names = af == NFPROTO_IPV4 ? icmp : icmpv6;
		size_t n = af == NFPROTO_IPV4 ? sizeof(icmp) / sizeof(icmp[0])
					      : sizeof(icmpv6) / sizeof(icmpv6[0]);

		/* An inet table's `reject with icmp` carries its `meta nfproto`. */
		t->nfproto_pending = false;
		flush_l4(t);
		if (code < n && names[code]) {
			/* In an ip/ip6 table port-unreachable is the default: said bare. */
			if (t->family == af && code == (af == NFPROTO_IPV4 ? 3u : 4u))
				say(t, "reject");
			else
				say(t, "reject with %s %s", af == NFPROTO_IPV4 ? "icmp" : "icmpv6",
				    names[code]);
			return;
		}
	}
	flush_l4(t);
	if (type == NFT_REJECT_TCP_RST) {
		say(t, "reject with tcp reset");
		return;
	}
	if (type == NFT_REJECT_ICMPX_UNREACH && code < sizeof(icmpx) / sizeof(icmpx[0])) {
		if (code == NFT_REJECT_ICMPX_PORT_UNREACH)
			say(t, "reject");
		else
			say(t, "reject with icmpx %s", icmpx[code]);
		return;
	}
	t->partial = true;
	say(t, "reject [type %u code %u]", type, code);
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
	/* An ip or ip6 table's network header is that protocol's. */
	if (family == NFPROTO_IPV4 || family == NFPROTO_IPV6)
		t->nfproto = family;
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
	else if (!strcmp(name, "ct"))
		load_ct(t, data);
	else if (!strcmp(name, "bitwise"))
		bitwise(t, data);
	else if (!strcmp(name, "cmp"))
		cmp(t, data);
	else if (!strcmp(name, "lookup"))
		lookup(t, data);
	else if (!strcmp(name, "reject"))
		reject(t, data);
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
