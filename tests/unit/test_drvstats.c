// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for src/counters/drvstats.c: which driver counter names are
 * kept as drop counters (the names of real drivers: veth, mlx5, ixgbe,
 * igb, i40e, virtio_net), names that fill all 32 bytes without a NUL, and
 * the reader on loopback (no statistics) and a device that is gone, and
 * the names kept between reads (struct drv_cache) against a fake driver:
 * read once, read again when the count, ifindex or name changes or a
 * values call answers another count, never a value under an old name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stdio.h>
#include <sys/socket.h>
#include <linux/ethtool.h>

#include "counters/devstats.h"
#include "counters/drvstats.h"

static void test_kept(void **state)
{
	static const char *const kept[] = {
		"rx_queue_0_xdp_drops",
		"rx_queue_0_drops",
		"rx_dropped",
		"rx_discards_phy",
		"rx_missed_errors",
		"rx_missed",
		"rx_no_buffer_count",
		"rx_out_of_buffer",
		"rx_fifo_errors",
		"rx_overruns",
		"rx_over_errors",
		"RX_DROPS",
		"rx_nobuf",
		"rx_xdp_drops",
		"tx_dropped",
	};
	(void)state;

	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		assert_true(drvstats_match(kept[i], strlen(kept[i])) >= 0);
	/* The most specific reason wins where several patterns match. */
	assert_string_equal(drv_patterns[drvstats_match("rx_queue_0_xdp_drops", 20)].part,
			    "xdp_drop");
	for (size_t i = 0; i < drv_pattern_count; i++)
		assert_true(drv_patterns[i].why && *drv_patterns[i].why);
}

static void test_not_kept(void **state)
{
	static const char *const other[] = {
		"rx_queue_0_xdp_packets",   "peer_ifindex",	   "rx_bytes", "tx_packets",
		"rx_queue_0_xdp_tx_errors", "rx_csum_unnecessary", "",
	};
	char full[ETH_GSTRING_LEN];
	(void)state;

	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		assert_int_equal(drvstats_match(other[i], strlen(other[i])), -1);
	/* 32 bytes, no NUL: only those are read ("drop" would be past them). */
	memset(full, 'x', sizeof(full));
	assert_int_equal(drvstats_match(full, sizeof(full)), -1);
	memcpy(full + sizeof(full) - 4, "drop", 4);
	assert_true(drvstats_match(full, sizeof(full)) >= 0);
}

static void test_loopback_and_gone(void **state)
{
	struct dev_stats d[2] = { { .ifindex = 1, .name = "lo" },
				  { .ifindex = 999999, .name = "dsgone0" } };
	struct drv_counter *out = NULL;
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	(void)state;

	assert_true(fd >= 0);
	assert_int_equal(drvstats_read(fd, NULL, d, 2, &out), 0);
	free(out);
	close(fd);
}

/* A driver whose set the test changes between reads. */
struct fake {
	const char *names[8];
	__u64 values[8];
	__u32 count;
	int stats_count_delta;	     /* the values call answers count + this */
	int nsset, nstrings, nstats; /* calls seen */
	bool faulted;		     /* a write past our buffer was refused */
};

static int fake_ioctl(void *ctx, const char *dev, void *data)
{
	struct fake *f = ctx;
	__u32 cmd;

	(void)dev;
	memcpy(&cmd, data, sizeof(cmd));
	if (cmd == ETHTOOL_GSSET_INFO) {
		struct ethtool_sset_info *si = data;

		f->nsset++;
		memcpy(si->data, &f->count, sizeof(f->count));
		return 0;
	}
	if (cmd == ETHTOOL_GSTRINGS) {
		struct ethtool_gstrings *gs = data;

		f->nstrings++;
		assert_int_equal(gs->len, f->count);
		for (__u32 i = 0; i < f->count; i++)
			strncpy((char *)gs->data + i * ETH_GSTRING_LEN, f->names[i],
				ETH_GSTRING_LEN);
		return 0;
	}
	if (cmd == ETHTOOL_GSTATS) {
		struct ethtool_stats *st = data;
		__u32 n = f->count + (__u32)f->stats_count_delta;

		f->nstats++;
		/* As the kernel: its own count, written whatever we asked
		 * for. A set that grew is written as copy_to_user would (a
		 * read from /dev/zero: a fault is EFAULT, not a crash). */
		if (n > st->n_stats) {
			int z = open("/dev/zero", O_RDONLY);
			ssize_t r = pread(z, st->data, (size_t)n * sizeof(__u64), 0);

			close(z);
			f->faulted = r != (ssize_t)(n * sizeof(__u64));
			return f->faulted ? -EFAULT : 0;
		}
		for (__u32 i = 0; i < n; i++)
			st->data[i] = f->values[i];
		st->n_stats = n;
		return 0;
	}
	return -EOPNOTSUPP;
}

static int read_fake(struct fake *f, struct drv_cache *c, const struct dev_stats *d,
		     struct drv_counter **out)
{
	return drvstats_read_with(fake_ioctl, f, c, d, 1, out);
}

static void test_cache_reads_names_once(void **state)
{
	struct fake f = { .names = { "rx_packets", "rx_drops", "rx_bytes", "tx_dropped" },
			  .values = { 100, 7, 5000, 3 },
			  .count = 4 };
	struct dev_stats d = { .ifindex = 5, .name = "eth9" };
	struct drv_cache *c = drv_cache_new();
	struct drv_counter *out;
	(void)state;

	assert_non_null(c);
	for (int i = 0; i < 3; i++) {
		f.values[1] = 7 + (__u64)i;
		assert_int_equal(read_fake(&f, c, &d, &out), 2);
		assert_string_equal(out[0].name, "rx_drops");
		assert_int_equal(out[0].value, 7 + i);
		assert_string_equal(out[1].name, "tx_dropped");
		assert_int_equal(out[1].value, 3);
		assert_string_equal(out[0].dev, "eth9");
		assert_int_equal(out[0].ifindex, 5);
		free(out);
	}
	assert_int_equal(f.nstrings, 1);
	assert_int_equal(f.nstats, 3);
	assert_int_equal(f.nsset, 3);
	/* Without a cache: the names every time. */
	assert_int_equal(read_fake(&f, NULL, &d, &out), 2);
	free(out);
	assert_int_equal(f.nstrings, 2);
	drv_cache_free(c);
}

static void test_cache_count_changes(void **state)
{
	struct fake f = { .names = { "rx_packets", "rx_drops" }, .values = { 1, 2 }, .count = 2 };
	struct dev_stats d = { .ifindex = 5, .name = "eth9" };
	struct drv_cache *c = drv_cache_new();
	struct drv_counter *out;
	(void)state;

	assert_int_equal(read_fake(&f, c, &d, &out), 1);
	assert_int_equal(out[0].value, 2);
	free(out);
	/* A queue added: the set is longer and the drop counter moved. */
	f = (struct fake){ .names = { "rx_packets", "q1_packets", "q0_drops", "q1_drops" },
			   .values = { 1, 9, 2, 4 },
			   .count = 4 };
	assert_int_equal(read_fake(&f, c, &d, &out), 2);
	assert_string_equal(out[0].name, "q0_drops");
	assert_int_equal(out[0].value, 2);
	assert_string_equal(out[1].name, "q1_drops");
	assert_int_equal(out[1].value, 4);
	free(out);
	assert_int_equal(f.nstrings, 1);
	drv_cache_free(c);
}

static void test_cache_device_changes(void **state)
{
	struct fake f = { .names = { "rx_drops" }, .values = { 2 }, .count = 1 };
	struct dev_stats d = { .ifindex = 5, .name = "eth9" };
	struct drv_cache *c = drv_cache_new();
	struct drv_counter *out;
	(void)state;

	assert_int_equal(read_fake(&f, c, &d, &out), 1);
	free(out);
	/* Renamed, same ifindex and count: read again. */
	f.names[0] = "rx_missed";
	snprintf(d.name, sizeof(d.name), "%s", "eth10");
	assert_int_equal(read_fake(&f, c, &d, &out), 1);
	assert_string_equal(out[0].name, "rx_missed");
	assert_string_equal(out[0].dev, "eth10");
	free(out);
	assert_int_equal(f.nstrings, 2);
	/* Another device under the old name (a new ifindex): read again. */
	f.names[0] = "rx_fifo_errors";
	d.ifindex = 6;
	assert_int_equal(read_fake(&f, c, &d, &out), 1);
	assert_string_equal(out[0].name, "rx_fifo_errors");
	assert_int_equal(out[0].ifindex, 6);
	free(out);
	assert_int_equal(f.nstrings, 3);
	/* Not listed by a read: forgotten, so read again when it is back. */
	assert_int_equal(drvstats_read_with(fake_ioctl, &f, c, &d, 0, &out), 0);
	free(out);
	assert_int_equal(read_fake(&f, c, &d, &out), 1);
	free(out);
	assert_int_equal(f.nstrings, 4);
	drv_cache_free(c);
}

static void test_cache_set_changes_under_values(void **state)
{
	struct fake f = { .names = { "rx_drops", "rx_packets" }, .values = { 2, 8 }, .count = 2 };
	struct dev_stats d = { .ifindex = 5, .name = "eth9" };
	struct drv_cache *c = drv_cache_new();
	struct drv_counter *out;
	(void)state;

	assert_int_equal(read_fake(&f, c, &d, &out), 1);
	free(out);
	/* The values call answers another count than the set had: this
	 * device is left out, and its names read again the next time. */
	f.stats_count_delta = -1;
	assert_int_equal(read_fake(&f, c, &d, &out), 0);
	free(out);
	f.stats_count_delta = 0;
	assert_int_equal(read_fake(&f, c, &d, &out), 1);
	assert_int_equal(out[0].value, 2);
	free(out);
	assert_int_equal(f.nstrings, 2);
	drv_cache_free(c);
}

static void test_set_grows_under_values(void **state)
{
	struct fake f = { .names = { "rx_drops", "rx_packets" }, .values = { 2, 8 }, .count = 2 };
	struct dev_stats d = { .ifindex = 5, .name = "eth9" };
	struct drv_cache *c = drv_cache_new();
	struct drv_counter *out;
	(void)state;

	assert_int_equal(read_fake(&f, c, &d, &out), 1);
	free(out);
	/* Queues added between the count and the values: the kernel writes
	 * 100 more values than we asked for. They meet the guard page, not
	 * our heap; the device is left out and its names read again. */
	f.stats_count_delta = 100;
	assert_int_equal(read_fake(&f, c, &d, &out), 0);
	free(out);
	assert_true(f.faulted);
	f.stats_count_delta = 0;
	assert_int_equal(read_fake(&f, c, &d, &out), 1);
	assert_int_equal(out[0].value, 2);
	free(out);
	assert_int_equal(f.nstrings, 2);
	/* The same without a cache (a buffer of its own). */
	f.stats_count_delta = 1;
	f.faulted = false;
	assert_int_equal(read_fake(&f, NULL, &d, &out), 0);
	free(out);
	assert_true(f.faulted);
	drv_cache_free(c);
}

static void test_cache_no_drop_counter(void **state)
{
	struct fake f = { .names = { "rx_packets", "rx_bytes" }, .values = { 1, 2 }, .count = 2 };
	struct dev_stats d = { .ifindex = 5, .name = "ifb9" };
	struct drv_cache *c = drv_cache_new();
	struct drv_counter *out;
	(void)state;

	for (int i = 0; i < 3; i++) {
		assert_int_equal(read_fake(&f, c, &d, &out), 0);
		free(out);
	}
	/* No drop counter among its names: its values are never asked for. */
	assert_int_equal(f.nstrings, 1);
	assert_int_equal(f.nstats, 0);
	/* A set that gains one is seen by its count. */
	f.names[2] = "rx_drops";
	f.values[2] = 11;
	f.count = 3;
	assert_int_equal(read_fake(&f, c, &d, &out), 1);
	assert_int_equal(out[0].value, 11);
	free(out);
	drv_cache_free(c);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kept),
		cmocka_unit_test(test_not_kept),
		cmocka_unit_test(test_loopback_and_gone),
		cmocka_unit_test(test_cache_reads_names_once),
		cmocka_unit_test(test_cache_count_changes),
		cmocka_unit_test(test_cache_device_changes),
		cmocka_unit_test(test_cache_set_changes_under_values),
		cmocka_unit_test(test_cache_no_drop_counter),
		cmocka_unit_test(test_set_grows_under_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
