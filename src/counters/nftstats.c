// SPDX-License-Identifier: GPL-2.0
/*
 * The nf_tables messages are parsed here with libmnl rather than libnftnl:
 * libnftnl (1.2.4) exits the process on an attribute of an unexpected
 * length (__abi_breakage) and refuses a whole rule that holds one
 * expression it does not know (the kernel's "inner", 6.2+), which would
 * hide that rule's drop. Only the attributes used here are checked and
 * read; any other expression is skipped by its length.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>

#include "counters/nftstats.h"

const char *nftstats_family_name(__u8 family)
{
	switch (family) {
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_IPV6:
		return "ip6";
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_ARP:
		return "arp";
	case NFPROTO_BRIDGE:
		return "bridge";
	case NFPROTO_NETDEV:
		return "netdev";
	}
	return NULL;
}

void nftstats_hook_name(__u8 family, __u32 hooknum, char *buf, size_t len)
{
	/* NF_INET_* (and NF_BR_*, which number the same five); inet adds ingress. */
	static const char *const inet[] = { "prerouting", "input",	 "forward",
					    "output",	  "postrouting", "ingress" };
	static const char *const arp[] = { "input", "output", "forward" }; /* NF_ARP_* */
	static const char *const netdev[] = { "ingress", "egress" };	   /* NF_NETDEV_* */
	const char *n = NULL;

	switch (family) {
	case NFPROTO_IPV4:
	case NFPROTO_IPV6:
	case NFPROTO_BRIDGE:
		if (hooknum < NF_INET_NUMHOOKS)
			n = inet[hooknum];
		break;
	case NFPROTO_INET:
		if (hooknum <= NF_INET_INGRESS)
			n = inet[hooknum];
		break;
	case NFPROTO_ARP:
		if (hooknum < sizeof(arp) / sizeof(arp[0]))
			n = arp[hooknum];
		break;
	case NFPROTO_NETDEV:
		if (hooknum < sizeof(netdev) / sizeof(netdev[0]))
			n = netdev[hooknum];
		break;
	}
	if (n)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "hook%u", hooknum);
}

#ifdef DROPSCOPE_NO_NFTSTATS

/* The static build has no libmnl (Debian ships no libmnl.a). */
int nftstats_read_info(struct mnl_socket *nl, unsigned *seq, struct nft_drop_point **out,
		       struct nftstats_info *info)
{
	(void)nl;
	(void)seq;
	*out = NULL;
	if (info)
		memset(info, 0, sizeof(*info));
	return -EOPNOTSUPP;
}

int nftstats_parse_chain(const struct nlmsghdr *nlh, struct nft_chain_msg *c)
{
	(void)nlh;
	(void)c;
	return -EOPNOTSUPP;
}

int nftstats_parse_rule(const struct nlmsghdr *nlh, struct nft_rule_msg *r)
{
	(void)nlh;
	(void)r;
	return -EOPNOTSUPP;
}

#else

#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "lib/netlink.h"

/* Jump/goto edges kept for the via_chain search; more are not followed. */
#define NFT_MAX_EDGES (1 << 18)
/* Reads of the whole ruleset before giving up on one that keeps changing. */
#define NFT_ATTEMPTS  3

/* A name that does not fit ends in "...", so it is not taken for the whole one. */
static void copy_name(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n < len) {
		memcpy(dst, src, n + 1);
		return;
	}
	memcpy(dst, src, len - 4);
	memcpy(dst + len - 4, "...", 4);
}

typedef int (*attr_fn)(const struct nlattr *a, void *data);

/*
 * Every attribute in len bytes from start. mnl_attr_parse() stops quietly
 * at one that overruns its container; here that makes the whole message
 * malformed, so a cut-off expression list is not taken for a rule without
 * a verdict. Returns 0, or -EINVAL (overrun, trailing bytes, fn failed).
 */
static int walk(const void *start, size_t len, attr_fn fn, void *data)
{
	const struct nlattr *a = start;
	long rem = (long)len;

	while (rem >= (long)sizeof(*a) && a->nla_len >= sizeof(*a) && a->nla_len <= rem) {
		if (fn(a, data))
			return -EINVAL;
		/* The last attribute's padding may be left out. */
		rem -= (long)MNL_ALIGN(a->nla_len);
		a = mnl_attr_next(a);
	}
	return rem <= 0 ? 0 : -EINVAL;
}

static int walk_nested(const struct nlattr *nest, attr_fn fn, void *data)
{
	return walk(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest), fn, data);
}

struct attrs {
	const struct nlattr **tb;
	const enum mnl_attr_data_type *policy; /* MNL_TYPE_UNSPEC: not used, not checked */
	unsigned max;
};

static int attr_cb(const struct nlattr *a, void *data)
{
	const struct attrs *p = data;
	unsigned t = mnl_attr_get_type(a);

	/* Attributes newer than our headers, or unused: skipped by their length. */
	if (t > p->max || p->policy[t] == MNL_TYPE_UNSPEC)
		return 0;
	if (mnl_attr_validate(a, p->policy[t]) < 0)
		return -EINVAL;
	p->tb[t] = a;
	return 0;
}

static int parse_nested(const struct nlattr *nest, const enum mnl_attr_data_type *policy,
			unsigned max, const struct nlattr **tb)
{
	struct attrs p = { .tb = tb, .policy = policy, .max = max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	return walk_nested(nest, attr_cb, &p);
}

/* The nfgenmsg header and the top-level attributes of a message of type msg. */
static int parse_msg(const struct nlmsghdr *nlh, unsigned msg, __u8 *family,
		     const enum mnl_attr_data_type *policy, unsigned max, const struct nlattr **tb)
{
	struct attrs p = { .tb = tb, .policy = policy, .max = max };
	const size_t hdr = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg));
	const struct nfgenmsg *nfg;

	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES ||
	    NFNL_MSG_TYPE(nlh->nlmsg_type) != msg)
		return -ENOENT;
	if (nlh->nlmsg_len < hdr)
		return -EINVAL;
	nfg = mnl_nlmsg_get_payload(nlh);
	*family = nfg->nfgen_family;
	memset(tb, 0, (max + 1) * sizeof(*tb));
	return walk((const char *)nlh + hdr, nlh->nlmsg_len - hdr, attr_cb, &p);
}

/* An anonymous counter's values (an expression's data, or a chain's counters). */
static int parse_counter(const struct nlattr *nest, __u64 *packets, __u64 *bytes, bool *have)
{
	static const enum mnl_attr_data_type pol[NFTA_COUNTER_MAX + 1] = {
		[NFTA_COUNTER_BYTES] = MNL_TYPE_U64,
		[NFTA_COUNTER_PACKETS] = MNL_TYPE_U64,
	};
	const struct nlattr *tb[NFTA_COUNTER_MAX + 1];

	if (parse_nested(nest, pol, NFTA_COUNTER_MAX, tb) || !tb[NFTA_COUNTER_PACKETS] ||
	    !tb[NFTA_COUNTER_BYTES])
		return -EINVAL;
	*packets = be64toh(mnl_attr_get_u64(tb[NFTA_COUNTER_PACKETS]));
	*bytes = be64toh(mnl_attr_get_u64(tb[NFTA_COUNTER_BYTES]));
	*have = true;
	return 0;
}

struct devname {
	char *buf;
	size_t len;
};

static int devname_cb(const struct nlattr *a, void *data)
{
	struct devname *d = data;

	if (mnl_attr_get_type(a) != NFTA_DEVICE_NAME)
		return 0;
	if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return -EINVAL;
	if (!d->buf[0])
		copy_name(d->buf, d->len, mnl_attr_get_str(a));
	return 0;
}

/* The hook's device: NFTA_HOOK_DEV, or the first NFTA_DEVICE_NAME of NFTA_HOOK_DEVS. */
static int hook_device(const struct nlattr *dev, const struct nlattr *devs, char *buf, size_t len)
{
	struct devname d = { .buf = buf, .len = len };

	buf[0] = 0;
	if (dev) {
		copy_name(buf, len, mnl_attr_get_str(dev));
		return 0;
	}
	return devs ? walk_nested(devs, devname_cb, &d) : 0;
}

static int parse_hook(const struct nlattr *nest, struct nft_chain_msg *c)
{
	static const enum mnl_attr_data_type pol[NFTA_HOOK_MAX + 1] = {
		[NFTA_HOOK_HOOKNUM] = MNL_TYPE_U32,
		[NFTA_HOOK_PRIORITY] = MNL_TYPE_U32,
		[NFTA_HOOK_DEV] = MNL_TYPE_NUL_STRING,
		[NFTA_HOOK_DEVS] = MNL_TYPE_NESTED,
	};
	const struct nlattr *tb[NFTA_HOOK_MAX + 1];

	if (parse_nested(nest, pol, NFTA_HOOK_MAX, tb) || !tb[NFTA_HOOK_HOOKNUM])
		return -EINVAL;
	c->base = true;
	c->hooknum = ntohl(mnl_attr_get_u32(tb[NFTA_HOOK_HOOKNUM]));
	if (tb[NFTA_HOOK_PRIORITY])
		c->priority = (int)ntohl(mnl_attr_get_u32(tb[NFTA_HOOK_PRIORITY]));
	return hook_device(tb[NFTA_HOOK_DEV], tb[NFTA_HOOK_DEVS], c->device, sizeof(c->device));
}

int nftstats_parse_chain(const struct nlmsghdr *nlh, struct nft_chain_msg *c)
{
	static const enum mnl_attr_data_type pol[NFTA_CHAIN_MAX + 1] = {
		[NFTA_CHAIN_TABLE] = MNL_TYPE_NUL_STRING, [NFTA_CHAIN_NAME] = MNL_TYPE_NUL_STRING,
		[NFTA_CHAIN_HOOK] = MNL_TYPE_NESTED,	  [NFTA_CHAIN_POLICY] = MNL_TYPE_U32,
		[NFTA_CHAIN_COUNTERS] = MNL_TYPE_NESTED,
	};
	const struct nlattr *tb[NFTA_CHAIN_MAX + 1];
	int rc;

	memset(c, 0, sizeof(*c));
	rc = parse_msg(nlh, NFT_MSG_NEWCHAIN, &c->family, pol, NFTA_CHAIN_MAX, tb);
	if (rc)
		return rc;
	if (!tb[NFTA_CHAIN_TABLE] || !tb[NFTA_CHAIN_NAME])
		return -EINVAL;
	copy_name(c->table, sizeof(c->table), mnl_attr_get_str(tb[NFTA_CHAIN_TABLE]));
	copy_name(c->name, sizeof(c->name), mnl_attr_get_str(tb[NFTA_CHAIN_NAME]));
	if (tb[NFTA_CHAIN_HOOK] && parse_hook(tb[NFTA_CHAIN_HOOK], c))
		return -EINVAL;
	if (tb[NFTA_CHAIN_POLICY]) {
		c->have_policy = true;
		c->policy = ntohl(mnl_attr_get_u32(tb[NFTA_CHAIN_POLICY]));
	}
	if (tb[NFTA_CHAIN_COUNTERS] &&
	    parse_counter(tb[NFTA_CHAIN_COUNTERS], &c->packets, &c->bytes, &c->have_counter))
		return -EINVAL;
	return 0;
}

/*
 * An immediate expression's verdict into *v: drop, or jump/goto with its
 * target (other verdicts, and data for other registers, are NFT_RULE_OTHER).
 */
static int parse_immediate(const struct nlattr *data, struct nft_rule_msg *r,
			   enum nft_rule_verdict *v)
{
	static const enum mnl_attr_data_type ipol[NFTA_IMMEDIATE_MAX + 1] = {
		[NFTA_IMMEDIATE_DREG] = MNL_TYPE_U32,
		[NFTA_IMMEDIATE_DATA] = MNL_TYPE_NESTED,
	};
	static const enum mnl_attr_data_type dpol[NFTA_DATA_MAX + 1] = {
		[NFTA_DATA_VERDICT] = MNL_TYPE_NESTED,
	};
	static const enum mnl_attr_data_type vpol[NFTA_VERDICT_MAX + 1] = {
		[NFTA_VERDICT_CODE] = MNL_TYPE_U32,
		[NFTA_VERDICT_CHAIN] = MNL_TYPE_NUL_STRING,
	};
	const struct nlattr *it[NFTA_IMMEDIATE_MAX + 1], *dt[NFTA_DATA_MAX + 1];
	const struct nlattr *vt[NFTA_VERDICT_MAX + 1];
	int code;

	if (parse_nested(data, ipol, NFTA_IMMEDIATE_MAX, it) || !it[NFTA_IMMEDIATE_DREG] ||
	    !it[NFTA_IMMEDIATE_DATA])
		return -EINVAL;
	if (ntohl(mnl_attr_get_u32(it[NFTA_IMMEDIATE_DREG])) != NFT_REG_VERDICT)
		return 0;
	if (parse_nested(it[NFTA_IMMEDIATE_DATA], dpol, NFTA_DATA_MAX, dt) ||
	    !dt[NFTA_DATA_VERDICT] ||
	    parse_nested(dt[NFTA_DATA_VERDICT], vpol, NFTA_VERDICT_MAX, vt) ||
	    !vt[NFTA_VERDICT_CODE])
		return -EINVAL;
	code = (int)ntohl(mnl_attr_get_u32(vt[NFTA_VERDICT_CODE]));
	if (code == NF_DROP) {
		*v = NFT_RULE_DROP;
	} else if (code == NFT_JUMP || code == NFT_GOTO) {
		if (!vt[NFTA_VERDICT_CHAIN])
			return -EINVAL;
		copy_name(r->target, sizeof(r->target), mnl_attr_get_str(vt[NFTA_VERDICT_CHAIN]));
		*v = NFT_RULE_JUMP;
	}
	return 0;
}

static int lookup_is_vmap(const struct nlattr *data, bool *vmap)
{
	static const enum mnl_attr_data_type pol[NFTA_LOOKUP_MAX + 1] = {
		[NFTA_LOOKUP_DREG] = MNL_TYPE_U32,
	};
	const struct nlattr *tb[NFTA_LOOKUP_MAX + 1];

	if (parse_nested(data, pol, NFTA_LOOKUP_MAX, tb))
		return -EINVAL;
	if (tb[NFTA_LOOKUP_DREG] &&
	    ntohl(mnl_attr_get_u32(tb[NFTA_LOOKUP_DREG])) == NFT_REG_VERDICT)
		*vmap = true;
	return 0;
}

/* A counter object by name, or a map of them (`counter name tcp dport map {...}`). */
static int objref_is_counter(const struct nlattr *data, bool *named)
{
	static const enum mnl_attr_data_type pol[NFTA_OBJREF_MAX + 1] = {
		[NFTA_OBJREF_IMM_TYPE] = MNL_TYPE_U32,
		[NFTA_OBJREF_SET_NAME] = MNL_TYPE_NUL_STRING,
	};
	const struct nlattr *tb[NFTA_OBJREF_MAX + 1];

	if (parse_nested(data, pol, NFTA_OBJREF_MAX, tb))
		return -EINVAL;
	if (tb[NFTA_OBJREF_IMM_TYPE]
		    ? ntohl(mnl_attr_get_u32(tb[NFTA_OBJREF_IMM_TYPE])) == NFT_OBJECT_COUNTER
		    : tb[NFTA_OBJREF_SET_NAME] != NULL)
		*named = true;
	return 0;
}

/* One expression; r->verdict is the one it would end the rule with, if it is the last. */
static int parse_expr(const struct nlattr *elem, void *data)
{
	struct nft_rule_msg *r = data;
	enum nft_rule_verdict *v = &r->verdict;
	static const enum mnl_attr_data_type pol[NFTA_EXPR_MAX + 1] = {
		[NFTA_EXPR_NAME] = MNL_TYPE_NUL_STRING,
		[NFTA_EXPR_DATA] = MNL_TYPE_NESTED,
	};
	const struct nlattr *tb[NFTA_EXPR_MAX + 1];
	const char *name;

	*v = NFT_RULE_OTHER;
	if (mnl_attr_get_type(elem) != NFTA_LIST_ELEM ||
	    mnl_attr_validate(elem, MNL_TYPE_NESTED) < 0 ||
	    parse_nested(elem, pol, NFTA_EXPR_MAX, tb) || !tb[NFTA_EXPR_NAME])
		return -EINVAL;
	name = mnl_attr_get_str(tb[NFTA_EXPR_NAME]);
	nft_text_expr(&r->text, name, tb[NFTA_EXPR_DATA]);
	if (!tb[NFTA_EXPR_DATA])
		return 0;
	if (!strcmp(name, "immediate"))
		return parse_immediate(tb[NFTA_EXPR_DATA], r, v);
	/*
	 * reject answers (ICMP, TCP reset) and ends the rule with NF_DROP: the
	 * kernel (6.18) frees the packet as NETFILTER_DROP at the same place a
	 * drop verdict does, so its rule is a drop point like a drop rule.
	 */
	if (!strcmp(name, "reject")) {
		*v = NFT_RULE_DROP;
		return 0;
	}
	/* Two counters in one rule count the same packets: the first is taken. */
	if (!strcmp(name, "counter") && !r->have_counter)
		return parse_counter(tb[NFTA_EXPR_DATA], &r->packets, &r->bytes, &r->have_counter);
	if (!strcmp(name, "lookup"))
		return lookup_is_vmap(tb[NFTA_EXPR_DATA], &r->vmap);
	if (!strcmp(name, "objref"))
		return objref_is_counter(tb[NFTA_EXPR_DATA], &r->named_counter);
	return 0;
}

int nftstats_parse_rule(const struct nlmsghdr *nlh, struct nft_rule_msg *r)
{
	static const enum mnl_attr_data_type pol[NFTA_RULE_MAX + 1] = {
		[NFTA_RULE_TABLE] = MNL_TYPE_NUL_STRING, [NFTA_RULE_CHAIN] = MNL_TYPE_NUL_STRING,
		[NFTA_RULE_HANDLE] = MNL_TYPE_U64,	 [NFTA_RULE_EXPRESSIONS] = MNL_TYPE_NESTED,
		[NFTA_RULE_USERDATA] = MNL_TYPE_BINARY,
	};
	const struct nlattr *tb[NFTA_RULE_MAX + 1];
	int rc;

	memset(r, 0, sizeof(*r));
	rc = parse_msg(nlh, NFT_MSG_NEWRULE, &r->family, pol, NFTA_RULE_MAX, tb);
	if (rc)
		return rc;
	nft_text_init(&r->text, r->family);
	if (tb[NFTA_RULE_USERDATA])
		nft_rule_comment(mnl_attr_get_payload(tb[NFTA_RULE_USERDATA]),
				 mnl_attr_get_payload_len(tb[NFTA_RULE_USERDATA]), r->comment,
				 sizeof(r->comment));
	if (!tb[NFTA_RULE_TABLE] || !tb[NFTA_RULE_CHAIN])
		return -EINVAL;
	copy_name(r->table, sizeof(r->table), mnl_attr_get_str(tb[NFTA_RULE_TABLE]));
	copy_name(r->chain, sizeof(r->chain), mnl_attr_get_str(tb[NFTA_RULE_CHAIN]));
	if (tb[NFTA_RULE_HANDLE])
		r->handle = be64toh(mnl_attr_get_u64(tb[NFTA_RULE_HANDLE]));
	if (!tb[NFTA_RULE_EXPRESSIONS])
		return 0;
	/* The verdict that counts is the one of the last expression. */
	if (walk_nested(tb[NFTA_RULE_EXPRESSIONS], parse_expr, r))
		return -EINVAL;
	nft_text_end(&r->text);
	if (r->verdict != NFT_RULE_JUMP)
		r->target[0] = 0;
	return 0;
}

struct edge {
	unsigned from, to; /* chain indexes */
};

struct reader {
	struct nft_chain_msg *chains; /* sorted by family, table, name once dumped */
	size_t nchains, cap_chains;
	struct edge *edges;
	size_t nedges, cap_edges;
	struct nft_drop_point *pts;
	unsigned *pt_chain; /* the chain index of each point, or -1u */
	size_t npts, cap_pts;
	struct nftstats_info *info;
	struct nft_rule_msg rule;
	bool have_gen, changed;
	__u16 gen; /* the ruleset generation the first message carried */
};

/*
 * Every nf_tables dump message carries the ruleset's generation (low 16
 * bits) in res_id: a message of another one means the ruleset changed
 * between (or during) the dumps.
 */
static void check_gen(struct reader *rd, const struct nlmsghdr *nlh)
{
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*nfg)))
		return;
	if (!rd->have_gen) {
		rd->have_gen = true;
		rd->gen = ntohs(nfg->res_id);
	} else if (rd->gen != ntohs(nfg->res_id)) {
		rd->changed = true;
	}
}

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct reader *rd = data;
	struct nft_chain_msg *c;
	int rc;

	if (rd->nchains >= NFT_MAX_CHAINS) {
		rd->info->truncated = true;
		return MNL_CB_OK;
	}
	c = nl_grow(rd->chains, &rd->cap_chains, rd->nchains, sizeof(*c));
	if (!c) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	rd->chains = c;
	c += rd->nchains;
	rc = nftstats_parse_chain(nlh, c);
	if (rc == -ENOENT)
		return MNL_CB_OK;
	check_gen(rd, nlh);
	if (rc) {
		rd->info->unparsed++;
		return MNL_CB_OK;
	}
	rd->nchains++;
	return MNL_CB_OK;
}

static int chain_cmp3(__u8 fa, const char *ta, const char *na, const struct nft_chain_msg *b)
{
	int d = (int)fa - (int)b->family;

	if (d)
		return d;
	d = strcmp(ta, b->table);
	return d ? d : strcmp(na, b->name);
}

static int chain_cmp(const void *a, const void *b)
{
	const struct nft_chain_msg *ca = a;

	return chain_cmp3(ca->family, ca->table, ca->name, b);
}

/* The index of chain name in family's table, or -1u. */
static unsigned find_chain(const struct reader *rd, __u8 family, const char *table,
			   const char *name)
{
	size_t lo = 0, hi = rd->nchains;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = chain_cmp3(family, table, name, &rd->chains[mid]);

		if (!d)
			return (unsigned)mid;
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1u;
}

/* A new drop point in chain ci (-1u: a chain the dump did not show). */
static struct nft_drop_point *add_point(struct reader *rd, __u8 family, const char *table,
					const char *chain, unsigned ci)
{
	struct nft_drop_point *p;
	const char *fam = nftstats_family_name(family);

	if (rd->npts >= NFT_MAX_DROP_POINTS) {
		rd->info->truncated = true;
		return NULL;
	}
	if (rd->npts >= rd->cap_pts) {
		size_t want = rd->cap_pts ? rd->cap_pts * 2 : 16;
		struct nft_drop_point *np = realloc(rd->pts, want * sizeof(*np));
		unsigned *nc;

		if (!np)
			return NULL;
		rd->pts = np;
		nc = realloc(rd->pt_chain, want * sizeof(*nc));
		if (!nc)
			return NULL;
		rd->pt_chain = nc;
		rd->cap_pts = want;
	}
	p = &rd->pts[rd->npts];
	memset(p, 0, sizeof(*p));
	p->match_dport = -1;
	if (fam)
		snprintf(p->family, sizeof(p->family), "%s", fam);
	else
		snprintf(p->family, sizeof(p->family), "%u", family);
	copy_name(p->table, sizeof(p->table), table);
	copy_name(p->chain, sizeof(p->chain), chain);
	if (ci != -1u) {
		const struct nft_chain_msg *c = &rd->chains[ci];

		if (c->base) {
			nftstats_hook_name(family, c->hooknum, p->hook, sizeof(p->hook));
			p->priority = c->priority;
			snprintf(p->device, sizeof(p->device), "%s", c->device);
		}
	}
	rd->pt_chain[rd->npts++] = ci;
	return p;
}

static int add_edge(struct reader *rd, unsigned from, unsigned to)
{
	struct edge *e;

	if (rd->nedges >= NFT_MAX_EDGES) {
		rd->info->truncated = true;
		return 0;
	}
	e = nl_grow(rd->edges, &rd->cap_edges, rd->nedges, sizeof(*e));
	if (!e)
		return -ENOMEM;
	rd->edges = e;
	e[rd->nedges++] = (struct edge){ .from = from, .to = to };
	return 0;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct reader *rd = data;
	struct nft_rule_msg *r = &rd->rule;
	struct nft_drop_point *p;
	bool complete;
	unsigned ci;
	int rc = nftstats_parse_rule(nlh, r);

	if (rc == -ENOENT)
		return MNL_CB_OK;
	check_gen(rd, nlh);
	if (rc) {
		rd->info->unparsed++;
		return MNL_CB_OK;
	}
	rd->info->rules++;
	rd->info->vmap_rules += r->vmap;
	/* A chain not in the chain dump, none skipped: the ruleset changed meanwhile. */
	complete = !rd->info->truncated && !rd->info->unparsed;
	ci = find_chain(rd, r->family, r->table, r->chain);
	if (ci == -1u && complete)
		rd->changed = true;
	if (r->verdict == NFT_RULE_JUMP && ci != -1u) {
		unsigned to = find_chain(rd, r->family, r->table, r->target);

		if (to == -1u)
			rd->changed |= complete;
		else if (add_edge(rd, ci, to))
			goto nomem;
	}
	if (r->verdict != NFT_RULE_DROP)
		return MNL_CB_OK;
	rd->info->named_counters += r->named_counter;
	p = add_point(rd, r->family, r->table, r->chain, ci);
	if (!p) {
		if (rd->info->truncated)
			return MNL_CB_OK;
		goto nomem;
	}
	p->kind = NFT_DROP_RULE;
	p->handle = r->handle;
	p->have_counter = r->have_counter;
	p->packets = r->packets;
	p->bytes = r->bytes;
	memcpy(p->rule, r->text.text, sizeof(p->rule));
	memcpy(p->comment, r->comment, sizeof(p->comment));
	p->match_dport = r->text.dport >= 0 ? r->text.dport : -1;
	p->match_proto = r->text.dport_proto;
	return MNL_CB_OK;
nomem:
	errno = ENOMEM;
	return MNL_CB_ERROR;
}

static int edge_cmp(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;

	return x->from < y->from ? -1 : x->from > y->from;
}

/*
 * For each regular chain, a base chain it is reached from: one breadth
 * first walk along jump/goto edges, started from every base chain at once,
 * so each chain and edge is looked at once however large the ruleset.
 */
static int resolve_via(struct reader *rd)
{
	size_t n = rd->nchains, head = 0, tail = 0;
	unsigned *via, *queue, *first;

	if (!rd->nedges)
		return 0;
	via = malloc(n * sizeof(*via));
	queue = malloc(n * sizeof(*queue));
	first = calloc(n + 1, sizeof(*first));
	if (!via || !queue || !first) {
		free(via);
		free(queue);
		free(first);
		return -ENOMEM;
	}
	qsort(rd->edges, rd->nedges, sizeof(*rd->edges), edge_cmp);
	for (size_t i = 0; i < rd->nedges; i++)
		first[rd->edges[i].from + 1]++;
	for (size_t i = 0; i < n; i++)
		first[i + 1] += first[i];
	for (size_t i = 0; i < n; i++) {
		via[i] = rd->chains[i].base ? (unsigned)i : -1u;
		if (rd->chains[i].base)
			queue[tail++] = (unsigned)i;
	}
	while (head < tail) {
		unsigned u = queue[head++];

		for (unsigned e = first[u]; e < first[u + 1]; e++) {
			unsigned v = rd->edges[e].to;

			if (via[v] == -1u) {
				via[v] = via[u];
				queue[tail++] = v;
			}
		}
	}
	for (size_t i = 0; i < rd->npts; i++) {
		unsigned ci = rd->pt_chain[i], b;
		struct nft_drop_point *p = &rd->pts[i];

		if (ci == -1u || rd->chains[ci].base || via[ci] == -1u)
			continue;
		b = via[ci];
		copy_name(p->via_chain, sizeof(p->via_chain), rd->chains[b].name);
		nftstats_hook_name(rd->chains[b].family, rd->chains[b].hooknum, p->via_hook,
				   sizeof(p->via_hook));
	}
	free(via);
	free(queue);
	free(first);
	return 0;
}

static int add_policies(struct reader *rd)
{
	for (size_t i = 0; i < rd->nchains; i++) {
		const struct nft_chain_msg *c = &rd->chains[i];
		struct nft_drop_point *p;

		if (!c->base || !c->have_policy || c->policy != NF_DROP)
			continue;
		p = add_point(rd, c->family, c->table, c->name, (unsigned)i);
		if (!p)
			return rd->info->truncated ? 0 : -ENOMEM;
		p->kind = NFT_DROP_POLICY;
		p->have_counter = c->have_counter;
		p->packets = c->packets;
		p->bytes = c->bytes;
	}
	return 0;
}

static void reader_reset(struct reader *rd, struct nftstats_info *info)
{
	free(rd->chains);
	free(rd->edges);
	free(rd->pts);
	free(rd->pt_chain);
	memset(rd, 0, sizeof(*rd));
	memset(info, 0, sizeof(*info));
	rd->info = info;
}

static int dump(struct mnl_socket *nl, unsigned *seq, unsigned msg, mnl_cb_t cb, struct reader *rd)
{
	char buf[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg))];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | msg;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = NFPROTO_UNSPEC; /* all families */
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nl_dump(nl, seq, nlh, cb, rd);
}

/* One read of the ruleset: chains first, so that each rule finds its chain's hook. */
static int read_once(struct mnl_socket *nl, unsigned *seq, struct reader *rd)
{
	int rc = dump(nl, seq, NFT_MSG_GETCHAIN, chain_cb, rd);

	if (rc)
		return rc;
	rd->info->chains = (unsigned)rd->nchains;
	if (rd->nchains)
		qsort(rd->chains, rd->nchains, sizeof(*rd->chains), chain_cmp);
	rc = dump(nl, seq, NFT_MSG_GETRULE, rule_cb, rd);
	if (rc)
		return rc;
	rc = add_policies(rd);
	return rc ? rc : resolve_via(rd);
}

int nftstats_read_info(struct mnl_socket *nl, unsigned *seq, struct nft_drop_point **out,
		       struct nftstats_info *info)
{
	struct nftstats_info scratch;
	struct reader rd = { 0 };
	int rc = 0;

	*out = NULL;
	if (!info)
		info = &scratch;
	if (!nl) {
		memset(info, 0, sizeof(*info));
		return -ENOTCONN;
	}
	for (int attempt = 0; attempt < NFT_ATTEMPTS; attempt++) {
		reader_reset(&rd, info);
		info->retries = (unsigned)attempt;
		rc = read_once(nl, seq, &rd);
		/* EINTR: the kernel marked a dump interrupted by a ruleset change. */
		if (rc != -EINTR && (rc || !rd.changed))
			break;
	}
	if (rc == -EINTR)
		rc = -EAGAIN;
	if (rc) {
		reader_reset(&rd, info);
		return rc;
	}
	info->changed = rd.changed;
	*out = rd.pts;
	rd.pts = NULL;
	rc = (int)rd.npts;
	free(rd.chains);
	free(rd.edges);
	free(rd.pt_chain);
	return rc;
}

#endif /* DROPSCOPE_NO_NFTSTATS */

int nftstats_read(struct mnl_socket *nl, unsigned *seq, struct nft_drop_point **out)
{
	return nftstats_read_info(nl, seq, out, NULL);
}
