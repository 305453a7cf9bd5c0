// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for src/render/naming.c: the one way every view names a
 * location (each --symbols style), a frame, a reason (one spelling for an
 * unknown one), a protocol and a device, against the kallsyms and reason
 * fixtures the summary's tests use.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "render/naming.h"

#define KALLSYMS_FIXTURE "tests/unit/fixtures/report/kallsyms"
#define REASONS_FIXTURE	 "tests/unit/fixtures/reasons/kfree_skb-6.1.format"

#define A_TCP		 0xffffffff814a104aULL /* tcp_v4_rcv+0xaa/0x8d0 */
#define NFT		 0xffffffffc0a011e4ULL /* nft_do_chain+0x1d4/0xa50 [nf_tables] */
#define NO_SYM		 0xffffffff814a0f94ULL /* inside __pfx_tcp_v4_rcv: no symbol */

static int setup(void **state)
{
	struct ksyms *ks = ksyms__load_kallsyms(KALLSYMS_FIXTURE);

	if (!ks)
		return -1;
	*state = ks;
	return 0;
}

static int teardown(void **state)
{
	ksyms__free(*state);
	return 0;
}

static void test_location_styles(void **state)
{
	const struct ksyms *ks = *state;
	char b[NAMING_LOCATION_LEN];

	assert_string_equal(naming_location(ks, SYM_NAME, A_TCP, b, sizeof(b)), "tcp_v4_rcv");
	assert_string_equal(naming_location(ks, SYM_DATA, A_TCP, b, sizeof(b)),
			    "tcp_v4_rcv+0xaa/0x8d0 [kernel]");
	assert_string_equal(naming_location(ks, SYM_ADDR, A_TCP, b, sizeof(b)),
			    "0xffffffff814a104a");
	assert_string_equal(naming_location(ks, SYM_FULL, A_TCP, b, sizeof(b)),
			    "0xffffffff814a104a, tcp_v4_rcv, tcp_v4_rcv+0xaa/0x8d0 [kernel]");
	/* No symbol: the address, in every style. */
	assert_string_equal(naming_location(ks, SYM_NAME, NO_SYM, b, sizeof(b)),
			    "0xffffffff814a0f94");
	assert_string_equal(naming_location(ks, SYM_DATA, NO_SYM, b, sizeof(b)),
			    "0xffffffff814a0f94");
	/* No symbol table at all (addresses hidden). */
	assert_string_equal(naming_location(NULL, SYM_NAME, A_TCP, b, sizeof(b)),
			    "0xffffffff814a104a");
}

static void test_frame(void **state)
{
	const struct ksyms *ks = *state;
	char b[NAMING_FRAME_LEN];

	/* No "[kernel]" on a core frame, a module keeps its name. */
	assert_string_equal(naming_frame(ks, A_TCP, b, sizeof(b)), "tcp_v4_rcv+0xaa/0x8d0");
	assert_string_equal(naming_frame(ks, NFT, b, sizeof(b)),
			    "nft_do_chain+0x1d4/0xa50 [nf_tables]");
}

/* One spelling for a reason without a name; "unknown" without reasons. */
static void test_reason(void **state)
{
	char *text = slurp(REASONS_FIXTURE);
	struct reasons *rs;
	char b[NAMING_NUM_LEN];
	(void)state;

	assert_non_null(text);
	rs = reasons__from_format(text);
	free(text);
	assert_non_null(rs);
	assert_string_equal(naming_reason(rs, true, 2, b, sizeof(b)), "NO_SOCKET");
	assert_string_equal(naming_reason(rs, true, 999, b, sizeof(b)), "reason_999");
	assert_string_equal(naming_reason(NULL, true, 7, b, sizeof(b)), "reason_7");
	assert_string_equal(naming_reason(NULL, false, 7, b, sizeof(b)), "unknown");
	assert_string_equal(naming_reason(rs, true, 4294967295u, b, sizeof(b)),
			    "reason_4294967295");
	reasons__free(rs);
}

static void test_proto_device(void **state)
{
	char b[NAMING_DEV_LEN];
	char field[16] = "eth0";
	char full[16];
	(void)state;

	assert_string_equal(naming_proto(0x0800, b, sizeof(b)), "IPv4");
	assert_string_equal(naming_proto(0x88cc, b, sizeof(b)), "0x88cc");
	assert_string_equal(naming_device(field, b, sizeof(b)), "eth0");
	memset(field, 0, sizeof(field));
	assert_string_equal(naming_device(field, b, sizeof(b)), "-");
	/* Sixteen bytes without a NUL, one of them ESC: bounded and escaped. */
	memset(full, 'a', sizeof(full));
	full[3] = '\x1b';
	assert_string_equal(naming_device(full, b, sizeof(b)), "aaa\\x1baaaaaaaaaaaa");
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_location_styles),
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_reason),
		cmocka_unit_test(test_proto_device),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
