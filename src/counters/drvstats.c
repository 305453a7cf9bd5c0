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
#include <sys/ioctl.h>
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

static int ethtool(int fd, const char *dev, void *data)
{
	struct ifreq ifr = {};

	if (strlen(dev) >= sizeof(ifr.ifr_name))
		return -EINVAL;
	strcpy(ifr.ifr_name, dev);
	ifr.ifr_data = data;
	return ioctl(fd, SIOCETHTOOL, &ifr) ? -errno : 0;
}

/* The driver's ETH_SS_STATS count, or -errno (-EOPNOTSUPP: it has none). */
static int stat_count(int fd, const char *dev)
{
	/* struct ethtool_sset_info ends in a flexible array: the kernel writes
	 * one __u32 per set asked for right after it, so the buffer is the
	 * header and room for that one length, in a union for alignment. */
	union {
		struct ethtool_sset_info hdr;
		__u8 buf[sizeof(struct ethtool_sset_info) + sizeof(__u32)];
	} si = { .hdr = { .cmd = ETHTOOL_GSSET_INFO, .sset_mask = 1ULL << ETH_SS_STATS } };
	int err = ethtool(fd, dev, &si);
	__u32 len;

	if (err)
		return err;
	if (!(si.hdr.sset_mask & (1ULL << ETH_SS_STATS)))
		return 0;
	memcpy(&len, si.buf + sizeof(si.hdr), sizeof(len));
	return len > DRV_STRINGS_MAX ? -E2BIG : (int)len;
}

/* Append the drop counters of one device to *out (n of them, cap). */
static int read_dev(int fd, const struct dev_stats *d, struct drv_counter **out, size_t *n,
		    size_t *cap)
{
	struct ethtool_gstrings *gs = NULL;
	struct ethtool_stats *st = NULL;
	int cnt = stat_count(fd, d->name), err;

	if (cnt <= 0)
		return cnt == -EOPNOTSUPP || cnt == -ENODEV ? 0 : cnt;
	gs = calloc(1, sizeof(*gs) + (size_t)cnt * ETH_GSTRING_LEN);
	st = calloc(1, sizeof(*st) + (size_t)cnt * sizeof(__u64));
	err = -ENOMEM;
	if (!gs || !st)
		goto out;
	gs->cmd = ETHTOOL_GSTRINGS;
	gs->string_set = ETH_SS_STATS;
	gs->len = (__u32)cnt;
	st->cmd = ETHTOOL_GSTATS;
	st->n_stats = (__u32)cnt;
	err = ethtool(fd, d->name, gs);
	if (!err)
		err = ethtool(fd, d->name, st);
	/* Gone since the link dump, or a driver that refuses: not an error of ours. */
	if (err == -ENODEV || err == -EOPNOTSUPP) {
		err = 0;
		goto out;
	}
	if (err)
		goto out;
	/* The set changed between the calls (queues added): the names may
	 * not be the values' names, so this device is left out this time. */
	if (gs->len != (__u32)cnt || st->n_stats != (__u32)cnt)
		goto out;
	for (int i = 0; i < cnt; i++) {
		const char *name = (const char *)gs->data + (size_t)i * ETH_GSTRING_LEN;
		struct drv_counter *c;
		void *p;

		if (drvstats_match(name, ETH_GSTRING_LEN) < 0)
			continue;
		p = nl_grow(*out, cap, *n, sizeof(**out));
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
		memcpy(c->name, name, ETH_GSTRING_LEN);
		c->name[ETH_GSTRING_LEN] = 0;
		c->value = st->data[i];
	}
out:
	free(gs);
	free(st);
	return err;
}

int drvstats_read(int fd, const struct dev_stats *devs, size_t ndev, struct drv_counter **out)
{
	size_t n = 0, cap = 0;
	int err = 0;

	*out = NULL;
	for (size_t i = 0; i < ndev; i++) {
		int rc = read_dev(fd, &devs[i], out, &n, &cap);

		/* One device's failure leaves the others' counters in. */
		if (rc && !err)
			err = rc;
		if (rc == -ENOMEM)
			break;
	}
	if (err == -ENOMEM) {
		free(*out);
		*out = NULL;
		return err;
	}
	return err && !n ? err : (int)n;
}
