// SPDX-License-Identifier: GPL-2.0
/*
 * The knowledge diagnose applies. Each entry names the kernel source it
 * is read from (Linux 6.x); a reason missing from the running kernel just
 * never matches. A knob with "{dev}" is read for the finding's device.
 */
#include <string.h>
#include <netinet/in.h>

#include "diagnose/knowledge.h"

#define RMEM_KNOBS "net.core.rmem_default", "net.core.rmem_max"
#define LISTEN_KNOBS                                                                               \
	"net.core.somaxconn", "net.ipv4.tcp_max_syn_backlog", "net.ipv4.tcp_syncookies",           \
		"net.ipv4.tcp_abort_on_overflow"
#define BACKLOG_KNOBS                                                                              \
	"net.core.netdev_max_backlog", "net.core.netdev_budget", "net.core.netdev_budget_usecs",   \
		"net.core.flow_limit_table_len"
#define RING_WHY                                                                                   \
	"enlarge the receive ring (ethtool -G DEV rx N, up to the maximum "                        \
	"`ethtool -g DEV` shows), spread interrupts over more CPUs (more RSS queues, "             \
	"IRQ affinity), raise the NAPI budget"

static const struct knowledge table[] = {
	/* Sockets */
	{ .name = "SOCKET_RCVBUFF",
	  .why = "the receiving socket's buffer was full: the application reads slower than "
		 "packets "
		 "arrive",
	  .evidence = EV_UDP_SOCKETS,
	  .knobs = { RMEM_KNOBS },
	  .change = "read faster (more threads, recvmmsg), or give the socket a larger buffer: "
		    "SO_RCVBUF is capped at net.core.rmem_max, a socket that sets none gets "
		    "net.core.rmem_default",
	  .direction = "raise",
	  .counters = { "UdpRcvbufErrors", "Udp6RcvbufErrors" },
	  .counters_note = "raw, ping and packet sockets drop with this reason too, without the "
			   "UDP counters",
	  .overlaps = { "UdpInErrors", "Udp6InErrors" },
	  .source = "net/ipv4/udp.c: __udp_enqueue_schedule_skb; net/core/sock.c: "
		    "sock_queue_rcv_skb_reason" },
	{ .name = "PROTO_MEM",
	  .why = "the protocol's memory limit for all its sockets was reached (tcp_mem / udp_mem "
		 "pages)",
	  .evidence = EV_UDP_SOCKETS,
	  .knobs = { "net.ipv4.tcp_mem", "net.ipv4.udp_mem" },
	  .change = "find the sockets holding unread data and read them; raise the limit only with "
		    "memory "
		    "to spare",
	  .direction = "raise",
	  .counters = { "UdpMemErrors", "Udp6MemErrors" },
	  .counters_note =
		  "TCP counts its memory drops elsewhere (TcpExtTCPRcvQDrop, TCPOFODrop...)",
	  .overlaps = { "UdpInErrors", "Udp6InErrors" },
	  .source = "net/ipv4/udp.c: __udp_enqueue_schedule_skb; net/ipv4/tcp_input.c: "
		    "tcp_try_rmem_schedule" },
	{ .name = "SOCKET_BACKLOG",
	  .why = "a TCP socket's backlog was full while its owner held the socket lock: the "
		 "application holds the socket too long, or its receive buffer is too small",
	  .evidence = EV_LISTENERS,
	  .knobs = { "net.ipv4.tcp_rmem", "net.core.rmem_max" },
	  .change = "check the application's socket handling; raise net.ipv4.tcp_rmem's maximum",
	  .direction = "raise",
	  .counters = { "TcpExtTCPBacklogDrop" },
	  .source = "net/ipv4/tcp_ipv4.c: tcp_add_backlog" },
	{ .name = "SOCKET_FILTER",
	  .why = "a BPF filter attached to the socket (SO_ATTACH_FILTER: a capture's filter, a "
		 "reuseport or socket program) refused the packet",
	  .change = "check the socket's filter (`ss -0 -b`, `bpftool net`); it drops on purpose",
	  .direction = "check",
	  .source = "net/core/filter.c: sk_filter_trim_cap" },
	{ .name = "SOCKET_CLOSE",
	  .why = "the socket was closed while it still had packets queued",
	  .change = "nothing to tune: the application closed the socket without reading everything",
	  .direction = "check",
	  .source = "net/ipv4/tcp.c: __tcp_close; net/core/sock.c" },
	{ .name = "QUEUE_PURGE",
	  .why = "a queue of packets was discarded as a whole: a socket closed with unread data, "
		 "or "
		 "a device or queue was flushed",
	  .change = "nothing to tune unless it grows steadily: see the caller for which queue",
	  .direction = "check",
	  .source = "net/core/skbuff.c: skb_queue_purge_reason" },

	/* TCP */
	{ .name = "TCP_LISTEN_OVERFLOW",
	  .why = "a TCP listener's accept queue was full: the application calls accept() slower "
		 "than "
		 "connections complete, so the handshake's last ACK was dropped",
	  .evidence = EV_LISTENERS,
	  .knobs = { LISTEN_KNOBS },
	  .change = "accept faster, or listen() with a larger backlog (the kernel caps it at "
		    "net.core.somaxconn)",
	  .direction = "raise",
	  .counters = { "TcpExtListenOverflows" },
	  .counters_note =
		  "the counter also counts SYNs refused for a full accept queue, which "
		  "tcp_conn_request frees with consume_skb (no kfree_skb): it can be higher",
	  .overlaps = { "TcpExtListenDrops" },
	  .knob_dirs = { "raise", "raise", "check", "check" },
	  .source = "net/ipv4/tcp_minisocks.c: tcp_check_req; net/ipv4/tcp_ipv4.c: "
		    "tcp_v4_syn_recv_sock" },
	{ .name = "TcpExtListenOverflows",
	  .why = "connection attempts were refused because a TCP listener's accept queue was full: "
		 "the application calls accept() slower than connections arrive",
	  .evidence = EV_LISTENERS,
	  .knobs = { LISTEN_KNOBS },
	  .change = "accept faster, or listen() with a larger backlog (the kernel caps it at "
		    "net.core.somaxconn)",
	  .direction = "raise",
	  .counters_note = "SYNs refused for a full queue are freed with consume_skb: no kfree_skb "
			   "sees them",
	  .overlaps = { "TcpExtListenDrops" },
	  .knob_dirs = { "raise", "raise", "check", "check" },
	  .source = "net/ipv4/tcp_input.c: tcp_conn_request; net/ipv4/tcp_ipv4.c: "
		    "tcp_v4_syn_recv_sock" },
	{ .name = "TcpExtListenDrops",
	  .why = "a TCP listener dropped connection attempts (a full accept queue, or no memory "
		 "for "
		 "the request)",
	  .evidence = EV_LISTENERS,
	  .knobs = { LISTEN_KNOBS },
	  .change = "see the listener and its backlog",
	  .direction = "raise",
	  .knob_dirs = { "raise", "raise", "check", "check" },
	  .source = "include/net/tcp.h: tcp_listendrop" },
	{ .name = "TCP_ZEROWINDOW",
	  .why = "data arrived while this host advertised a zero receive window: the application "
		 "does not read",
	  .evidence = EV_LISTENERS,
	  .knobs = { "net.ipv4.tcp_rmem" },
	  .change = "read faster, or raise the receive buffer",
	  .direction = "raise",
	  .counters = { "TcpExtTCPZeroWindowDrop" },
	  .source = "net/ipv4/tcp_input.c: tcp_data_queue" },
	{ .name = "TCP_OFO_DROP",
	  .why = "an out-of-order segment was dropped for lack of receive memory",
	  .knobs = { "net.ipv4.tcp_rmem" },
	  .change = "raise the receive buffer; check for loss on the path",
	  .direction = "raise",
	  .counters = { "TcpExtTCPOFODrop" },
	  .source = "net/ipv4/tcp_input.c: tcp_data_queue_ofo" },
	{ .name = "TCP_CSUM",
	  .why = "a TCP segment's checksum was wrong: corruption on the path, or a "
		 "checksum-offload "
		 "bug in a NIC or driver",
	  .evidence = EV_SENDERS,
	  .change = "check the link and the NIC (ethtool -S), try with offloads off (ethtool -K)",
	  .direction = "check",
	  .counters = { "TcpInCsumErrors" },
	  .overlaps = { "TcpInErrs" },
	  .source = "net/ipv4/tcp_ipv4.c: tcp_v4_rcv" },
	{ .name = "NO_SOCKET",
	  .why = "nothing listens on the packet's destination port (or address) in this network "
		 "namespace",
	  .evidence = EV_PORTS | EV_SENDERS,
	  .change = "start the service on that port, or fix the sender's destination; TCP senders "
		    "get "
		    "a reset, UDP senders an ICMP port unreachable",
	  .direction = "check",
	  .counters = { "UdpNoPorts", "Udp6NoPorts" },
	  .counters_note =
		  "TCP segments to closed ports (tcp_v4_rcv, tcp_v6_rcv) have no such counter",
	  .counters_proto = IPPROTO_UDP,
	  .source = "net/ipv4/udp.c: __udp4_lib_rcv; net/ipv4/tcp_ipv4.c: tcp_v4_rcv" },

	/* UDP */
	{ .name = "UDP_CSUM",
	  .why = "a UDP datagram's checksum was wrong: corruption on the path, or a "
		 "checksum-offload "
		 "bug in a NIC or driver",
	  .evidence = EV_SENDERS,
	  .change = "check the link and the NIC (ethtool -S), try with offloads off (ethtool -K)",
	  .direction = "check",
	  .counters = { "UdpInCsumErrors", "Udp6InCsumErrors" },
	  .overlaps = { "UdpInErrors", "Udp6InErrors" },
	  .source = "net/ipv4/udp.c: __udp4_lib_rcv" },

	/* Queueing disciplines */
	{ .name = "QDISC_DROP",
	  .why = "the device's transmit queue (its qdisc) was full: packets are sent faster than "
		 "the "
		 "device, or the qdisc's shaping, lets them out",
	  .evidence = EV_QDISCS,
	  .change =
		  "raise the qdisc's limit (`tc qdisc change dev DEV ... limit N`; pfifo_fast's is "
		  "the device's txqueuelen), or send slower",
	  .direction = "raise",
	  .counters = { "qdisc:drops" },
	  .counters_note = "a qdisc's drop counter also counts its drops with other reasons "
			   "(QDISC_OVERLIMIT, "
			   "QDISC_CONGESTED, FQ_*, CAKE_FLOOD)",
	  .overlaps = { "IpOutDiscards", "Ip6OutDiscards", "UdpSndbufErrors", "Udp6SndbufErrors" },
	  .source = "net/core/dev.c: __dev_xmit_skb; include/net/sch_generic.h: qdisc_drop" },
	{ .name = "QDISC_OVERLIMIT",
	  .why = "a qdisc dropped the packet because one of its limits (queue length or rate) was "
		 "exceeded",
	  .evidence = EV_QDISCS,
	  .change = "raise the qdisc's limit, or send slower",
	  .direction = "raise",
	  .counters = { "qdisc:drops" },
	  .counters_note = "a qdisc's drop counter also counts its drops with other reasons",
	  .overlaps = { "IpOutDiscards", "Ip6OutDiscards", "UdpSndbufErrors", "Udp6SndbufErrors" },
	  .source = "net/sched/sch_*.c: qdisc_drop_reason" },
	{ .name = "QDISC_CONGESTED",
	  .why = "an active queue management qdisc (CoDel, PIE, RED...) dropped the packet to keep "
		 "the queue short: the link is congested",
	  .evidence = EV_QDISCS,
	  .change = "nothing to tune if the link is simply full; else check its target",
	  .direction = "check",
	  .counters = { "qdisc:drops" },
	  .counters_note = "a qdisc's drop counter also counts its other drops",
	  .overlaps = { "IpOutDiscards", "Ip6OutDiscards", "UdpSndbufErrors", "Udp6SndbufErrors" },
	  .source = "net/sched/sch_codel.c, sch_fq_codel.c, sch_pie.c, sch_red.c" },
	{ .name = "FQ_FLOW_LIMIT",
	  .why = "the fq qdisc's per-flow limit was reached: one flow queued more than flow_limit "
		 "packets",
	  .evidence = EV_QDISCS,
	  .change = "raise fq's flow_limit (tc qdisc change ... flow_limit N)",
	  .direction = "raise",
	  .counters = { "qdisc:drops" },
	  .counters_note = "a qdisc's drop counter also counts its other drops",
	  .overlaps = { "IpOutDiscards", "Ip6OutDiscards", "UdpSndbufErrors", "Udp6SndbufErrors" },
	  .source = "net/sched/sch_fq.c: fq_enqueue" },

	/* Netfilter */
	{ .name = "NETFILTER_DROP",
	  .why = "a netfilter rule (nftables or iptables) or a chain's drop policy dropped the "
		 "packet",
	  .evidence = EV_NFT,
	  .knobs = { "net.netfilter.nf_conntrack_count", "net.netfilter.nf_conntrack_max" },
	  .change =
		  "look at the rule or policy named below: it drops on purpose unless the rule is "
		  "wrong; if conntrack dropped (its table full), raise "
		  "net.netfilter.nf_conntrack_max",
	  .direction = "check",
	  /* A local sender's packet dropped in an output hook fails
	   * ip_local_out: ip_send_skb counts it. */
	  .consequences = { "IpOutDiscards", "Ip6OutDiscards" },
	  .source = "net/netfilter/core.c: nf_hook_slow" },

	/* IP and the device's link */
	{ .name = "PKT_TOO_BIG",
	  .why = "the packet was larger than the MTU of the way out and could not be "
		 "fragmented (IPv4 with DF set, or IPv6, which only the sender fragments): an "
		 "ICMP fragmentation-needed / packet-too-big went back to the sender",
	  .evidence = EV_DEVICE | EV_SENDERS | EV_DESTS,
	  .change = "check the path MTU: the MTU of the device the packets leave by (`ip link`) "
		    "and of the route (`ip route get ADDR` shows an mtu) against the size the "
		    "senders use; make sure the ICMP errors reach the senders (a firewall "
		    "dropping them breaks path MTU discovery), or lower the senders' MTU/MSS, "
		    "or raise the link's MTU if the whole path carries it",
	  .direction = "check",
	  /* ip_forward and ip6_forward count the packet before they drop it. */
	  .consequences = { "IpFragFails", "Ip6FragFails" },
	  .source = "net/ipv4/ip_forward.c: ip_forward; net/ipv6/ip6_output.c: ip6_forward; "
		    "net/ipv4/ip_output.c: ip_fragment" },

	{ .name = "OTHERHOST",
	  .why = "the frame was addressed to another host's MAC address: it arrived because the "
		 "device is promiscuous, a switch or bridge floods it, or a sender has a stale "
		 "neighbour entry",
	  .evidence = EV_DEVICE | EV_SENDERS,
	  .change =
		  "find the sender with the wrong MAC for this address (its neighbour table); turn "
		  "promiscuous mode off if nothing needs it",
	  .direction = "check",
	  .counters = { "dev:rx_otherhost_dropped" },
	  .source = "net/ipv4/ip_input.c: ip_rcv_core; net/ipv6/ip6_input.c: ip6_rcv_core" },
	{ .name = "dev:rx_otherhost_dropped",
	  .why = "frames addressed to another host's MAC address were dropped",
	  .evidence = EV_DEVICE,
	  .change = "find the sender with the wrong MAC for this address; turn promiscuous mode "
		    "off if "
		    "nothing needs it",
	  .direction = "check",
	  .source = "net/ipv4/ip_input.c: ip_rcv_core" },
	{ .name = "IP_RPFILTER",
	  .why = "reverse-path filtering refused the packet: the route back to its source does not "
		 "leave through the device it came in on",
	  .evidence = EV_DEVICE | EV_SENDERS | EV_ROUTE,
	  .knobs = { "net.ipv4.conf.all.rp_filter", "net.ipv4.conf.{dev}.rp_filter" },
	  .change = "fix the route to the source; if asymmetric routing is intended, set rp_filter "
		    "to 2 "
		    "(loose) on the device (the higher of all and the device's value applies)",
	  .direction = "lower",
	  .source = "net/ipv4/fib_frontend.c: fib_validate_source" },
	{ .name = "IP_INADDRERRORS",
	  .why = "the destination address is not valid on this host: not local, and this host does "
		 "not forward",
	  .evidence = EV_DEVICE | EV_SENDERS | EV_ROUTE,
	  .knobs = { "net.ipv4.ip_forward", "net.ipv4.conf.{dev}.forwarding" },
	  .change = "fix the sender's destination, or enable forwarding if this host is a router",
	  .direction = "check",
	  .counters = { "IpInAddrErrors" },
	  .source = "net/ipv4/route.c: ip_error" },
	{ .name = "IP_INNOROUTES",
	  .why = "no route for the packet: it is not for this host and there is no route to "
		 "forward it on",
	  .evidence = EV_DEVICE | EV_SENDERS | EV_ROUTE | EV_DESTS,
	  .knobs = { "net.ipv4.ip_forward" },
	  .change = "add the missing route (`ip route get ADDR` shows the lookup), or fix the "
		    "sender's destination",
	  .direction = "check",
	  .counters = { "IpExtInNoRoutes" },
	  .source = "net/ipv4/route.c: ip_route_input_slow" },
	{ .name = "IP_INHDR",
	  .why = "an IP header was not usable: its TTL (hop limit) ran out while forwarding (an "
		 "ICMP time exceeded went back to the sender), or its version, length or options "
		 "were wrong",
	  .evidence = EV_DEVICE | EV_SENDERS | EV_DESTS,
	  .change = "a TTL that runs out: look for a routing loop (`ip route get ADDR` on each "
		    "hop) or a sender whose TTL is too low (its net.ipv4.ip_default_ttl or "
		    "net.ipv6.conf.DEV.hop_limit, IP_TTL); "
		    "else a broken sender or path",
	  .direction = "check",
	  .counters = { "IpInHdrErrors", "Ip6InHdrErrors" },
	  .counters_note = "the header counters also count header checksum errors (IP_CSUM)",
	  .source = "net/ipv4/ip_forward.c: ip_forward; net/ipv4/ip_input.c: ip_rcv_core; "
		    "net/ipv6/ip6_output.c: ip6_forward" },
	{ .name = "IP_NOPROTO",
	  .why = "no handler for the packet's IP protocol (a protocol not built in or its module "
		 "not "
		 "loaded)",
	  .evidence = EV_SENDERS,
	  .change = "load the protocol's module if it is wanted, else the sender is wrong",
	  .direction = "check",
	  .counters = { "IpInUnknownProtos" },
	  .source = "net/ipv4/ip_input.c: ip_protocol_deliver_rcu" },
	{ .name = "IP_OUTNOROUTES",
	  .why = "no route for an outgoing packet",
	  .change = "add the missing route (`ip route get ADDR` shows the lookup)",
	  .direction = "check",
	  .counters = { "IpOutNoRoutes" },
	  .consequences = { "TcpExtListenDrops" },
	  .source = "net/ipv4/route.c: ip_route_output_key_hash_rcu" },
	{ .name = "IpOutNoRoutes",
	  .why = "outgoing packets had no route; for a listener, its SYN-ACKs to senders this "
		 "namespace has no route back to (the connection attempts then count as "
		 "ListenDrops)",
	  .evidence = EV_SYN_PEERS,
	  .change = "add the route back to the senders (`ip route get ADDR` shows the lookup), or "
		    "a default route",
	  .direction = "check",
	  .consequences = { "TcpExtListenDrops" },
	  .source = "net/ipv4/route.c: ip_route_output_key_hash_rcu; "
		    "net/ipv4/inet_connection_sock.c: inet_csk_route_req" },

	/* Causes the analysis finds behind a reason or a counter */
	{ .name = "cause:link_down",
	  .why = "the device is down: every packet sent through it is dropped",
	  .evidence = EV_DEVICE,
	  .change = "bring the device up (`ip link set dev DEV up`), or route around it",
	  .direction = "check",
	  .counters = { "dev:tx_dropped" },
	  .source = "net/core/dev.c: __dev_queue_xmit (a device without IFF_UP)" },

	{ .name = "cause:veth_peer",
	  .why = "the frame could not cross the veth pair to its peer: it is larger than the "
		 "receiving end's MTU (nothing fragments it there), or the peer is down; the "
		 "kernel charges it to the sending namespace",
	  .evidence = EV_DEVICE | EV_DESTS,
	  .change = "give both ends of the pair the same MTU (`ip link set dev DEV mtu N`; `ip "
		    "link` in the peer's namespace shows its MTU), or bring the peer up",
	  .direction = "check",
	  /* The sender's counters, and the receiver's rx_dropped (seen from its side). */
	  .consequences = { "dev:tx_dropped", "IpOutDiscards", "UdpSndbufErrors", "Ip6OutDiscards",
			    "dev:rx_dropped" },
	  .source = "net/core/dev.c: __dev_forward_skb2 (is_skb_forwardable); "
		    "drivers/net/veth.c: veth_xmit" },

	{ .name = "cause:error_route",
	  .why = "the packet's destination has an error route (blackhole, prohibit, or an "
		 "unreachable route without its own reason): it is dropped on purpose and counted "
		 "by no counter (prohibit sends an ICMP error back)",
	  .evidence = EV_DEVICE | EV_SENDERS | EV_DESTS,
	  .change = "if the destination should be reachable, remove or replace that route (`ip "
		    "route get ADDR` shows it: blackhole answers Invalid argument, prohibit "
		    "Permission denied)",
	  .direction = "check",
	  .source = "net/ipv4/route.c: ip_route_input_slow, ip_error" },

	{ .name = "NEIGH_FAILED",
	  .why = "address resolution (ARP or neighbour discovery) of the next hop failed: it does "
		 "not answer",
	  .evidence = EV_DEVICE | EV_NEIGH,
	  .change = "check that the next hop is up and on this link (`ip neigh` shows FAILED)",
	  .direction = "check",
	  /* Each failed packet's host unreachable comes back to its sender; one
	   * that closed its socket meanwhile counts it as an ICMP error. */
	  .consequences = { "IcmpInErrors", "Icmp6InErrors" },
	  .source = "net/core/neighbour.c: neigh_invalidate; net/ipv4/route.c: "
		    "ipv4_link_failure" },
	{ .name = "NEIGH_QUEUEFULL",
	  .why = "more packets waited for the next hop's address to resolve than its queue holds",
	  .evidence = EV_DEVICE | EV_NEIGH,
	  .knobs = { "net.ipv4.neigh.{dev}.unres_qlen_bytes" },
	  .change = "check why resolution is slow; raise unres_qlen_bytes",
	  .direction = "raise",
	  .source = "net/core/neighbour.c: __neigh_event_send" },
	{ .name = "NEIGH_CREATEFAIL",
	  .why = "the neighbour table is full: no entry could be created",
	  .evidence = EV_NEIGH,
	  .knobs = { "net.ipv4.neigh.default.gc_thresh3", "net.ipv6.neigh.default.gc_thresh3" },
	  .change = "raise gc_thresh3 (and gc_thresh2)",
	  .direction = "raise",
	  .source = "net/core/neighbour.c: neigh_alloc" },
	{ .name = "IcmpInErrors",
	  .why = "ICMP messages that could not be used: a bad checksum or length, or an error "
		 "about a packet whose socket is gone (the sender closed it before the error came)",
	  .change = "when it follows other drops (an ICMP error for each, e.g. host unreachable "
		    "after a failed neighbour) it is said in their finding; alone, check what "
		    "sends this host ICMP errors and whether its senders close their sockets "
		    "early",
	  .direction = "check",
	  .source = "net/ipv4/icmp.c: icmp_rcv; net/ipv4/udp.c: __udp4_lib_err" },
	{ .name = "IP_CSUM",
	  .why = "an IPv4 header checksum was wrong: corruption on the path, or a NIC or driver "
		 "bug",
	  .evidence = EV_SENDERS,
	  .change = "check the link and the NIC (ethtool -S)",
	  .direction = "check",
	  .counters = { "IpExtInCsumErrors" },
	  /* ip_rcv_core counts a bad checksum as a header error too. */
	  .overlaps = { "IpInHdrErrors" },
	  .source = "net/ipv4/ip_input.c: ip_rcv_core" },

	/* The device and the CPU backlog */
	{ .name = "CPU_BACKLOG",
	  .why = "a CPU's input backlog was full: more packets arrived for one CPU than it "
		 "processed "
		 "(RPS/RFS steering, a busy CPU, veth or loopback bursts)",
	  .evidence = EV_SOFTNET | EV_NEIGH,
	  .knobs = { BACKLOG_KNOBS },
	  .change = "raise net.core.netdev_max_backlog, spread the load (RPS)",
	  .direction = "raise",
	  .counters = { "softnet:dropped" },
	  .counters_note = "softnet drops also count the per-flow limit's",
	  .source = "net/core/dev.c: enqueue_to_backlog" },
	{ .name = "softnet:dropped",
	  .why = "a CPU's input backlog was full: more packets arrived for one CPU than it "
		 "processed",
	  .evidence = EV_SOFTNET,
	  .knobs = { BACKLOG_KNOBS },
	  .change = "raise net.core.netdev_max_backlog, spread the load (RPS)",
	  .direction = "raise",
	  .source = "net/core/dev.c: enqueue_to_backlog" },
	{ .name = "softnet:flow_limit",
	  .why = "the per-flow backlog limit dropped packets of a heavy flow",
	  .evidence = EV_SOFTNET,
	  .knobs = { BACKLOG_KNOBS },
	  .change = "raise net.core.flow_limit_table_len or the flow's share",
	  .direction = "raise",
	  .source = "net/core/dev.c: skb_flow_limit" },
	{ .name = "dev:rx_missed_errors",
	  .why = "the NIC's receive ring was full: the driver did not take frames off it fast "
		 "enough",
	  .evidence = EV_DEVICE | EV_RING,
	  .knobs = { "net.core.netdev_budget", "net.core.netdev_budget_usecs" },
	  .change = RING_WHY,
	  .direction = "raise",
	  .source = "include/uapi/linux/if_link.h: struct rtnl_link_stats64" },
	{ .name = "dev:rx_fifo_errors",
	  .why = "the NIC's receive FIFO overran before frames reached memory",
	  .evidence = EV_DEVICE | EV_RING,
	  .knobs = { "net.core.netdev_budget", "net.core.netdev_budget_usecs" },
	  .change = RING_WHY,
	  .direction = "raise",
	  .source = "include/uapi/linux/if_link.h: struct rtnl_link_stats64" },
	{ .name = "dev:rx_over_errors",
	  .why = "the driver's receive ring overflowed",
	  .evidence = EV_DEVICE | EV_RING,
	  .knobs = { "net.core.netdev_budget", "net.core.netdev_budget_usecs" },
	  .change = RING_WHY,
	  .direction = "raise",
	  .source = "include/uapi/linux/if_link.h: struct rtnl_link_stats64" },
	{ .name = "dev:rx_dropped",
	  .why = "the device dropped received frames: the driver's own drops (no buffer, a full "
		 "queue) or the core's",
	  .evidence = EV_DEVICE,
	  .knobs = { "net.core.netdev_max_backlog" },
	  .change = "see the driver's statistics (ethtool -S DEV) for which",
	  .direction = "check",
	  .source = "include/uapi/linux/if_link.h: struct rtnl_link_stats64" },
	{ .name = "dev:tx_dropped",
	  .why = "the device dropped frames on transmit: its queue stopped, no memory, or (veth) "
		 "its "
		 "peer is down or full",
	  .evidence = EV_DEVICE,
	  .change = "see the driver's statistics (ethtool -S DEV); check the peer",
	  .direction = "check",
	  .source = "include/uapi/linux/if_link.h: struct rtnl_link_stats64" },
	{ .name = "dev:rx_nohandler",
	  .why = "frames of a protocol that nothing on this device handles (a bond or team port's, "
		 "an unconfigured protocol)",
	  .evidence = EV_DEVICE,
	  .change = "usually harmless; check what sends that protocol",
	  .direction = "check",
	  .source = "net/core/dev.c: __netif_receive_skb_core" },
	/* BPF programs and drivers (issue 18): the program is named by the
	 * summary's tc line or is the XDP row's location. */
	{ .name = "TC_INGRESS",
	  .why = "a tc program on the device's ingress hook (tcx or a clsact filter) returned "
		 "TC_ACT_SHOT: a policy (Cilium, Calico-eBPF, a firewall) decided to drop",
	  .evidence = EV_DEVICE | EV_SENDERS,
	  .change = "find the program (dropscope names it: id, name, tag, hook; `bpftool net`, "
		    "`tc filter show dev DEV ingress`) and the policy it applies; it drops on "
		    "purpose",
	  .direction = "check",
	  .counters = { "qdisc:drops" },
	  .counters_note = "a clsact qdisc counts the drops of its filters (tc -s qdisc); tcx "
			   "programs have no counter of their own",
	  .source = "net/core/dev.c: sch_handle_ingress, tcx_run" },
	{ .name = "TC_EGRESS",
	  .why = "a tc program on the device's egress hook (tcx or a clsact filter) returned "
		 "TC_ACT_SHOT: a policy decided not to send the packet",
	  .evidence = EV_DEVICE | EV_PORTS,
	  .change =
		  "find the program (dropscope names it: id, name, tag, hook; `bpftool net`, "
		  "`tc filter show dev DEV egress`) and the policy it applies; it drops on purpose",
	  .direction = "check",
	  .counters = { "qdisc:drops" },
	  .counters_note = "a clsact qdisc counts the drops of its filters (tc -s qdisc); tcx "
			   "programs have no counter of their own",
	  /* NET_XMIT_DROP: ip_send_skb counts it, then udp_send_skb as ENOBUFS. */
	  .overlaps = { "IpOutDiscards", "Ip6OutDiscards", "UdpSndbufErrors", "Udp6SndbufErrors" },
	  .source = "net/core/dev.c: sch_handle_egress, tcx_run" },
	{ .name = "XDP_DROP",
	  .why = "an XDP program returned XDP_DROP: the frame was dropped in the driver, before "
		 "the "
		 "stack, on purpose (a firewall, DDoS filter or load balancer)",
	  .evidence = EV_DEVICE | EV_SENDERS,
	  .change = "check the program the row names (bpf_prog_TAG_NAME; `bpftool net`, "
		    "`bpftool prog show`) and the policy it applies",
	  .direction = "check",
	  .counters = { "driver:xdp_drop" },
	  .counters_note = "drivers that count them (veth, mlx5, i40e...) count XDP_ABORTED in "
			   "the same counter; native frames are only counted here where the "
			   "kernel allows fexit on BPF programs",
	  .source = "net/core/dev.c: netif_receive_generic_xdp; include/uapi/linux/bpf.h: "
		    "enum xdp_action" },
	{ .name = "XDP_ABORTED",
	  .why = "an XDP program returned XDP_ABORTED or an invalid action: a bug or an error path "
		 "in the program, not a policy",
	  .evidence = EV_DEVICE,
	  .change = "fix the program the row names (bpf_prog_TAG_NAME): XDP_ABORTED is its error "
		    "return (xdp:xdp_exception traces it)",
	  .direction = "check",
	  .counters = { "driver:xdp_drop" },
	  .counters_note = "drivers count aborted frames among their xdp_drops",
	  .source = "net/core/filter.c: bpf_warn_invalid_xdp_action; include/trace/events/xdp.h: "
		    "xdp_exception" },
	{ .name = "driver:xdp_drop",
	  .why = "frames an XDP program dropped or aborted, as the driver counts them (ethtool -S "
		 "*xdp_drops): native XDP frames never become skbs, so no tracepoint sees them",
	  .evidence = EV_DEVICE,
	  .change = "check the device's XDP program (`ip link show DEV`, `bpftool net`) and the "
		    "policy it applies",
	  .direction = "check",
	  .source = "include/uapi/linux/ethtool.h: ETH_SS_STATS; net/ethtool/ioctl.c: "
		    "ethtool_get_stats" },
	{ .name = "driver:miss",
	  .why = "the NIC missed frames because its receive ring was full (ethtool -S rx_missed*): "
		 "the host did not take frames off the ring fast enough",
	  .evidence = EV_DEVICE | EV_RING,
	  .knobs = { "net.core.netdev_budget", "net.core.netdev_budget_usecs" },
	  .change = RING_WHY,
	  .direction = "raise",
	  .overlaps = { "dev:rx_missed_errors" },
	  .source = "include/uapi/linux/ethtool.h: ETH_SS_STATS; net/ethtool/ioctl.c: "
		    "ethtool_get_stats" },
	{ .name = "driver:no_buf",
	  .why = "the NIC had no receive buffer for frames (ethtool -S rx_no_buffer*, "
		 "rx_out_of_buffer): the ring was empty of posted buffers",
	  .evidence = EV_DEVICE | EV_RING,
	  .knobs = { "net.core.netdev_budget", "net.core.netdev_budget_usecs" },
	  .change = RING_WHY,
	  .direction = "raise",
	  .source = "include/uapi/linux/ethtool.h: ETH_SS_STATS; net/ethtool/ioctl.c: "
		    "ethtool_get_stats" },
	{ .name = "driver:out_of_buffer",
	  .why = "the NIC could not place frames: no receive descriptor was posted (mlx5 "
		 "rx_out_of_buffer)",
	  .evidence = EV_DEVICE | EV_RING,
	  .knobs = { "net.core.netdev_budget", "net.core.netdev_budget_usecs" },
	  .change = RING_WHY,
	  .direction = "raise",
	  .source = "include/uapi/linux/ethtool.h: ETH_SS_STATS; net/ethtool/ioctl.c: "
		    "ethtool_get_stats" },
	{ .name = "driver:discard",
	  .why = "the NIC discarded frames (ethtool -S *discards*): no buffer on the port, or a "
		 "hardware filter",
	  .evidence = EV_DEVICE | EV_RING,
	  .knobs = { "net.core.netdev_budget", "net.core.netdev_budget_usecs" },
	  .change = RING_WHY,
	  .direction = "raise",
	  .source = "include/uapi/linux/ethtool.h: ETH_SS_STATS; net/ethtool/ioctl.c: "
		    "ethtool_get_stats" },
	{ .name = "driver:fifo",
	  .why = "the NIC's FIFO overran (ethtool -S *fifo*) before frames reached memory",
	  .evidence = EV_DEVICE | EV_RING,
	  .knobs = { "net.core.netdev_budget", "net.core.netdev_budget_usecs" },
	  .change = RING_WHY,
	  .direction = "raise",
	  .overlaps = { "dev:rx_fifo_errors" },
	  .source = "include/uapi/linux/ethtool.h: ETH_SS_STATS; net/ethtool/ioctl.c: "
		    "ethtool_get_stats" },
	{ .name = "driver:overrun",
	  .why = "a ring or FIFO of the NIC overran (ethtool -S *overrun*, *over_errors*)",
	  .evidence = EV_DEVICE | EV_RING,
	  .knobs = { "net.core.netdev_budget", "net.core.netdev_budget_usecs" },
	  .change = RING_WHY,
	  .direction = "raise",
	  .overlaps = { "dev:rx_over_errors" },
	  .source = "include/uapi/linux/ethtool.h: ETH_SS_STATS; net/ethtool/ioctl.c: "
		    "ethtool_get_stats" },
	{ .name = "driver:drop",
	  .why = "the driver dropped frames it counts as such (ethtool -S *drop*): a full ring, "
		 "no memory, a queue stopped",
	  .evidence = EV_DEVICE | EV_RING,
	  .knobs = { "net.core.netdev_budget", "net.core.netdev_budget_usecs" },
	  .change = RING_WHY,
	  .direction = "raise",
	  .source = "include/uapi/linux/ethtool.h: ETH_SS_STATS; net/ethtool/ioctl.c: "
		    "ethtool_get_stats" },
};

const struct knowledge *knowledge_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(table[i].name, name))
			return &table[i];
	return NULL;
}

/*
 * Knobs that exist only on kernels built with an option: where the knob is
 * absent, diagnose says which option it needs instead of advising it, and
 * the unit test does not ask for it. Matched by prefix.
 */
static const struct {
	const char *prefix, *config;
} knob_configs[] = {
	/* net/core/sysctl_net_core.c: under #ifdef CONFIG_NET_FLOW_LIMIT */
	{ "net.core.flow_limit_", "CONFIG_NET_FLOW_LIMIT" },
	/* net/netfilter/nf_conntrack_standalone.c: built in or loaded */
	{ "net.netfilter.nf_conntrack_", "CONFIG_NF_CONNTRACK" },
};

const char *knowledge_knob_config(const char *knob)
{
	for (size_t i = 0; i < sizeof(knob_configs) / sizeof(knob_configs[0]); i++)
		if (!strncmp(knob, knob_configs[i].prefix, strlen(knob_configs[i].prefix)))
			return knob_configs[i].config;
	return NULL;
}

const struct knowledge *knowledge_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}
