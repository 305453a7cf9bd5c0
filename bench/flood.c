// SPDX-License-Identifier: GPL-2.0
/*
 * flood: make packet drops as fast as one core can, for `make bench`.
 *
 *   flood udp       --netns NAME [--seconds S] [--cpu N] [--port P] [--batch B]
 *   flood otherhost --netns NAME [--seconds S] [--cpu N] [--dev IF] [--peer IF] [--batch B]
 *
 * udp:       unconnected UDP datagrams, sendmmsg() batches, to 127.0.0.1:P where nothing
 *            listens. Each one walks the whole loopback receive path up to the socket
 *            lookup and is dropped there (SKB_DROP_REASON_NO_SOCKET). Ground truth:
 *            the namespace's Udp NoPorts counter.
 * otherhost: Ethernet frames for a foreign MAC injected with AF_PACKET on veth IF; the
 *            peer's ip_rcv_core() drops them at once (SKB_DROP_REASON_OTHERHOST), the
 *            cheapest drop the stack has, so the highest rate this machine can make.
 *            There is no SNMP counter for it (ip_rcv_core() drops before IpInReceives
 *            is counted), but since 5.19 the device core counts it in
 *            rx_otherhost_dropped, which we read with RTM_GETLINK (IFLA_STATS64);
 *            the peer's rx_packets is printed beside it.
 *
 * The namespace (with lo up, and for otherhost the veth pair) is made by bench/run.sh;
 * flood only enters it, so one setup serves many runs and the counters are deltas.
 *
 * Prints one line of key=value pairs:
 *   mode= sent= seconds= rate= truth= truth_name= [peer_rx=] send_errors= cpu_s=
 *   ksoftirqd_s= cpu_rate=
 * where sent counts datagrams/frames the kernel accepted, and truth is the delta of the
 * namespace's own drop counter over the run (read after the queues drained).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH   1024
#define MAX_SECONDS 60.0
#define FRAME_LEN   60 /* minimum Ethernet frame without FCS: the cheapest to copy */

enum mode { MODE_UDP, MODE_OTHERHOST };

struct opts {
	enum mode mode;
	double seconds;
	const char *netns;
	int cpu;
	int port;
	int batch;
	const char *dev;
	const char *peer;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: flood udp|otherhost --netns NAME [--seconds S] [--cpu N] [--batch B]\n"
		   "                              [--port P] [--dev IF] [--peer IF]\n"
		   "  udp:       UDP to 127.0.0.1:P (default 9) where nothing listens\n"
		   "  otherhost: frames for a foreign MAC sent on veth IF (default fl0),\n"
		   "             dropped by its peer (default fl1)\n"
		   "  --seconds  run time, default 3, at most 60\n"
		   "  --cpu      pin to this CPU (default: no pinning)\n"
		   "  --batch    messages per sendmmsg(), default 64\n");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	int i;

	*o = (struct opts){
		.seconds = 3.0, .cpu = -1, .port = 9, .batch = 64, .dev = "fl0", .peer = "fl1"
	};
	if (argc < 2)
		return -1;
	if (!strcmp(argv[1], "udp"))
		o->mode = MODE_UDP;
	else if (!strcmp(argv[1], "otherhost"))
		o->mode = MODE_OTHERHOST;
	else
		return -1;
	for (i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;

		if (!v)
			return -1;
		i++;
		if (!strcmp(a, "--seconds")) {
			o->seconds = strtod(v, &end);
			/* A hard bound: a typo must not turn into a flood that runs for hours. */
			if (*end || end == v || !(o->seconds > 0 && o->seconds <= MAX_SECONDS))
				return -1;
		} else if (!strcmp(a, "--netns")) {
			o->netns = v;
		} else if (!strcmp(a, "--cpu")) {
			if (parse_int(v, 0, CPU_SETSIZE - 1, &o->cpu))
				return -1;
		} else if (!strcmp(a, "--port")) {
			if (parse_int(v, 1, 65535, &o->port))
				return -1;
		} else if (!strcmp(a, "--batch")) {
			if (parse_int(v, 1, MAX_BATCH, &o->batch))
				return -1;
		} else if (!strcmp(a, "--dev")) {
			o->dev = v;
		} else if (!strcmp(a, "--peer")) {
			o->peer = v;
		} else {
			return -1;
		}
	}
	/* Traffic goes only where run.sh built a sandbox for it, never to the host's stack. */
	if (!o->netns)
		return -1;
	return 0;
}

static int enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd, err;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "flood: open %s: %s\n", path, strerror(errno));
		return -1;
	}
	err = setns(fd, CLONE_NEWNET);
	if (err)
		fprintf(stderr, "flood: setns %s: %s\n", path, strerror(errno));
	close(fd);
	return err;
}

/*
 * Udp NoPorts of the current namespace: /proc/net follows the reading thread's
 * namespace, so after setns() this is the flood namespace's counter, not the host's.
 */
static int read_udp_noports(uint64_t *out)
{
	char names[1024], values[1024];
	char *np, *vp, *n, *v;
	FILE *f = fopen("/proc/net/snmp", "re");
	int col = -1, i;

	if (!f)
		return -1;
	while (fgets(names, sizeof(names), f)) {
		if (strncmp(names, "Udp:", 4))
			continue;
		if (!fgets(values, sizeof(values), f))
			break;
		n = strtok_r(names, " \n", &np);
		v = strtok_r(values, " \n", &vp);
		for (i = 0; n && v; i++) {
			if (!strcmp(n, "NoPorts")) {
				col = i;
				*out = strtoull(v, NULL, 10);
				break;
			}
			n = strtok_r(NULL, " \n", &np);
			v = strtok_r(NULL, " \n", &vp);
		}
		break;
	}
	fclose(f);
	return col < 0 ? -1 : 0;
}

/*
 * rx_packets and rx_otherhost_dropped of one device, from RTM_GETLINK's IFLA_STATS64.
 * Netlink rather than sysfs: /sys shows the namespace of whoever mounted it, and
 * sysfs has no rx_otherhost_dropped file anyway.
 */
static int read_link_stats(const char *ifname, uint64_t *rx_packets, uint64_t *otherhost)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = {
		.nh = { .nlmsg_len = sizeof(req),
			.nlmsg_type = RTM_GETLINK,
			.nlmsg_flags = NLM_F_REQUEST,
			.nlmsg_seq = 1 },
		.ifi = { .ifi_family = AF_UNSPEC },
	};
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *nh;
	int fd, len, ret = -1;

	req.ifi.ifi_index = (int)if_nametoindex(ifname);
	if (!req.ifi.ifi_index) {
		fprintf(stderr, "flood: no device %s: %s\n", ifname, strerror(errno));
		return -1;
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	if (send(fd, &req, sizeof(req), 0) < 0)
		goto out;
	len = (int)recv(fd, buf, sizeof(buf), 0);
	for (nh = (struct nlmsghdr *)buf; len > 0 && NLMSG_OK(nh, (unsigned int)len);
	     nh = NLMSG_NEXT(nh, len)) {
		struct ifinfomsg *ifi = NLMSG_DATA(nh);
		struct rtattr *rta = IFLA_RTA(ifi);
		int alen = (int)IFLA_PAYLOAD(nh);

		if (nh->nlmsg_type != RTM_NEWLINK)
			continue;
		for (; RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen)) {
			struct rtnl_link_stats64 st = { 0 };
			size_t n = RTA_PAYLOAD(rta);

			if (rta->rta_type != IFLA_STATS64)
				continue;
			/* An older kernel sends a shorter struct: the missing tail stays 0. */
			memcpy(&st, RTA_DATA(rta), n < sizeof(st) ? n : sizeof(st));
			*rx_packets = st.rx_packets;
			*otherhost = st.rx_otherhost_dropped;
			ret = 0;
		}
	}
out:
	close(fd);
	return ret;
}

struct flood {
	int fd;
	struct mmsghdr msgs[MAX_BATCH];
	struct iovec iov;
	struct sockaddr_in dst;
	struct sockaddr_ll ll;
	unsigned char frame[FRAME_LEN];
};

static int setup_udp(struct flood *fl, const struct opts *o)
{
	static const char payload[18] = "dropscope-bench"; /* 64-byte IPv4 packet in all */
	int i;

	/*
	 * Unconnected on purpose: a connected socket would get the ICMP port-unreachable
	 * back as ECONNREFUSED and lose sends to it.
	 */
	fl->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fl->fd < 0)
		return -1;
	fl->dst.sin_family = AF_INET;
	fl->dst.sin_port = htons((uint16_t)o->port);
	fl->dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fl->iov.iov_base = (void *)payload;
	fl->iov.iov_len = sizeof(payload);
	for (i = 0; i < o->batch; i++) {
		fl->msgs[i].msg_hdr.msg_name = &fl->dst;
		fl->msgs[i].msg_hdr.msg_namelen = sizeof(fl->dst);
		fl->msgs[i].msg_hdr.msg_iov = &fl->iov;
		fl->msgs[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
}

static int setup_otherhost(struct flood *fl, const struct opts *o)
{
	/* Locally administered unicast MACs that no interface here has. */
	static const unsigned char dst_mac[ETH_ALEN] = { 0x02, 0xd5, 0x00, 0x00, 0x00, 0x01 };
	static const unsigned char src_mac[ETH_ALEN] = { 0x02, 0xd5, 0x00, 0x00, 0x00, 0x02 };
	struct ethhdr *eth = (struct ethhdr *)fl->frame;
	unsigned char *ip = fl->frame + sizeof(*eth);
	int one = 1, i;

	/*
	 * Protocol 0: the socket only sends, so the kernel never hooks it into the receive
	 * path (which would add a packet tap, and its cost, to every frame).
	 */
	fl->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fl->fd < 0)
		return -1;
	/* veth has no qdisc by default; this also skips the qdisc lookup itself. */
	if (setsockopt(fl->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)))
		return -1;
	fl->ll.sll_family = AF_PACKET;
	fl->ll.sll_ifindex = (int)if_nametoindex(o->dev);
	fl->ll.sll_halen = ETH_ALEN;
	memcpy(fl->ll.sll_addr, dst_mac, ETH_ALEN);
	if (!fl->ll.sll_ifindex) {
		fprintf(stderr, "flood: no device %s\n", o->dev);
		return -1;
	}
	memcpy(eth->h_dest, dst_mac, ETH_ALEN);
	memcpy(eth->h_source, src_mac, ETH_ALEN);
	eth->h_proto = htons(ETH_P_IP);
	/*
	 * A plausible IPv4 header so the frame reaches ip_rcv() (ETH_P_IP); its contents are
	 * never checked, since the OTHERHOST test comes first.
	 */
	ip[0] = 0x45;
	ip[2] = 0;
	ip[3] = FRAME_LEN - sizeof(*eth);
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	fl->iov.iov_base = fl->frame;
	fl->iov.iov_len = sizeof(fl->frame);
	for (i = 0; i < o->batch; i++) {
		fl->msgs[i].msg_hdr.msg_name = &fl->ll;
		fl->msgs[i].msg_hdr.msg_namelen = sizeof(fl->ll);
		fl->msgs[i].msg_hdr.msg_iov = &fl->iov;
		fl->msgs[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
}

/*
 * Nanoseconds a task has run, from /proc/PID/schedstat (its first field). Without
 * CONFIG_IRQ_TIME_ACCOUNTING (the Debian default) softirq work done on the way out
 * of a send is charged to the sending task, so for us this is "CPU time the flood
 * got", whatever other processes on the machine took meanwhile.
 */
static double task_runtime_s(const char *schedstat)
{
	unsigned long long ns;
	FILE *f = fopen(schedstat, "re");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "%llu", &ns);
	fclose(f);
	return n == 1 ? ns / 1e9 : -1;
}

/*
 * /proc/PID/schedstat of ksoftirqd on cpu: softirq work the kernel deferred from
 * our sends runs there, and belongs to the flood's cost too. "" if not found.
 */
static void find_ksoftirqd(int cpu, char *path, size_t len)
{
	char want[32], comm[64], p[64];
	struct dirent *de;
	DIR *d;

	path[0] = '\0';
	if (cpu < 0)
		return;
	snprintf(want, sizeof(want), "ksoftirqd/%d\n", cpu);
	d = opendir("/proc");
	if (!d)
		return;
	while ((de = readdir(d))) {
		FILE *f;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(p, sizeof(p), "/proc/%d/comm", atoi(de->d_name));
		f = fopen(p, "re");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strcmp(comm, want))
			snprintf(path, len, "/proc/%d/schedstat", atoi(de->d_name));
		fclose(f);
		if (path[0])
			break;
	}
	closedir(d);
}

static int read_truth(const struct opts *o, uint64_t *truth, uint64_t *peer_rx)
{
	if (o->mode == MODE_UDP) {
		*peer_rx = 0;
		return read_udp_noports(truth);
	}
	return read_link_stats(o->peer, peer_rx, truth);
}

int main(int argc, char **argv)
{
	static struct flood fl;
	struct opts o;
	uint64_t sent = 0, errors = 0, truth0, truth1, rx0, rx1, last;
	double t0, t1, deadline;
	double cpu0, cpu1, soft0, soft1, cpu;
	char ksoft[64];
	struct sigaction sa = { .sa_handler = on_signal };
	int i, ret;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (parse_args(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	/* SIGINT/SIGTERM end the run early but still print what was sent. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (o.cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(o.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			fprintf(stderr, "flood: pin to CPU %d: %s\n", o.cpu, strerror(errno));
			return 1;
		}
	}
	if (enter_netns(o.netns))
		return 1;
	ret = o.mode == MODE_UDP ? setup_udp(&fl, &o) : setup_otherhost(&fl, &o);
	if (ret) {
		fprintf(stderr, "flood: socket setup: %s\n", strerror(errno));
		return 1;
	}
	if (read_truth(&o, &truth0, &rx0)) {
		fprintf(stderr, "flood: cannot read the ground-truth counter\n");
		return 1;
	}

	find_ksoftirqd(o.cpu, ksoft, sizeof(ksoft));
	cpu0 = task_runtime_s("/proc/thread-self/schedstat");
	soft0 = ksoft[0] ? task_runtime_s(ksoft) : 0;
	t0 = now();
	deadline = t0 + o.seconds;
	/* Checking the clock once per batch costs nothing next to 64 sends. */
	while (!stop && now() < deadline) {
		ret = sendmmsg(fl.fd, fl.msgs, (unsigned int)o.batch, 0);
		if (ret > 0) {
			sent += (uint64_t)ret;
		} else if (ret < 0 && errno != EINTR) {
			/* ENOBUFS and friends: count and go on, the drop tools don't care. */
			errors++;
			if (errors > 1000000) {
				fprintf(stderr, "flood: sendmmsg: %s\n", strerror(errno));
				break;
			}
		}
	}
	t1 = now();
	cpu1 = task_runtime_s("/proc/thread-self/schedstat");
	soft1 = ksoft[0] ? task_runtime_s(ksoft) : 0;

	/*
	 * Anything still queued on the backlog is dropped within microseconds; wait until
	 * the counter stops moving (bounded at 1 s) so truth covers every packet sent.
	 */
	last = truth0;
	for (i = 0; i < 100; i++) {
		usleep(10000);
		if (read_truth(&o, &truth1, &rx1))
			return 1;
		if (truth1 - truth0 >= sent || (i > 0 && truth1 == last))
			break;
		last = truth1;
	}

	printf("mode=%s sent=%llu seconds=%.6f rate=%.0f truth=%llu truth_name=%s",
	       o.mode == MODE_UDP ? "udp" : "otherhost", (unsigned long long)sent, t1 - t0,
	       sent / (t1 - t0), (unsigned long long)(truth1 - truth0),
	       o.mode == MODE_UDP ? "UdpNoPorts" : "rx_otherhost_dropped");
	if (o.mode == MODE_OTHERHOST)
		printf(" peer_rx=%llu", (unsigned long long)(rx1 - rx0));
	/*
	 * cpu_rate: drops per second of CPU the flood actually got (its own run time plus
	 * its CPU's ksoftirqd). Equal to rate on a quiet machine; on a busy one it is the
	 * figure that other processes do not move.
	 */
	cpu = (cpu1 - cpu0) + (soft1 - soft0);
	printf(" send_errors=%llu cpu_s=%.6f ksoftirqd_s=%.6f cpu_rate=%.0f\n",
	       (unsigned long long)errors, cpu1 - cpu0, soft1 - soft0, cpu > 0 ? sent / cpu : 0);
	return 0;
}
