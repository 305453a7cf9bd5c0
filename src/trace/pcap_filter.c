// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>

#include "trace/pcap_filter.h"

#ifdef DROPSCOPE_NO_PCAP
struct pktfilter *pktfilter__compile(const char *expr, char *err, size_t errlen)
{
	(void)expr;
	snprintf(err, errlen,
		 "this static build has no libpcap (its static library needs libsystemd); "
		 "use --proto, --dev, --netns or a dynamic build");
	return NULL;
}

bool pktfilter__match(const struct pktfilter *f, const void *data, uint32_t caplen, uint32_t len)
{
	(void)f;
	(void)data;
	(void)caplen;
	(void)len;
	return true;
}

void pktfilter__free(struct pktfilter *f)
{
	(void)f;
}
#else
#include <pcap/pcap.h>

struct pktfilter {
	struct bpf_program prog;
};

struct pktfilter *pktfilter__compile(const char *expr, char *err, size_t errlen)
{
	struct pktfilter *f = calloc(1, sizeof(*f));
	pcap_t *p;

	if (!f) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* A dead handle: compile for Ethernet frames without opening a device.
	 * The snaplen only bounds loads the filter may attempt. */
	p = pcap_open_dead(DLT_EN10MB, 65535);
	if (!p) {
		snprintf(err, errlen, "pcap_open_dead failed");
		free(f);
		return NULL;
	}
	if (pcap_compile(p, &f->prog, expr, 1, PCAP_NETMASK_UNKNOWN)) {
		snprintf(err, errlen, "%s", pcap_geterr(p));
		pcap_close(p);
		free(f);
		return NULL;
	}
	pcap_close(p);
	return f;
}

bool pktfilter__match(const struct pktfilter *f, const void *data, uint32_t caplen, uint32_t len)
{
	struct pcap_pkthdr h = { .caplen = caplen, .len = len };

	return pcap_offline_filter(&f->prog, &h, data) != 0;
}

void pktfilter__free(struct pktfilter *f)
{
	if (!f)
		return;
	pcap_freecode(&f->prog);
	free(f);
}
#endif /* DROPSCOPE_NO_PCAP */
