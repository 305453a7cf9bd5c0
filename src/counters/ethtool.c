// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "counters/ethtool.h"
#include "lib/netns.h"

struct ring_job {
	const char *ifname;
	struct ring_size *r;
};

/* The ioctl names the device in the namespace of the socket: made here. */
static int query(void *arg)
{
	struct ring_job *j = arg;
	struct ethtool_ringparam rp = { .cmd = ETHTOOL_GRINGPARAM };
	struct ifreq ifr = {};
	int fd, err = 0;

	if (strlen(j->ifname) >= sizeof(ifr.ifr_name))
		return -EINVAL;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	strcpy(ifr.ifr_name, j->ifname);
	ifr.ifr_data = (void *)&rp;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		err = -errno;
	close(fd);
	if (err)
		return err;
	*j->r = (struct ring_size){ rp.rx_pending, rp.rx_max_pending, rp.tx_pending,
				    rp.tx_max_pending };
	return 0;
}

int ethtool_ring(const char *netns, const char *ifname, struct ring_size *r)
{
	struct ring_job j = { ifname, r };
	int fd, err;

	if (!netns)
		return query(&j);
	fd = netns_open(netns);
	if (fd < 0)
		return fd;
	err = netns_run_in(fd, query, &j);
	close(fd);
	return err;
}
