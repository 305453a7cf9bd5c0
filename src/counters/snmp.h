/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SNMP/Netstat drop counters of /proc/net/snmp, netstat and snmp6: the
 * documented list is snmp_drop_counters[] in snmp.c.
 */
#ifndef DROPSCOPE_SNMP_H
#define DROPSCOPE_SNMP_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

enum snmp_file {
	SNMP_FILE_SNMP,	   /* /proc/net/snmp: "Group: names" / "Group: values" line pairs */
	SNMP_FILE_NETSTAT, /* /proc/net/netstat: the same layout (TcpExt, IpExt, MPTcpExt) */
	SNMP_FILE_SNMP6,   /* /proc/net/snmp6: "Udp6NoPorts  12" per line */
	SNMP_FILES,
};

struct snmp_counter_def {
	enum snmp_file file;
	const char *group; /* "Udp", "TcpExt", "Udp6" */
	const char *name;  /* "NoPorts" */
	const char *nstat; /* nstat's name: group and name joined, "UdpNoPorts" */
	const char *why;   /* why it counts dropped packets */
};

extern const struct snmp_counter_def snmp_drop_counters[];
extern const size_t snmp_drop_count;

struct snmp_value {
	__u64 value;
	bool present; /* the running kernel has this counter */
};

/*
 * Parse one file's text (NUL-terminated) and set the entries of vals
 * (snmp_drop_count of them) that belong to that file; the others are left
 * as they are. Returns how many were found, or -EINVAL when the text has
 * not the file's layout.
 */
int snmp_parse(enum snmp_file file, const char *text, struct snmp_value *vals);

#endif /* DROPSCOPE_SNMP_H */
