// SPDX-License-Identifier: GPL-2.0
#include <stddef.h>
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
#include <dlfcn.h>
#include <string.h>
#include <pcap/pcap.h>

/*
 * libpcap is loaded at run time, only when an expression is given: linked
 * in, it and what it pulls in (libdbus, libsystemd, libgcrypt, ...) cost
 * every mode ~1.2 MB of resident memory at start, more than summary mode's
 * whole footprint target above the floor loader (bench/README.md).
 */
struct pcap_api {
	void *handle;
	__typeof__(pcap_open_dead) *open_dead;
	__typeof__(pcap_compile) *compile;
	__typeof__(pcap_geterr) *geterr;
	__typeof__(pcap_close) *close;
	__typeof__(pcap_offline_filter) *offline_filter;
	__typeof__(pcap_freecode) *freecode;
};

struct pktfilter {
	struct bpf_program prog;
	struct pcap_api api;
};

/* Debian's and Ubuntu's soname first, then the upstream one. */
static const char *const pcap_sonames[] = { "libpcap.so.0.8", "libpcap.so.1" };

static int pcap_load(struct pcap_api *api, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		size_t off;
	} fns[] = {
#define FN(f, m)                                                                                   \
	{                                                                                          \
		"pcap_" #f, offsetof(struct pcap_api, m)                                           \
	}
		FN(open_dead, open_dead),
		FN(compile, compile),
		FN(geterr, geterr),
		FN(close, close),
		FN(offline_filter, offline_filter),
		FN(freecode, freecode),
#undef FN
	};

	memset(api, 0, sizeof(*api));
	for (size_t i = 0; i < sizeof(pcap_sonames) / sizeof(pcap_sonames[0]) && !api->handle; i++)
		api->handle = dlopen(pcap_sonames[i], RTLD_NOW | RTLD_LOCAL);
	if (!api->handle) {
		snprintf(err, errlen, "cannot load %s: %s (install libpcap0.8)", pcap_sonames[0],
			 dlerror());
		return -1;
	}
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		void *p = dlsym(api->handle, fns[i].name);

		if (!p) {
			snprintf(err, errlen, "libpcap has no %s", fns[i].name);
			dlclose(api->handle);
			api->handle = NULL;
			return -1;
		}
		memcpy((char *)api + fns[i].off, &p, sizeof(p));
	}
	return 0;
}

struct pktfilter *pktfilter__compile(const char *expr, char *err, size_t errlen)
{
	struct pktfilter *f = calloc(1, sizeof(*f));
	pcap_t *p;

	if (!f) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (pcap_load(&f->api, err, errlen)) {
		free(f);
		return NULL;
	}
	/* A dead handle: compile for Ethernet frames without opening a device.
	 * The snaplen only bounds loads the filter may attempt. */
	p = f->api.open_dead(DLT_EN10MB, 65535);
	if (!p) {
		snprintf(err, errlen, "pcap_open_dead failed");
		goto fail;
	}
	if (f->api.compile(p, &f->prog, expr, 1, PCAP_NETMASK_UNKNOWN)) {
		snprintf(err, errlen, "%s", f->api.geterr(p));
		f->api.close(p);
		goto fail;
	}
	f->api.close(p);
	return f;
fail:
	dlclose(f->api.handle);
	free(f);
	return NULL;
}

bool pktfilter__match(const struct pktfilter *f, const void *data, uint32_t caplen, uint32_t len)
{
	struct pcap_pkthdr h = { .caplen = caplen, .len = len };

	return f->api.offline_filter(&f->prog, &h, data) != 0;
}

void pktfilter__free(struct pktfilter *f)
{
	if (!f)
		return;
	f->api.freecode(&f->prog);
	dlclose(f->api.handle);
	free(f);
}
#endif /* DROPSCOPE_NO_PCAP */
