// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include <linux/types.h>

#include "bpf/dropscope.h"
#include "lib/escape.h"
#include "trace/packet.h"
#include "render/naming.h"

const char *naming_location(const struct ksyms *ks, enum sym_style style, __u64 addr, char *buf,
			    size_t len)
{
	char name[512], data[NAMING_FRAME_LEN];

	switch (style) {
	case SYM_DATA:
		ksyms__symdata(ks, addr, buf, len);
		break;
	case SYM_ADDR:
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
		break;
	case SYM_FULL:
		/* dropwatch.stp's modified form: address, symname, symdata. */
		ksyms__symname(ks, addr, name, sizeof(name));
		ksyms__symdata(ks, addr, data, sizeof(data));
		snprintf(buf, len, "0x%llx, %s, %s", (unsigned long long)addr, name, data);
		break;
	case SYM_NAME:
	default:
		ksyms__symname(ks, addr, buf, len);
		break;
	}
	return buf;
}

const char *naming_drop_location(const struct ksyms *ks, enum sym_style style, __u64 addr,
				 __u32 reason, char *buf, size_t len)
{
	const struct ksym *s;

	if (reason == DS_REASON_XDP_DROP || reason == DS_REASON_XDP_ABORTED) {
		s = ks ? ksyms__find(ks, addr) : NULL;
		if (!s || s->addr != addr) {
			snprintf(buf, len, "0x%llx", (unsigned long long)addr);
			return buf;
		}
	}
	return naming_location(ks, style, addr, buf, len);
}

const char *naming_symbol(const struct ksym *sym, __u64 addr, char *buf, size_t len)
{
	if (sym)
		return sym->name;
	snprintf(buf, len, "0x%llx", (unsigned long long)addr);
	return buf;
}

const char *naming_frame(const struct ksyms *ks, __u64 ip, char *buf, size_t len)
{
	size_t n;

	ksyms__symdata(ks, ip, buf, len);
	n = strlen(buf);
	if (n > 9 && !strcmp(buf + n - 9, " [kernel]"))
		buf[n - 9] = 0;
	return buf;
}

const char *naming_reason(const struct reasons *rs, bool have_reasons, __u32 reason, char *buf,
			  size_t len)
{
	const char *name = rs ? reasons__name(rs, reason) : NULL;

	if (name)
		return name;
	if (!have_reasons)
		return "unknown";
	snprintf(buf, len, "reason_%u", reason);
	return buf;
}

const char *naming_proto(__u16 protocol, char *buf, size_t len)
{
	const char *p = packet__ethertype_name(protocol);

	if (p)
		return p;
	snprintf(buf, len, "0x%04x", protocol);
	return buf;
}

const char *naming_device(const char *field, char *buf, size_t len)
{
	char copy[17];

	memcpy(copy, field, 16);
	copy[16] = 0;
	return escape_name_or_none(buf, len, copy);
}
