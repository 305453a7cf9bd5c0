// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the nftables drop-point reader (nftstats.c).
 *  - The message parsers on messages built here: an expression the parser
 *    does not know, wrong attribute lengths, unterminated names, long names.
 *  - As root with nft(8): rulesets loaded with `nft -f` into a network
 *    namespace a forked child makes (the test's own namespace is never
 *    touched), UDP datagrams sent there to 127.0.0.1, and the drop points
 *    read through counter_src_open(--netns /proc/PID/ns/net) compared with
 *    what the test loaded and sent and with `nft -j -a list ruleset`.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/netfilter.h>

#include "counters/nftstats.h"

#ifndef DROPSCOPE_NO_NFTSTATS
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "counters/counters.h"

/* ------------------------------------------------------------ messages */

static struct nlmsghdr *msg_start(char *buf, unsigned type, __u8 family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | type;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	return nlh;
}

static void put_counter_expr(struct nlmsghdr *nlh, __u64 packets, __u64 bytes)
{
	struct nlattr *e = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM), *d;

	mnl_attr_put_strz(nlh, NFTA_EXPR_NAME, "counter");
	d = mnl_attr_nest_start(nlh, NFTA_EXPR_DATA);
	mnl_attr_put_u64(nlh, NFTA_COUNTER_BYTES, htobe64(bytes));
	mnl_attr_put_u64(nlh, NFTA_COUNTER_PACKETS, htobe64(packets));
	mnl_attr_nest_end(nlh, d);
	mnl_attr_nest_end(nlh, e);
}

/* An immediate verdict expression: code, and a chain for jump/goto. */
static void put_verdict_expr(struct nlmsghdr *nlh, int code, const char *chain)
{
	struct nlattr *e = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM), *d, *dd, *v;

	mnl_attr_put_strz(nlh, NFTA_EXPR_NAME, "immediate");
	d = mnl_attr_nest_start(nlh, NFTA_EXPR_DATA);
	mnl_attr_put_u32(nlh, NFTA_IMMEDIATE_DREG, htonl(NFT_REG_VERDICT));
	dd = mnl_attr_nest_start(nlh, NFTA_IMMEDIATE_DATA);
	v = mnl_attr_nest_start(nlh, NFTA_DATA_VERDICT);
	mnl_attr_put_u32(nlh, NFTA_VERDICT_CODE, htonl((__u32)code));
	if (chain)
		mnl_attr_put_strz(nlh, NFTA_VERDICT_CHAIN, chain);
	mnl_attr_nest_end(nlh, v);
	mnl_attr_nest_end(nlh, dd);
	mnl_attr_nest_end(nlh, d);
	mnl_attr_nest_end(nlh, e);
}

/* An expression this parser (and libnftnl 1.2.4) has never heard of. */
static void put_unknown_expr(struct nlmsghdr *nlh)
{
	struct nlattr *e = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM), *d;

	mnl_attr_put_strz(nlh, NFTA_EXPR_NAME, "inner");
	d = mnl_attr_nest_start(nlh, NFTA_EXPR_DATA);
	mnl_attr_put_u32(nlh, 1, htonl(1));
	mnl_attr_put_u16(nlh, 2, 7); /* lengths it would not accept for a u32 */
	mnl_attr_nest_end(nlh, d);
	mnl_attr_nest_end(nlh, e);
}

static void rule_head(struct nlmsghdr *nlh, const char *table, const char *chain, __u64 handle)
{
	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, table);
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, chain);
	mnl_attr_put_u64(nlh, NFTA_RULE_HANDLE, htobe64(handle));
}

static void test_parse_rule_drop(void **state)
{
	char buf[4096];
	struct nlmsghdr *nlh = msg_start(buf, NFT_MSG_NEWRULE, NFPROTO_INET);
	struct nlattr *ex;
	struct nft_rule_msg r;
	(void)state;

	rule_head(nlh, "filter", "input", 42);
	ex = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);
	put_unknown_expr(nlh);
	put_counter_expr(nlh, 7, 224);
	put_counter_expr(nlh, 99, 999); /* a second counter: the first is the one */
	put_verdict_expr(nlh, NF_DROP, NULL);
	mnl_attr_nest_end(nlh, ex);

	assert_int_equal(nftstats_parse_rule(nlh, &r), 0);
	assert_int_equal(r.family, NFPROTO_INET);
	assert_string_equal(r.table, "filter");
	assert_string_equal(r.chain, "input");
	assert_true(r.handle == 42);
	assert_int_equal(r.verdict, NFT_RULE_DROP);
	assert_true(r.have_counter);
	assert_true(r.packets == 7);
	assert_true(r.bytes == 224);
	assert_false(r.vmap);
	/* A chain message is not a rule. */
	assert_int_equal(nftstats_parse_chain(nlh, &(struct nft_chain_msg){ 0 }), -ENOENT);
}

static void test_parse_rule_verdicts(void **state)
{
	char buf[4096];
	struct nlmsghdr *nlh;
	struct nlattr *ex;
	struct nft_rule_msg r;
	(void)state;

	/* drop, then a jump: the rule ends with the jump. */
	nlh = msg_start(buf, NFT_MSG_NEWRULE, NFPROTO_IPV4);
	rule_head(nlh, "t", "c", 1);
	ex = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);
	put_verdict_expr(nlh, NF_DROP, NULL);
	put_verdict_expr(nlh, NFT_JUMP, "sub");
	mnl_attr_nest_end(nlh, ex);
	assert_int_equal(nftstats_parse_rule(nlh, &r), 0);
	assert_int_equal(r.verdict, NFT_RULE_JUMP);
	assert_string_equal(r.target, "sub");
	assert_false(r.have_counter);

	/* accept is not a drop; a rule without expressions is nothing. */
	nlh = msg_start(buf, NFT_MSG_NEWRULE, NFPROTO_IPV4);
	rule_head(nlh, "t", "c", 2);
	ex = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);
	put_verdict_expr(nlh, NF_ACCEPT, NULL);
	mnl_attr_nest_end(nlh, ex);
	assert_int_equal(nftstats_parse_rule(nlh, &r), 0);
	assert_int_equal(r.verdict, NFT_RULE_OTHER);

	nlh = msg_start(buf, NFT_MSG_NEWRULE, NFPROTO_IPV4);
	rule_head(nlh, "t", "c", 3);
	assert_int_equal(nftstats_parse_rule(nlh, &r), 0);
	assert_int_equal(r.verdict, NFT_RULE_OTHER);

	/* `counter reject`: the kernel drops the packet after answering (NETFILTER_DROP). */
	nlh = msg_start(buf, NFT_MSG_NEWRULE, NFPROTO_IPV4);
	rule_head(nlh, "t", "c", 4);
	ex = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);
	put_counter_expr(nlh, 3, 90);
	{
		struct nlattr *e = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM), *d;

		mnl_attr_put_strz(nlh, NFTA_EXPR_NAME, "reject");
		d = mnl_attr_nest_start(nlh, NFTA_EXPR_DATA);
		mnl_attr_put_u32(nlh, NFTA_REJECT_TYPE, htonl(NFT_REJECT_ICMP_UNREACH));
		mnl_attr_put_u8(nlh, NFTA_REJECT_ICMP_CODE, 3);
		mnl_attr_nest_end(nlh, d);
		mnl_attr_nest_end(nlh, e);
	}
	mnl_attr_nest_end(nlh, ex);
	assert_int_equal(nftstats_parse_rule(nlh, &r), 0);
	assert_int_equal(r.verdict, NFT_RULE_DROP);
	assert_true(r.have_counter && r.packets == 3);
	assert_string_equal(r.text.text, "counter reject");
}

static void test_parse_malformed(void **state)
{
	char buf[4096];
	struct nlmsghdr *nlh;
	struct nlattr *ex;
	struct nft_rule_msg r;
	struct nft_chain_msg c;
	(void)state;

	/* A handle of 4 bytes instead of 8. */
	nlh = msg_start(buf, NFT_MSG_NEWRULE, NFPROTO_IPV4);
	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, "t");
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, "c");
	mnl_attr_put_u32(nlh, NFTA_RULE_HANDLE, 1);
	assert_int_equal(nftstats_parse_rule(nlh, &r), -EINVAL);

	/* A table name without its NUL. */
	nlh = msg_start(buf, NFT_MSG_NEWRULE, NFPROTO_IPV4);
	mnl_attr_put(nlh, NFTA_RULE_TABLE, 4, "tabl");
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, "c");
	assert_int_equal(nftstats_parse_rule(nlh, &r), -EINVAL);

	/* No chain name. */
	nlh = msg_start(buf, NFT_MSG_NEWRULE, NFPROTO_IPV4);
	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, "t");
	assert_int_equal(nftstats_parse_rule(nlh, &r), -EINVAL);

	/* An expression list element that is not one. */
	nlh = msg_start(buf, NFT_MSG_NEWRULE, NFPROTO_IPV4);
	rule_head(nlh, "t", "c", 1);
	ex = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);
	mnl_attr_put_u32(nlh, NFTA_LIST_ELEM, 5);
	mnl_attr_nest_end(nlh, ex);
	assert_int_equal(nftstats_parse_rule(nlh, &r), -EINVAL);

	/* A nested attribute whose length runs past the message's end. */
	nlh = msg_start(buf, NFT_MSG_NEWRULE, NFPROTO_IPV4);
	rule_head(nlh, "t", "c", 1);
	ex = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);
	put_verdict_expr(nlh, NF_DROP, NULL);
	mnl_attr_nest_end(nlh, ex);
	ex->nla_len += 64;
	assert_int_equal(nftstats_parse_rule(nlh, &r), -EINVAL);

	/* Shorter than its nfgenmsg. */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWCHAIN;
	assert_int_equal(nftstats_parse_chain(nlh, &c), -EINVAL);

	/* A hook without its number; a policy of 2 bytes. */
	nlh = msg_start(buf, NFT_MSG_NEWCHAIN, NFPROTO_IPV4);
	mnl_attr_put_strz(nlh, NFTA_CHAIN_TABLE, "t");
	mnl_attr_put_strz(nlh, NFTA_CHAIN_NAME, "c");
	ex = mnl_attr_nest_start(nlh, NFTA_CHAIN_HOOK);
	mnl_attr_put_u32(nlh, NFTA_HOOK_PRIORITY, 0);
	mnl_attr_nest_end(nlh, ex);
	assert_int_equal(nftstats_parse_chain(nlh, &c), -EINVAL);
	nlh = msg_start(buf, NFT_MSG_NEWCHAIN, NFPROTO_IPV4);
	mnl_attr_put_strz(nlh, NFTA_CHAIN_TABLE, "t");
	mnl_attr_put_strz(nlh, NFTA_CHAIN_NAME, "c");
	mnl_attr_put_u16(nlh, NFTA_CHAIN_POLICY, 0);
	assert_int_equal(nftstats_parse_chain(nlh, &c), -EINVAL);
}

static void test_parse_chain(void **state)
{
	char buf[4096], name[300];
	struct nlmsghdr *nlh = msg_start(buf, NFT_MSG_NEWCHAIN, NFPROTO_NETDEV);
	struct nlattr *h, *devs, *cnt;
	struct nft_chain_msg c;
	(void)state;

	/* Longer than the kernel allows, so longer than the field. */
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	mnl_attr_put_strz(nlh, NFTA_CHAIN_TABLE, name);
	mnl_attr_put_strz(nlh, NFTA_CHAIN_NAME, "ing");
	h = mnl_attr_nest_start(nlh, NFTA_CHAIN_HOOK);
	mnl_attr_put_u32(nlh, NFTA_HOOK_HOOKNUM, htonl(NF_NETDEV_INGRESS));
	mnl_attr_put_u32(nlh, NFTA_HOOK_PRIORITY, htonl((__u32)-5));
	devs = mnl_attr_nest_start(nlh, NFTA_HOOK_DEVS);
	mnl_attr_put_strz(nlh, NFTA_DEVICE_NAME, "veth0");
	mnl_attr_put_strz(nlh, NFTA_DEVICE_NAME, "veth1");
	mnl_attr_nest_end(nlh, devs);
	mnl_attr_nest_end(nlh, h);
	mnl_attr_put_u32(nlh, NFTA_CHAIN_POLICY, htonl(NF_DROP));
	cnt = mnl_attr_nest_start(nlh, NFTA_CHAIN_COUNTERS);
	mnl_attr_put_u64(nlh, NFTA_COUNTER_BYTES, htobe64(1000));
	mnl_attr_put_u64(nlh, NFTA_COUNTER_PACKETS, htobe64(10));
	mnl_attr_nest_end(nlh, cnt);

	assert_int_equal(nftstats_parse_chain(nlh, &c), 0);
	assert_int_equal(c.family, NFPROTO_NETDEV);
	assert_int_equal(strlen(c.table), sizeof(c.table) - 1);
	assert_string_equal(c.table + sizeof(c.table) - 4, "...");
	assert_string_equal(c.name, "ing");
	assert_true(c.base);
	assert_int_equal(c.hooknum, NF_NETDEV_INGRESS);
	assert_int_equal(c.priority, -5);
	assert_string_equal(c.device, "veth0");
	assert_true(c.have_policy);
	assert_int_equal(c.policy, NF_DROP);
	assert_true(c.have_counter);
	assert_true(c.packets == 10 && c.bytes == 1000);
}

static void test_hook_names(void **state)
{
	char b[16];
	(void)state;

	nftstats_hook_name(NFPROTO_INET, NF_INET_LOCAL_IN, b, sizeof(b));
	assert_string_equal(b, "input");
	nftstats_hook_name(NFPROTO_INET, NF_INET_INGRESS, b, sizeof(b));
	assert_string_equal(b, "ingress");
	nftstats_hook_name(NFPROTO_IPV4, NF_INET_INGRESS, b, sizeof(b));
	assert_string_equal(b, "hook5");
	nftstats_hook_name(NFPROTO_IPV6, NF_INET_POST_ROUTING, b, sizeof(b));
	assert_string_equal(b, "postrouting");
	nftstats_hook_name(NFPROTO_ARP, 2, b, sizeof(b));
	assert_string_equal(b, "forward");
	nftstats_hook_name(NFPROTO_NETDEV, NF_NETDEV_EGRESS, b, sizeof(b));
	assert_string_equal(b, "egress");
	nftstats_hook_name(NFPROTO_NETDEV, 4000000000u, b, sizeof(b));
	assert_string_equal(b, "hook4000000000");
	assert_string_equal(nftstats_family_name(NFPROTO_BRIDGE), "bridge");
	assert_null(nftstats_family_name(4));
}

/* ------------------------------------------------- against the kernel */

struct ns {
	pid_t pid;
	int ctl; /* closing it lets the child exit */
	char path[64];
	char json[64]; /* `nft -j -a list ruleset` after the datagrams */
};

static void child_fail(int wfd, char code)
{
	if (write(wfd, &code, 1) != 1)
		_exit(3);
	_exit(2);
}

static int send_udp(int port, int count)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((__u16)port) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int i = 0; i < count; i++)
		if (sendto(fd, "drop", 4, 0, (struct sockaddr *)&to, sizeof(to)) != 4) {
			close(fd);
			return -1;
		}
	close(fd);
	return 0;
}

/*
 * A child in a new network namespace with lo up, ruleset loaded and
 * count datagrams sent to 127.0.0.1:port. Returns 0, or 1 to skip (no
 * namespace could be made: printed).
 */
static int ns_start2(struct ns *ns, const char *ruleset, int port, int count, const char *churn)
{
	pid_t churner = -1;
	int ready[2], ctl[2];
	char code = 0;
	pid_t pid;

	snprintf(ns->json, sizeof(ns->json), "/tmp/dstest-nft.%d.json", (int)getpid());
	if (pipe2(ready, O_CLOEXEC) || pipe2(ctl, O_CLOEXEC))
		fail_msg("pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		fail_msg("fork: %s", strerror(errno));
	if (!pid) {
		char cmd[256];
		FILE *p;

		close(ready[0]);
		close(ctl[1]);
		if (unshare(CLONE_NEWNET))
			child_fail(ready[1], 'n');
		if (system("ip link set lo up"))
			child_fail(ready[1], 'l');
		p = popen("nft -f -", "w");
		if (!p || fputs(ruleset, p) < 0 || pclose(p))
			child_fail(ready[1], 'f');
		if (count && send_udp(port, count))
			child_fail(ready[1], 's');
		snprintf(cmd, sizeof(cmd), "nft -j -a list ruleset > %s", ns->json);
		if (system(cmd))
			child_fail(ready[1], 'j');
		if (churn) {
			churner = fork();
			if (!churner) {
				setpgid(0, 0);
				execl("/bin/sh", "sh", "-c", churn, (char *)NULL);
				_exit(127);
			}
		}
		if (write(ready[1], "y", 1) != 1)
			_exit(3);
		/* Stay, so the namespace does, until the parent closes ctl. */
		while (read(ctl[0], &code, 1) > 0)
			;
		if (churner > 0) {
			kill(-churner, SIGTERM);
			kill(churner, SIGTERM);
			waitpid(churner, NULL, 0);
		}
		_exit(0);
	}
	close(ready[1]);
	close(ctl[0]);
	ns->pid = pid;
	ns->ctl = ctl[1];
	snprintf(ns->path, sizeof(ns->path), "/proc/%d/ns/net", (int)pid);
	if (read(ready[0], &code, 1) != 1)
		code = '?';
	close(ready[0]);
	if (code == 'y')
		return 0;
	close(ns->ctl);
	waitpid(pid, NULL, 0);
	unlink(ns->json);
	if (code == 'n') {
		print_message("skipped: unshare(CLONE_NEWNET) refused\n");
		return 1;
	}
	fail_msg("namespace setup failed at step '%c'", code);
	return -1;
}

static int ns_start(struct ns *ns, const char *ruleset, int port, int count)
{
	return ns_start2(ns, ruleset, port, count, NULL);
}

static void ns_stop(struct ns *ns)
{
	int status;

	close(ns->ctl);
	assert_int_equal(waitpid(ns->pid, &status, 0), ns->pid);
	unlink(ns->json);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void need_root_and_nft(void)
{
	if (geteuid() != 0) {
		print_message("skipped: needs root (a network namespace and nft)\n");
		skip();
	}
	if (system("command -v nft >/dev/null 2>&1 && command -v jq >/dev/null 2>&1 && "
		   "command -v ip >/dev/null 2>&1")) {
		print_message("skipped: nft, jq or ip is not installed\n");
		skip();
	}
}

/* Read the namespace's drop points through counter_src, as the tool does. */
static int read_points(const struct ns *ns, struct nft_drop_point **pts, struct nftstats_info *info)
{
	struct counter_src s;
	char err[256];
	int n;

	if (counter_src_open_extra(&s, ns->path, COUNTER_SRC_NFT, err, sizeof(err)))
		fail_msg("counter_src_open: %s", err);
	assert_non_null(s.nft);
	n = nftstats_read_info(s.nft, &s.nft_seq, pts, info);
	counter_src_close(&s);
	return n;
}

/* Line i (0-based) of jq's output of filter over the saved ruleset, in buf. */
static void jq_line(const struct ns *ns, const char *filter, int i, char *buf, size_t len)
{
	char cmd[1024];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "jq -r '%s' %s", filter, ns->json);
	p = popen(cmd, "r");
	assert_non_null(p);
	buf[0] = 0;
	for (int l = 0; l <= i; l++)
		if (!fgets(buf, (int)len, p)) {
			buf[0] = 0;
			break;
		}
	pclose(p);
	buf[strcspn(buf, "\n")] = 0;
}

/* What was read, for the log of a failing test. */
static void show(const struct nft_drop_point *p, int n)
{
	for (int i = 0; i < n; i++)
		print_message("  %s %s %s hook=%s prio=%d %s handle=%llu %s%llu via=%s/%s dev=%s\n",
			      p[i].family, p[i].table, p[i].chain, p[i].hook, p[i].priority,
			      p[i].kind == NFT_DROP_POLICY ? "policy" : "rule",
			      (unsigned long long)p[i].handle,
			      p[i].have_counter ? "packets=" : "no counter ",
			      (unsigned long long)p[i].packets, p[i].via_chain, p[i].via_hook,
			      p[i].device);
}

static const struct nft_drop_point *find(const struct nft_drop_point *p, int n, const char *table,
					 const char *chain, enum nft_drop_kind kind, int nth)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(p[i].table, table) && !strcmp(p[i].chain, chain) && p[i].kind == kind &&
		    !nth--)
			return &p[i];
	return NULL;
}

#define SENT 7

static const char ruleset_basic[] = "table inet dstest {\n"
				    "  chain input {\n"
				    "    type filter hook input priority 0; policy accept;\n"
				    "    udp dport 9 counter drop\n"
				    "    tcp dport 7 drop\n"
				    "  }\n"
				    "}\n"
				    "table ip dstest2 {\n"
				    "  chain out {\n"
				    "    type filter hook output priority 0; policy drop;\n"
				    /* The datagrams must get out to be dropped at input. */
				    "    udp dport 9 accept\n"
				    "  }\n"
				    "}\n";

static void test_kernel_basic(void **state)
{
	/* The rules of inet dstest input, in order: handle, counter packets, bytes. */
	static const char filter[] =
		".nftables[].rule? // empty | select(.family==\"inet\" and .table==\"dstest\") | "
		"\"\\(.handle) \\([.expr[] | .counter? | objects | .packets][0] // \"-\") "
		"\\([.expr[] | .counter? | objects | .bytes][0] // \"-\")\"";
	struct nft_drop_point *pts = NULL;
	const struct nft_drop_point *udp, *tcp, *pol;
	struct nftstats_info info;
	char line[128], line2[128], pk[32], by[32];
	unsigned long long h_udp, h_tcp;
	struct ns ns;
	int n;
	(void)state;

	need_root_and_nft();
	if (ns_start(&ns, ruleset_basic, 9, SENT))
		skip();
	n = read_points(&ns, &pts, &info);
	show(pts, n);

	jq_line(&ns, filter, 0, line, sizeof(line));
	jq_line(&ns, filter, 1, line2, sizeof(line2));
	ns_stop(&ns);

	assert_int_equal(sscanf(line, "%llu %31s %31s", &h_udp, pk, by), 3);
	/* nft's own counter saw what was sent. */
	assert_int_equal(strtoull(pk, NULL, 10), SENT);
	assert_int_equal(sscanf(line2, "%llu", &h_tcp), 1);
	assert_non_null(strchr(line2, ' '));
	assert_string_equal(strchr(line2, ' '), " - -");

	assert_int_equal(n, 3);
	assert_false(info.changed);
	assert_false(info.truncated);
	assert_int_equal(info.unparsed, 0);
	assert_int_equal(info.vmap_rules, 0);
	assert_int_equal(info.rules, 3);
	assert_int_equal(info.chains, 2);

	udp = find(pts, n, "dstest", "input", NFT_DROP_RULE, 0);
	tcp = find(pts, n, "dstest", "input", NFT_DROP_RULE, 1);
	pol = find(pts, n, "dstest2", "out", NFT_DROP_POLICY, 0);
	assert_non_null(udp);
	assert_non_null(tcp);
	assert_non_null(pol);

	assert_string_equal(udp->family, "inet");
	assert_string_equal(udp->hook, "input");
	assert_int_equal(udp->priority, 0);
	assert_true(udp->handle == h_udp);
	assert_true(udp->have_counter);
	assert_int_equal(udp->packets, SENT);
	assert_int_equal(udp->bytes, strtoull(by, NULL, 10));
	/* 20 bytes of IPv4, 8 of UDP, 4 of payload, counted at the IP layer. */
	assert_int_equal(udp->bytes, SENT * 32);

	assert_string_equal(tcp->hook, "input");
	assert_true(tcp->handle == h_tcp);
	assert_false(tcp->have_counter);
	assert_int_equal(tcp->packets, 0);

	assert_string_equal(pol->family, "ip");
	assert_string_equal(pol->hook, "output");
	assert_int_equal(pol->priority, 0);
	assert_true(pol->handle == 0);
	/* nft does not ask for chain counters; if the kernel had them, nothing was dropped. */
	if (pol->have_counter)
		assert_int_equal(pol->packets, 0);
	assert_string_equal(pol->via_chain, "");
	free(pts);
}

static const char ruleset_more[] =
	"table inet dstest {\n"
	"  counter c1 { }\n"
	"  chain sub {\n"
	"    udp dport 10 counter drop\n"
	"    udp dport 13 counter name \"c1\" drop\n"
	"  }\n"
	"  chain input {\n"
	"    type filter hook input priority 10; policy accept;\n"
	"    meta l4proto udp jump sub\n"
	"    tcp dport vmap { 11 : drop }\n"
	"  }\n"
	"  chain orphan {\n"
	"    udp dport 14 drop\n"
	"  }\n"
	"}\n"
	"table netdev dstest3 {\n"
	"  chain ing {\n"
	"    type filter hook ingress device \"lo\" priority -5; policy accept;\n"
	"    udp dport 12 drop\n"
	"  }\n"
	"}\n"
	"table bridge "
	"a_table_name_longer_than_the_sixty_three_bytes_of_the_drop_point_field_xxxxxxx {\n"
	"  chain brfwd {\n"
	"    type filter hook forward priority 0; policy drop;\n"
	"  }\n"
	"}\n";

static void test_kernel_more(void **state)
{
	struct nft_drop_point *pts = NULL;
	const struct nft_drop_point *p;
	struct nftstats_info info;
	struct ns ns;
	char line[64];
	int n;
	(void)state;

	need_root_and_nft();
	if (ns_start(&ns, ruleset_more, 10, 3))
		skip();
	n = read_points(&ns, &pts, &info);
	show(pts, n);
	jq_line(&ns,
		".nftables[].rule? // empty | select(.chain==\"sub\") | "
		"[.expr[] | .counter? | objects | .packets][0] // \"-\"",
		0, line, sizeof(line));
	ns_stop(&ns);
	assert_string_equal(line, "3");

	assert_int_equal(n, 5);
	assert_false(info.changed);
	assert_false(info.truncated);
	assert_int_equal(info.vmap_rules, 1);
	assert_int_equal(info.named_counters, 1);
	assert_int_equal(info.unparsed, 0);

	/* A regular chain: no hook of its own, reached from input. */
	p = find(pts, n, "dstest", "sub", NFT_DROP_RULE, 0);
	assert_non_null(p);
	assert_string_equal(p->hook, "");
	assert_string_equal(p->via_chain, "input");
	assert_string_equal(p->via_hook, "input");
	assert_true(p->have_counter);
	assert_int_equal(p->packets, 3);

	p = find(pts, n, "dstest", "sub", NFT_DROP_RULE, 1);
	assert_non_null(p);
	assert_false(p->have_counter); /* a named counter object: not read */
	assert_string_equal(p->via_hook, "input");

	/* Nothing jumps to it. */
	p = find(pts, n, "dstest", "orphan", NFT_DROP_RULE, 0);
	assert_non_null(p);
	assert_string_equal(p->hook, "");
	assert_string_equal(p->via_chain, "");
	assert_string_equal(p->via_hook, "");

	p = find(pts, n, "dstest3", "ing", NFT_DROP_RULE, 0);
	assert_non_null(p);
	assert_string_equal(p->family, "netdev");
	assert_string_equal(p->hook, "ingress");
	assert_string_equal(p->device, "lo");
	assert_int_equal(p->priority, -5);

	p = find(pts, n, "a_table_name_longer_than_the_sixty_three_bytes_of_the_drop_p...", "brfwd",
		 NFT_DROP_POLICY, 0);
	assert_non_null(p);
	assert_string_equal(p->family, "bridge");
	assert_string_equal(p->hook, "forward");
	free(pts);
}

/*
 * A table with a base chain jumping to a regular chain that drops, made
 * and deleted again and again (each in one transaction) while the
 * ruleset is read: a read that reports no change must never show the
 * regular chain's drop without the base chain it is reached from (a chain
 * dump from before the table, a rule dump from after it).
 */
/* The churn ruleset's file, removed also when an assertion ends the test early. */
static char churn_path[64];

static int churn_teardown(void **state)
{
	(void)state;
	if (churn_path[0])
		unlink(churn_path);
	churn_path[0] = 0;
	return 0;
}

static void test_kernel_churn(void **state)
{
	/* One nft -f is one transaction. */
	static const char table[] = "table inet churn {\n"
				    "  chain in {\n"
				    "    type filter hook input priority 5;\n"
				    "    jump tmp\n"
				    "  }\n"
				    "  chain tmp {\n"
				    "    udp dport 99 drop\n"
				    "  }\n"
				    "}\n";
	char *path = churn_path, churn[256];
	unsigned seen = 0, changed = 0, again = 0, retries = 0;
	struct counter_src s;
	struct ns ns;
	char err[256];
	int fd, rc;
	(void)state;

	need_root_and_nft();
	snprintf(churn_path, sizeof(churn_path), "/tmp/dstest-churn.XXXXXX");
	fd = mkstemp(churn_path);
	if (fd < 0)
		churn_path[0] = 0;
	assert_true(fd >= 0);
	rc = (int)write(fd, table, sizeof(table) - 1);
	close(fd);
	assert_int_equal(rc, sizeof(table) - 1);
	snprintf(churn, sizeof(churn),
		 "i=0; while [ $i -lt 2000 ]; do nft -f %s; nft delete table inet churn; "
		 "i=$((i + 1)); done",
		 path);
	if (ns_start2(&ns, ruleset_basic, 9, 0, churn))
		skip();
	if (counter_src_open_extra(&s, ns.path, COUNTER_SRC_NFT, err, sizeof(err)))
		fail_msg("counter_src_open: %s", err);
	for (int i = 0; i < 10000; i++) {
		struct nft_drop_point *pts;
		struct nftstats_info info;
		int n = nftstats_read_info(s.nft, &s.nft_seq, &pts, &info);

		if (n == -EAGAIN) {
			again++;
			continue;
		}
		assert_true(n >= 3);
		changed += info.changed;
		retries += info.retries;
		for (int j = 0; j < n && !info.changed; j++) {
			if (strcmp(pts[j].table, "churn"))
				continue;
			seen++;
			assert_string_equal(pts[j].chain, "tmp");
			assert_string_equal(pts[j].via_chain, "in");
			assert_string_equal(pts[j].via_hook, "input");
		}
		free(pts);
	}
	counter_src_close(&s);
	ns_stop(&ns);
	print_message("  10000 reads: %u saw the churn table whole, %u started over, %u changed "
		      "throughout, %u gave up\n",
		      seen, retries, changed, again);
}

static void test_no_socket(void **state)
{
	struct nft_drop_point *pts = (void *)1;
	unsigned seq = 0;
	(void)state;

	assert_int_equal(nftstats_read(NULL, &seq, &pts), -ENOTCONN);
	assert_null(pts);
}

/* Without CAP_NET_ADMIN the kernel refuses the dump: -EPERM, not an empty ruleset. */
static void test_eperm(void **state)
{
	int status;
	pid_t pid;
	(void)state;

	if (geteuid() != 0)
		skip();
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		struct nft_drop_point *pts;
		struct mnl_socket *nl;
		unsigned seq = 0;

		/* A dump left waiting for more after its error would hang here. */
		alarm(10);
		/* nobody, with no capabilities left */
		if (setgid(65534) || setuid(65534))
			_exit(10);
		nl = mnl_socket_open(NETLINK_NETFILTER);
		if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID))
			_exit(11);
		_exit(nftstats_read(nl, &seq, &pts) == -EPERM ? 0 : 12);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_rule_drop),
		cmocka_unit_test(test_parse_rule_verdicts),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_parse_chain),
		cmocka_unit_test(test_hook_names),
		cmocka_unit_test(test_no_socket),
		cmocka_unit_test(test_eperm),
		cmocka_unit_test(test_kernel_basic),
		cmocka_unit_test(test_kernel_more),
		cmocka_unit_test_teardown(test_kernel_churn, churn_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

#else /* DROPSCOPE_NO_NFTSTATS */

static void test_stub(void **state)
{
	struct nft_drop_point *pts = (void *)1;
	unsigned seq = 0;
	(void)state;

	assert_int_equal(nftstats_read(NULL, &seq, &pts), -EOPNOTSUPP);
	assert_null(pts);
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stub),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif
