// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for src/lib/newfile.c: the directory a file is made in, and
 * removing it by that directory's descriptor only while it is still ours.
 * In a fresh directory under /tmp.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/newfile.h"

struct tmp {
	char dir[64];
	char path[2][PATH_MAX]; /* two at a time: rename(at(), at()) */
	int next;
};

static int setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/test_newfile.XXXXXX");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tmp *t = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	if (system(cmd))
		return -1;
	free(t);
	return 0;
}

static const char *at(struct tmp *t, const char *rel)
{
	char *p = t->path[t->next ^= 1];
	size_t d = strlen(t->dir), r = strlen(rel);

	assert_true(d + 1 + r < PATH_MAX);
	memcpy(p, t->dir, d);
	p[d] = '/';
	memcpy(p + d + 1, rel, r + 1);
	return p;
}

static bool exists(struct tmp *t, const char *rel)
{
	struct stat st;

	return !lstat(at(t, rel), &st);
}

/* The last component, and the directory it is in. */
static void test_dir_split(void **state)
{
	struct tmp *t = *state;
	struct stat a, b;
	const char *name;
	int fd;

	fd = outfile_dir(at(t, "r"), &name);
	assert_true(fd >= 0);
	assert_string_equal(name, "r");
	assert_int_equal(fstat(fd, &a), 0);
	assert_int_equal(stat(t->dir, &b), 0);
	assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	close(fd);

	fd = outfile_dir("/x", &name);
	assert_true(fd >= 0);
	assert_string_equal(name, "x");
	assert_int_equal(fstat(fd, &a), 0);
	assert_int_equal(stat("/", &b), 0);
	assert_true(a.st_ino == b.st_ino);
	close(fd);

	fd = outfile_dir("plain", &name); /* the current directory */
	assert_true(fd >= 0);
	assert_string_equal(name, "plain");
	close(fd);

	assert_int_equal(outfile_dir(at(t, "sub/"), &name), -EISDIR);
	assert_int_equal(outfile_dir("", &name), -EINVAL);
	assert_int_equal(outfile_dir(at(t, "nodir/r"), &name), -ENOENT);
}

/* Made, then removed: ours. */
static void test_remove_ours(void **state)
{
	struct tmp *t = *state;
	const char *name;
	int dirfd, fd;

	dirfd = outfile_dir(at(t, "r"), &name);
	assert_true(dirfd >= 0);
	fd = outfile_openat(dirfd, name, 0644, false, NULL);
	assert_true(fd >= 0);
	assert_true(exists(t, "r"));
	assert_int_equal(outfile_remove(dirfd, name, fd), 0);
	assert_false(exists(t, "r"));
	close(fd);
	close(dirfd);
}

/* Replaced by another file, or by a link to ours: left alone. */
static void test_remove_replaced(void **state)
{
	struct tmp *t = *state;
	const char *name;
	int dirfd, fd, other;

	dirfd = outfile_dir(at(t, "r"), &name);
	assert_true(dirfd >= 0);
	fd = outfile_openat(dirfd, name, 0644, false, NULL);
	assert_true(fd >= 0);
	assert_int_equal(rename(at(t, "r"), at(t, "mine")), 0);
	other = open(at(t, "r"), O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(other >= 0);
	close(other);
	assert_int_equal(outfile_remove(dirfd, name, fd), -ESTALE);
	assert_true(exists(t, "r"));

	assert_int_equal(unlink(at(t, "r")), 0);
	assert_int_equal(symlink(at(t, "mine"), at(t, "r")), 0);
	assert_int_equal(outfile_remove(dirfd, name, fd), -ESTALE);
	assert_true(exists(t, "r"));
	assert_true(exists(t, "mine"));
	close(fd);
	close(dirfd);
}

/*
 * The directory renamed and another put at its path with a hard link to
 * our file: ours goes from the directory it was made in, the link stays.
 */
static void test_remove_dir_swapped(void **state)
{
	struct tmp *t = *state;
	const char *name;
	int dirfd, fd;

	assert_int_equal(mkdir(at(t, "d"), 0755), 0);
	dirfd = outfile_dir(at(t, "d/r"), &name);
	assert_true(dirfd >= 0);
	fd = outfile_openat(dirfd, name, 0644, false, NULL);
	assert_true(fd >= 0);
	assert_int_equal(rename(at(t, "d"), at(t, "d.old")), 0);
	assert_int_equal(mkdir(at(t, "d"), 0755), 0);
	assert_int_equal(link(at(t, "d.old/r"), at(t, "d/r")), 0);
	assert_int_equal(outfile_remove(dirfd, name, fd), 0);
	assert_false(exists(t, "d.old/r"));
	assert_true(exists(t, "d/r"));
	close(fd);
	close(dirfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dir_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_ours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_dir_swapped, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
