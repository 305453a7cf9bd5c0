// SPDX-License-Identifier: GPL-2.0
/*
 * Why the ioctl and not ethtool netlink: netlink's ETHTOOL_MSG_STATS_GET
 * carries only the standard groups (IEEE 802.3 MAC/PHY/ctrl, RMON), which
 * have no ring-overflow, missed-frame or XDP counters, and netlink has no
 * message for the values of a driver's own string set (ethtool(8) itself
 * still reads `ethtool -S` through ETHTOOL_GSTATS). The driver's own set is
 * where rx_missed, rx_no_buffer, rx_out_of_buffer and xdp_drops live, so it
 * is read, by the same three ioctls, which need no privilege.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/sockios.h>

#include "counters/devstats.h"
#include "counters/drvstats.h"
#include "lib/netlink.h"

/* More than any driver has (mlx5 ~ 2000 with many queues): a bound on what
 * a driver may make us allocate. */
#define DRV_STRINGS_MAX 16384

/*
 * Order matters only for which `why` is reported; every pattern is a
 * substring of the lower-cased name, so "rx_queue_0_xdp_drops" and
 * "rx_xdp_drop" both match "xdp_drop".
 */
const struct drv_pattern drv_patterns[] = {
	{ "xdp_drop", "frames an XDP program returned XDP_DROP for (veth, mlx5, i40e...): they "
		      "never become skbs, so no tracepoint sees them" },
	{ "drop", "frames the driver or NIC dropped: a full ring, no memory, a filter" },
	{ "discard", "frames the NIC discarded (mlx5 rx_discards_phy: no receive buffer on the "
		     "port; i40e rx_discards)" },
	{ "miss", "frames the NIC missed because the receive ring was full (rx_missed_errors, "
		  "ixgbe/igb rx_missed)" },
	{ "no_buf", "frames lost for want of a receive buffer (igb/e1000e rx_no_buffer_count)" },
	{ "nobuf", "the same, spelled without the underscore (rx_nobuf)" },
	{ "no_buffer", "the same, spelled out" },
	{ "out_of_buffer", "frames the NIC could not place: no receive WQE posted (mlx5 "
			   "rx_out_of_buffer)" },
	{ "fifo", "frames lost to a full receive or transmit FIFO (rx_fifo_errors)" },
	{ "overrun", "frames lost to a ring or FIFO overrun (rx_overruns)" },
	{ "over_errors", "ring overflows counted as rx_over_errors" },
};
const size_t drv_pattern_count = sizeof(drv_patterns) / sizeof(drv_patterns[0]);

int drvstats_match(const char *name, size_t len)
{
	char low[ETH_GSTRING_LEN + 1];
	size_t n = 0;

	for (; n < len && n < ETH_GSTRING_LEN && name[n]; n++)
		low[n] = (char)(name[n] >= 'A' && name[n] <= 'Z' ? name[n] + 32 : name[n]);
	low[n] = 0;
	for (size_t i = 0; i < drv_pattern_count; i++)
		if (strstr(low, drv_patterns[i].part))
			return (int)i;
	return -1;
}

const char *drvstats_class(const char *name)
{
	int i = drvstats_match(name, strlen(name));
	const char *part = i < 0 ? NULL : drv_patterns[i].part;

	if (part && (!strcmp(part, "nobuf") || !strcmp(part, "no_buffer")))
		return "no_buf";
	if (part && !strcmp(part, "over_errors"))
		return "overrun";
	return part;
}

/* One device's string set as last read: its drop counters' places and names. */
struct drv_kept {
	__u32 idx;			/* its place in the values */
	char name[ETH_GSTRING_LEN + 1]; /* NUL-terminated */
};

struct drv_names {
	int ifindex;
	char dev[IFNAMSIZ];
	__u32 count; /* the set's length the names were read with */
	size_t nkept;
	struct drv_kept *kept;
	unsigned gen; /* the read that last listed the device */
};

/*
 * Where the kernel writes a set's names or values: ETHTOOL_GSTRINGS and
 * ETHTOOL_GSTATS write as many as the driver has at the time of the call,
 * whatever length we asked with, so a set that grew since its count was
 * asked (queues added) would be written past a heap buffer. This buffer
 * ends where an inaccessible page begins: a longer write fails (EFAULT)
 * and the device is left out that time.
 */
struct guarded {
	char *map; /* the mapping: len usable bytes, then the guard page */
	size_t len;
};

/* need bytes ending at the guard page (grown when needed), or NULL. */
static void *guarded_get(struct guarded *g, size_t need)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), len = (need + pg - 1) / pg * pg;
	char *m;

	if (g->map && g->len >= len)
		return g->map + g->len - need;
	if (g->map)
		munmap(g->map, g->len + pg);
	g->map = NULL;
	m = mmap(NULL, len + pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	if (mprotect(m + len, pg, PROT_NONE)) {
		munmap(m, len + pg);
		return NULL;
	}
	g->map = m;
	g->len = len;
	/* need is a multiple of the struct's alignment (8 for values, 4 for
	 * names), the end page-aligned: so is the start. */
	return m + len - need;
}

static void guarded_free(struct guarded *g)
{
	if (g->map)
		munmap(g->map, g->len + (size_t)sysconf(_SC_PAGESIZE));
	g->map = NULL;
	g->len = 0;
}

struct drv_cache {
	struct drv_names *d;
	size_t n, cap;
	unsigned gen;
	struct guarded buf; /* for names and values, one call at a time */
};

struct drv_cache *drv_cache_new(void)
{
	return calloc(1, sizeof(struct drv_cache));
}

static void names_clear(struct drv_names *e)
{
	free(e->kept);
	e->kept = NULL;
	e->nkept = 0;
	e->count = 0;
	e->ifindex = 0;
	e->dev[0] = 0;
}

void drv_cache_free(struct drv_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		names_clear(&c->d[i]);
	free(c->d);
	guarded_free(&c->buf);
	free(c);
}

static int sys_ethtool(void *ctx, const char *dev, void *data)
{
	struct ifreq ifr = {};

	if (strlen(dev) >= sizeof(ifr.ifr_name))
		return -EINVAL;
	strcpy(ifr.ifr_name, dev);
	ifr.ifr_data = data;
	return ioctl(*(int *)ctx, SIOCETHTOOL, &ifr) ? -errno : 0;
}

struct drv_io {
	drv_ioctl_fn fn;
	void *ctx;
};

/* The driver's ETH_SS_STATS count, or -errno (-EOPNOTSUPP: it has none). */
static int stat_count(const struct drv_io *io, const char *dev)
{
	/* struct ethtool_sset_info ends in a flexible array: the kernel writes
	 * one __u32 per set asked for right after it, so the buffer is the
	 * header and room for that one length, in a union for alignment. */
	union {
		struct ethtool_sset_info hdr;
		__u8 buf[sizeof(struct ethtool_sset_info) + sizeof(__u32)];
	} si = { .hdr = { .cmd = ETHTOOL_GSSET_INFO, .sset_mask = 1ULL << ETH_SS_STATS } };
	int err = io->fn(io->ctx, dev, &si);
	__u32 len;

	if (err)
		return err;
	if (!(si.hdr.sset_mask & (1ULL << ETH_SS_STATS)))
		return 0;
	memcpy(&len, si.buf + sizeof(si.hdr), sizeof(len));
	return len > DRV_STRINGS_MAX ? -E2BIG : (int)len;
}

/*
 * Read the names of d's set of cnt (ETHTOOL_GSTRINGS) into e: only the drop
 * counters' are kept. 0, or -errno (e then empty); -ESTALE: the set changed
 * under the call.
 */
static int read_names(const struct drv_io *io, struct guarded *buf, const struct dev_stats *d,
		      int cnt, struct drv_names *e)
{
	size_t need = sizeof(struct ethtool_gstrings) + (size_t)cnt * ETH_GSTRING_LEN;
	struct ethtool_gstrings *gs = guarded_get(buf, need);
	int err = -ENOMEM;

	names_clear(e);
	if (!gs)
		return err;
	memset(gs, 0, need);
	gs->cmd = ETHTOOL_GSTRINGS;
	gs->string_set = ETH_SS_STATS;
	gs->len = (__u32)cnt;
	err = io->fn(io->ctx, d->name, gs);
	if (err)
		goto out;
	err = -ESTALE;
	if (gs->len != (__u32)cnt)
		goto out;
	err = 0;
	for (int i = 0; i < cnt; i++) {
		const char *name = (const char *)gs->data + (size_t)i * ETH_GSTRING_LEN;
		struct drv_kept *k;

		if (drvstats_match(name, ETH_GSTRING_LEN) < 0)
			continue;
		/* One at a time: a set has a handful of drop counters. */
		k = realloc(e->kept, (e->nkept + 1) * sizeof(*k));
		if (!k) {
			names_clear(e);
			err = -ENOMEM;
			goto out;
		}
		e->kept = k;
		k = &e->kept[e->nkept++];
		k->idx = (__u32)i;
		memcpy(k->name, name, ETH_GSTRING_LEN);
		k->name[ETH_GSTRING_LEN] = 0;
	}
	e->ifindex = d->ifindex;
	memcpy(e->dev, d->name, sizeof(e->dev));
	e->dev[IFNAMSIZ - 1] = 0;
	e->count = (__u32)cnt;
out:
	/* Written past what we asked for: the set grew under the call. */
	return err == -EFAULT ? -ESTALE : err;
}

/* d's entry in the cache (a new, empty one when it has none); NULL: no memory. */
static struct drv_names *cache_entry(struct drv_cache *c, const struct dev_stats *d)
{
	void *p;

	for (size_t i = 0; i < c->n; i++)
		if (c->d[i].ifindex == d->ifindex) {
			c->d[i].gen = c->gen;
			return &c->d[i];
		}
	p = nl_grow(c->d, &c->cap, c->n, sizeof(*c->d));
	if (!p)
		return NULL;
	c->d = p;
	memset(&c->d[c->n], 0, sizeof(*c->d));
	c->d[c->n].gen = c->gen;
	return &c->d[c->n++];
}

/* Append the drop counters of one device to *out (n of them, cap). */
static int read_dev(const struct drv_io *io, struct drv_cache *cache, struct guarded *buf,
		    const struct dev_stats *d, struct drv_counter **out, size_t *n, size_t *cap)
{
	struct drv_names tmp = {}, *e = &tmp;
	struct ethtool_stats *st = NULL;
	int cnt = stat_count(io, d->name), err = 0;
	size_t need;

	if (cache && !(e = cache_entry(cache, d)))
		return -ENOMEM;
	if (cnt <= 0) {
		err = cnt == -EOPNOTSUPP || cnt == -ENODEV ? 0 : cnt;
		goto out_forget;
	}
	/* Names of another device, or of another set of this one. */
	if (e->ifindex != d->ifindex || e->count != (__u32)cnt ||
	    strncmp(e->dev, d->name, sizeof(e->dev))) {
		err = read_names(io, buf, d, cnt, e);
		if (err)
			goto out_forget;
	}
	/* No drop counter among the names: no values to ask for. */
	if (!e->nkept)
		goto out;
	err = -ENOMEM;
	need = sizeof(*st) + (size_t)cnt * sizeof(__u64);
	st = guarded_get(buf, need);
	if (!st)
		goto out;
	memset(st, 0, need);
	st->cmd = ETHTOOL_GSTATS;
	st->n_stats = (__u32)cnt;
	err = io->fn(io->ctx, d->name, st);
	if (err == -EFAULT) /* more values than asked for: the set grew */
		err = -ESTALE;
	if (err)
		goto out_forget;
	/* The set changed since its count was asked (queues added): the
	 * names may not be the values' names, so this device is left out
	 * this time and its names read again the next. */
	if (st->n_stats != (__u32)cnt) {
		err = -ESTALE;
		goto out_forget;
	}
	for (size_t i = 0; i < e->nkept; i++) {
		struct drv_counter *c;
		void *p = nl_grow(*out, cap, *n, sizeof(**out));

		if (!p) {
			err = -ENOMEM;
			goto out;
		}
		*out = p;
		c = &(*out)[(*n)++];
		memset(c, 0, sizeof(*c));
		c->ifindex = d->ifindex;
		memcpy(c->dev, d->name, sizeof(c->dev));
		c->dev[IFNAMSIZ - 1] = 0;
		memcpy(c->name, e->kept[i].name, sizeof(c->name));
		c->value = st->data[e->kept[i].idx];
	}
	err = 0;
	goto out;
out_forget:
	names_clear(e);
	/* Gone since the link dump, a driver that refuses, or a set that
	 * changed under us: not an error of ours. */
	if (err == -ENODEV || err == -EOPNOTSUPP || err == -ESTALE)
		err = 0;
out:
	if (e == &tmp)
		names_clear(&tmp);
	return err;
}

/* Forget the devices the last read did not list (deleted, or moved away). */
static void cache_prune(struct drv_cache *c)
{
	size_t j = 0;

	for (size_t i = 0; i < c->n; i++) {
		if (c->d[i].gen != c->gen || !c->d[i].ifindex) {
			names_clear(&c->d[i]);
			continue;
		}
		c->d[j++] = c->d[i];
	}
	c->n = j;
}

int drvstats_read_with(drv_ioctl_fn fn, void *ctx, struct drv_cache *cache,
		       const struct dev_stats *devs, size_t ndev, struct drv_counter **out)
{
	struct drv_io io = { fn, ctx };
	struct guarded own = {}, *buf = cache ? &cache->buf : &own;
	size_t n = 0, cap = 0;
	int err = 0;

	*out = NULL;
	if (cache)
		cache->gen++;
	for (size_t i = 0; i < ndev; i++) {
		int rc = read_dev(&io, cache, buf, &devs[i], out, &n, &cap);

		/* One device's failure leaves the others' counters in. */
		if (rc && !err)
			err = rc;
		if (rc == -ENOMEM)
			break;
	}
	guarded_free(&own);
	/* Not after running out of memory: devices not reached stay. */
	if (cache && err != -ENOMEM)
		cache_prune(cache);
	if (err == -ENOMEM) {
		free(*out);
		*out = NULL;
		return err;
	}
	return err && !n ? err : (int)n;
}

int drvstats_read(int fd, struct drv_cache *cache, const struct dev_stats *devs, size_t ndev,
		  struct drv_counter **out)
{
	return drvstats_read_with(sys_ethtool, &fd, cache, devs, ndev, out);
}
