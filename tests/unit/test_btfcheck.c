// SPDX-License-Identifier: GPL-2.0
/* Unit tests for src/btfcheck.c: --btf must be a kernel's BTF. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/btf.h>
#include <bpf/btf.h>

#include "symbols/btfcheck.h"

/* A tiny BTF with the named structs (and a license section if asked). */
static void *make_btf(bool skb, bool tp, bool license, size_t *size)
{
	struct btf *btf = btf__new_empty();
	const void *raw;
	void *copy;
	__u32 len;
	int i;

	assert_non_null(btf);
	i = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	assert_true(i > 0);
	if (skb) {
		assert_true(btf__add_struct(btf, "sk_buff", 4) > 0);
		assert_int_equal(btf__add_field(btf, "len", i, 0, 0), 0);
	}
	if (tp) {
		assert_true(btf__add_struct(btf, "trace_event_raw_kfree_skb", 4) > 0);
		assert_int_equal(btf__add_field(btf, "reason", i, 0, 0), 0);
	}
	if (license)
		assert_true(btf__add_datasec(btf, "license", 4) > 0);
	raw = btf__raw_data(btf, &len);
	assert_non_null(raw);
	copy = malloc(len);
	memcpy(copy, raw, len);
	*size = len;
	btf__free(btf);
	return copy;
}

static void test_kernel_like(void **state)
{
	char why[256] = "";
	size_t n;
	void *b = make_btf(true, true, false, &n);
	(void)state;

	if (btfcheck_data(b, n, why, sizeof(why)))
		fail_msg("refused: %s", why);
	free(b);
}

static void test_not_a_kernel(void **state)
{
	char why[256];
	size_t n;
	void *b;
	(void)state;

	b = make_btf(false, true, false, &n);
	assert_int_equal(btfcheck_data(b, n, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "sk_buff"));
	free(b);
	b = make_btf(true, false, false, &n);
	assert_int_equal(btfcheck_data(b, n, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "trace_event_raw_kfree_skb"));
	free(b);
	/* What a BPF object carries: both structs (CO-RE), and a license. */
	b = make_btf(true, true, true, &n);
	assert_int_equal(btfcheck_data(b, n, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "BPF object"));
	free(b);
}

static void test_header(void **state)
{
	struct btf_header h;
	char why[256];
	size_t n;
	uint8_t *b = make_btf(true, true, false, &n), *c;
	(void)state;

	/* Header length 26: the rest moved by 2 bytes, offsets unchanged. */
	c = calloc(1, n + 2);
	memcpy(&h, b, sizeof(h));
	h.hdr_len += 2;
	memcpy(c, &h, sizeof(h));
	memcpy(c + h.hdr_len, b + sizeof(h), n - sizeof(h));
	assert_int_equal(btfcheck_data(c, n + 2, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "header length 26"));
	free(c);

	/* Bad magic, short data, sections past the end. */
	assert_int_equal(btfcheck_data("\x7f"
				       "ELF",
				       4, why, sizeof(why)),
			 -1);
	c = malloc(n);
	memcpy(c, b, n);
	c[0] ^= 0xff;
	assert_int_equal(btfcheck_data(c, n, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "magic"));
	memcpy(c, b, n);
	memcpy(&h, c, sizeof(h));
	h.str_len += 100;
	memcpy(c, &h, sizeof(h));
	assert_int_equal(btfcheck_data(c, n, why, sizeof(why)), -1);
	free(c);
	free(b);
}

static void test_file(void **state)
{
	char path[] = "/tmp/dropscope-btf-XXXXXX", msg[1024];
	size_t n;
	void *b = make_btf(true, true, false, &n);
	int fd = mkstemp(path), mfd;
	(void)state;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, b, n), (ssize_t)n);
	close(fd);
	mfd = btfcheck_file(path, msg, sizeof(msg));
	assert_true(mfd > 2);
	/* The copy is what was checked. */
	assert_int_equal(lseek(mfd, 0, SEEK_END), (off_t)n);
	close(mfd);
	unlink(path);
	free(b);

	/* Messages name the file and the cause. */
	assert_int_equal(btfcheck_file("/dev/zero", msg, sizeof(msg)), -1);
	assert_string_equal(msg, "--btf /dev/zero: not a regular file");
	assert_int_equal(btfcheck_file("/nonexistent/x", msg, sizeof(msg)), -1);
	assert_string_equal(msg, "--btf /nonexistent/x: No such file or directory");
	assert_int_equal(btfcheck_file("/etc/passwd", msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "--btf /etc/passwd: "));
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_like),
		cmocka_unit_test(test_not_a_kernel),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
