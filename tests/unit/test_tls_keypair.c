// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the TLS certificate/key check (lib/tls_keypair): pairs
 * made here with openssl (skipped without it); a matching pair passes, a
 * key of another certificate is a mismatch, and a file of the wrong kind
 * is blamed on the option that named it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/tls_keypair.h"

struct pairs {
	char dir[64];
	char *cert[2], *key[2];
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 65536);

	assert_non_null(f);
	assert_non_null(buf);
	assert_true(fread(buf, 1, 65535, f) > 0);
	fclose(f);
	return buf;
}

static int setup(void **state)
{
	struct pairs *p = calloc(1, sizeof(*p));
	char cmd[512], path[128];

	if (!p || system("command -v openssl >/dev/null 2>&1"))
		return free(p), *state = NULL, 0;
	strcpy(p->dir, "/tmp/test_tls.XXXXXX");
	if (!mkdtemp(p->dir))
		return free(p), -1;
	for (int i = 0; i < 2; i++) {
		/* An EC pair and an RSA pair: both kinds servers use. */
		snprintf(cmd, sizeof(cmd),
			 "openssl req -x509 -newkey %s -nodes -days 2 -subj /CN=localhost "
			 "-keyout %s/k%d.pem -out %s/c%d.pem >/dev/null 2>&1",
			 i ? "rsa:2048" : "ec -pkeyopt ec_paramgen_curve:prime256v1", p->dir, i,
			 p->dir, i);
		if (system(cmd))
			return -1;
		snprintf(path, sizeof(path), "%s/c%d.pem", p->dir, i);
		p->cert[i] = slurp(path);
		unlink(path);
		snprintf(path, sizeof(path), "%s/k%d.pem", p->dir, i);
		p->key[i] = slurp(path);
		unlink(path);
	}
	rmdir(p->dir);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct pairs *p = *state;

	if (p)
		for (int i = 0; i < 2; i++)
			free(p->cert[i]), free(p->key[i]);
	free(p);
	return 0;
}

static enum tls_keypair check(const char *c, const char *k)
{
	char why[256];
	enum tls_keypair r = tls_keypair_check(c, k, why, sizeof(why));

	/* Whatever went wrong is said in words. */
	if (r != TLS_PAIR_OK)
		assert_true(why[0]);
	assert_int_not_equal(r, TLS_PAIR_UNCHECKED); /* GnuTLS is a build dependency */
	return r;
}

static void test_pairs(void **state)
{
	struct pairs *p = *state;

	if (!p)
		skip();
	assert_int_equal(check(p->cert[0], p->key[0]), TLS_PAIR_OK);
	assert_int_equal(check(p->cert[1], p->key[1]), TLS_PAIR_OK);
	assert_int_equal(check(p->cert[0], p->key[1]), TLS_PAIR_MISMATCH);
	assert_int_equal(check(p->cert[1], p->key[0]), TLS_PAIR_MISMATCH);
}

static void test_wrong_files(void **state)
{
	struct pairs *p = *state;

	if (!p)
		skip();
	assert_int_equal(check(p->key[0], p->key[0]), TLS_PAIR_BAD_CERT);
	assert_int_equal(check(p->cert[0], p->cert[0]), TLS_PAIR_BAD_KEY);
	assert_int_equal(check("", p->key[0]), TLS_PAIR_BAD_CERT);
	assert_int_equal(check(p->cert[0], "not a key\n"), TLS_PAIR_BAD_KEY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pairs),
		cmocka_unit_test(test_wrong_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
