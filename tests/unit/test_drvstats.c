// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for src/counters/drvstats.c: which driver counter names are
 * kept as drop counters (the names of real drivers: veth, mlx5, ixgbe,
 * igb, i40e, virtio_net), names that fill all 32 bytes without a NUL, and
 * the reader on loopback (no statistics) and a device that is gone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

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
	assert_int_equal(drvstats_read(fd, d, 2, &out), 0);
	free(out);
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kept),
		cmocka_unit_test(test_not_kept),
		cmocka_unit_test(test_loopback_and_gone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
