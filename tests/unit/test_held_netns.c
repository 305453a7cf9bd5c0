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
	/* a process after pid 2 in pid order, whatever the directory's */
	mkfd("30", 0, "net:[555]");
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

static struct held_walk *walk(const char *proc, size_t per_proc, size_t max_links)
{
	struct held_walk *w = held_walk__new(proc, per_proc, max_links);

	assert_non_null(w);
	return w;
}

static void test_links_parsed(void **state)
{
	struct held_walk *w = walk(root, 1000, 100000);
	(void)state;

	assert_true(held_walk__step(w));
	assert_int_equal(held_walk__last_links(w), 7 + 200 + 1);
	assert_int_equal(held_walk__held(w, 111), HELD_YES);
	assert_int_equal(held_walk__held(w, 222), HELD_YES);
	assert_int_equal(held_walk__held(w, 555), HELD_YES);
	/* "self" and "0" are not processes; malformed links name nothing */
	assert_int_equal(held_walk__held(w, 333), HELD_NO);
	assert_int_equal(held_walk__held(w, 444), HELD_NO);
	assert_int_equal(held_walk__held(w, 12), HELD_NO);
	assert_int_equal(held_walk__cut_links(w), 0);
	assert_int_equal(held_walk__cut_proc(w), 0);
	held_walk__free(w);
}

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

/* One process's huge table costs at most per_proc reads, and says so. */
static void test_per_process_bound(void **state)
{
	struct held_walk *w = walk(root, 10, 100000);
	(void)state;

	assert_true(held_walk__step(w));
	assert_int_equal(held_walk__last_links(w), 7 + 10 + 1);
	assert_int_equal(held_walk__held(w, 111), HELD_YES);
	assert_int_equal(held_walk__held(w, 222), HELD_YES);
	assert_int_equal(held_walk__held(w, 555), HELD_YES);
	assert_int_equal(held_walk__cut_proc(w), 1);
	assert_int_equal(held_walk__cut_links(w), 0);
	held_walk__free(w);
}

/*
 * A step reads at most max_links; a walk it stops short is not complete:
 * a namespace not found yet is "cannot tell" (a holder past the bound was
 * taken for gone before), and the walk goes on at the next step.
 */
static void test_total_bound_goes_on(void **state)
{
	struct held_walk *w = walk(root, 1000, 50);
	(void)state;

	/* pid 1 (7 links), then pid 2 is cut by the budget: read again next */
	assert_false(held_walk__step(w));
	assert_true(held_walk__last_links(w) <= 50);
	assert_int_equal(held_walk__held(w, 111), HELD_YES);
	assert_int_equal(held_walk__held(w, 555), HELD_UNKNOWN);
	assert_int_equal(held_walk__held(w, 999), HELD_UNKNOWN);
	assert_int_equal(held_walk__cut_links(w), 1);
	/* pid 2 alone is a whole step: taken as cut by the process bound */
	assert_false(held_walk__step(w));
	assert_int_equal(held_walk__last_links(w), 50);
	assert_int_equal(held_walk__held(w, 222), HELD_YES);
	assert_int_equal(held_walk__held(w, 555), HELD_UNKNOWN);
	assert_int_equal(held_walk__cut_links(w), 2);
	assert_int_equal(held_walk__cut_proc(w), 1);
	/* pid 30: the walk is complete, with what every step found */
	assert_true(held_walk__step(w));
	assert_int_equal(held_walk__last_links(w), 1);
	assert_int_equal(held_walk__held(w, 111), HELD_YES);
	assert_int_equal(held_walk__held(w, 222), HELD_YES);
	assert_int_equal(held_walk__held(w, 555), HELD_YES);
	assert_int_equal(held_walk__held(w, 999), HELD_NO);
	assert_int_equal(held_walk__cut_links(w), 2);
	held_walk__free(w);
}

/* After a complete walk the next step begins a new one: a holder that
 * closed its descriptor is no longer counted. */
static void test_next_walk_forgets(void **state)
{
	struct held_walk *w = walk(root, 1000, 100000);
	char p[256];
	(void)state;

	assert_true(held_walk__step(w));
	assert_int_equal(held_walk__held(w, 555), HELD_YES);
	snprintf(p, sizeof(p), "%s/30/fd/0", root);
	assert_int_equal(unlink(p), 0);
	assert_true(held_walk__step(w));
	assert_int_equal(held_walk__held(w, 555), HELD_NO);
	assert_int_equal(held_walk__held(w, 111), HELD_YES);
	assert_int_equal(symlink("net:[555]", p), 0);
	held_walk__free(w);
}

/* No /proc: nothing can be said, never "not held". */
static void test_missing_root(void **state)
{
	struct held_walk *w = walk("/nonexistent-held-netns", 10, 10);
	(void)state;

	assert_false(held_walk__step(w));
	assert_int_equal(held_walk__held(w, 111), HELD_UNKNOWN);
	held_walk__free(w);
}

/* The real /proc: a descriptor of our namespace, by the kernel's inode. */
static void test_real_proc(void **state)
{
	struct held_walk *w = walk("/proc", HELD_NETNS_PER_PROC, HELD_NETNS_MAX_LINKS);
	struct stat st;
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	bool complete;
	(void)state;

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	/* a host with more descriptors than one step: the walk goes on */
	for (int i = 0; i < 64 && !(complete = held_walk__step(w)); i++)
		;
	close(fd);
	assert_true(complete);
	assert_int_equal(held_walk__held(w, (__u32)st.st_ino), HELD_YES);
	held_walk__free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_links_parsed),
		cmocka_unit_test(test_per_process_bound),
		cmocka_unit_test(test_total_bound_goes_on),
		cmocka_unit_test(test_next_walk_forgets),
		cmocka_unit_test(test_missing_root),
		cmocka_unit_test(test_real_proc),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
