// SPDX-License-Identifier: GPL-2.0
/* Unit tests for src/lib/held_netns.c: namespaces held by descriptors,
 * on a tree laid out as /proc (links the test makes) and on the real one
 * (a descriptor this test holds, checked against the kernel's inode). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "lib/held_netns.h"

struct found {
	__u32 v[HELD_NETNS_MAX_LINKS];
	size_t n;
};

static void add(void *arg, __u32 inode)
{
	struct found *f = arg;

	if (f->n < sizeof(f->v) / sizeof(f->v[0]))
		f->v[f->n++] = inode;
}

static size_t count_of(const struct found *f, __u32 inode)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++)
		n += f->v[i] == inode;
	return n;
}

static char root[64];

static void mkfd(const char *pid, int fd, const char *target)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", root, pid);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/%s/fd", root, pid);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/%s/fd/%d", root, pid, fd);
	assert_int_equal(symlink(target, p), 0);
}

static int setup(void **state)
{
	char big[128];
	(void)state;

	snprintf(root, sizeof(root), "/tmp/test_held_netns.XXXXXX");
	if (!mkdtemp(root))
		return -1;
	/* pid 1: one namespace among other kinds of link */
	mkfd("1", 0, "/dev/null");
	mkfd("1", 1, "socket:[77]");
	mkfd("1", 2, "net:[111]");
	mkfd("1", 3, "mnt:[4026531841]");
	/* malformed or out of range: never a namespace */
	mkfd("1", 4, "net:[4294967296]");
	mkfd("1", 5, "net:[12");
	memset(big, '1', sizeof(big));
	memcpy(big, "net:[", 5);
	big[100] = ']';
	big[101] = 0;
	mkfd("1", 6, big); /* longer than the read: cut, not parsed */
	/* pid 2: a descriptor table larger than the per-process bound */
	for (int i = 0; i < 200; i++)
		mkfd("2", i, "net:[222]");
	/* not processes */
	mkfd("self", 0, "net:[333]");
	mkfd("0", 0, "net:[444]");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) ? -1 : 0;
}

static void test_links_parsed(void **state)
{
	static struct found f;
	bool cut = true;
	size_t links;
	(void)state;

	f.n = 0;
	links = held_netns_scan(root, add, &f, 1000, 100000, &cut);
	assert_false(cut);
	assert_int_equal(links, 7 + 200);
	assert_int_equal(count_of(&f, 111), 1);
	assert_int_equal(count_of(&f, 222), 200);
	assert_int_equal(f.n, 201);
}

/* One process's huge table costs at most per_proc reads. */
/* The one parser of "net:[N]" (fd links, ns links, nsfs mount roots). */
static void test_parse(void **state)
{
	(void)state;
	assert_int_equal(held_netns_parse("net:[4026531840]"), 4026531840u);
	assert_int_equal(held_netns_parse("net:[1]"), 1);
	assert_int_equal(held_netns_parse("net:[4294967296]"), 0); /* past 32 bits */
	assert_int_equal(held_netns_parse("net:[12"), 0);	   /* unterminated */
	assert_int_equal(held_netns_parse("net:[12]x"), 12);	   /* as the kernel never writes */
	assert_int_equal(held_netns_parse("mnt:[4026531840]"), 0);
	assert_int_equal(held_netns_parse("socket:[123]"), 0);
	assert_int_equal(held_netns_parse(""), 0);
}

static void test_per_process_bound(void **state)
{
	static struct found f;
	bool cut = false;
	size_t links;
	(void)state;

	f.n = 0;
	links = held_netns_scan(root, add, &f, 10, 100000, &cut);
	assert_true(cut);
	assert_int_equal(links, 7 + 10);
	assert_int_equal(count_of(&f, 111), 1);
	assert_int_equal(count_of(&f, 222), 10);
}

/* And the whole walk at most max_links. */
static void test_total_bound(void **state)
{
	static struct found f;
	bool cut = false;
	size_t links;
	(void)state;

	f.n = 0;
	links = held_netns_scan(root, add, &f, 1000, 50, &cut);
	assert_true(cut);
	assert_int_equal(links, 50);
	assert_true(f.n <= 50);
}

static void test_missing_root(void **state)
{
	static struct found f;
	bool cut = true;
	(void)state;

	f.n = 0;
	assert_int_equal(held_netns_scan("/nonexistent-held-netns", add, &f, 10, 10, &cut), 0);
	assert_false(cut);
	assert_int_equal(f.n, 0);
}

/* The real /proc: a descriptor of our namespace, by the kernel's inode. */
static void test_real_proc(void **state)
{
	static struct found f;
	struct stat st;
	bool cut;
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	(void)state;

	f.n = 0;
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	held_netns_scan("/proc", add, &f, HELD_NETNS_PER_PROC, HELD_NETNS_MAX_LINKS, &cut);
	close(fd);
	if (cut)
		skip(); /* a host with more descriptors than the bound before us */
	assert_true(count_of(&f, (__u32)st.st_ino) >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_links_parsed), cmocka_unit_test(test_per_process_bound),
		cmocka_unit_test(test_total_bound),  cmocka_unit_test(test_missing_root),
		cmocka_unit_test(test_real_proc),    cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
